// Importing from evaluated code uses vm's main-context loader, which Node 20 flags as experimental on
// first use. The warning would appear in a user's cell output and says nothing useful to them.
export function silenceExperimentalImportWarning(): void {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (
      (type === 'ExperimentalWarning' || (warning as Error).name === 'ExperimentalWarning') &&
      /vm|dynamic import|importModuleDynamically/i.test(text)
    )
      return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}
