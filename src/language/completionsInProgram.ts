// TypeScript's own completions computed in a given program, not the language service's current one: the
// one internal function radnb calls (ts.Completions.getCompletionsAtPosition, what the language service
// itself calls). Without it (another TypeScript) the caller answers the usual way.
import type * as TS from 'typescript';

interface CompletionsModule {
  getCompletionsAtPosition(
    host: TS.LanguageServiceHost,
    program: TS.Program,
    log: (message: string) => void,
    sourceFile: TS.SourceFile,
    position: number,
    preferences: TS.UserPreferences,
    triggerCharacter: TS.CompletionsTriggerCharacter | undefined,
    completionKind: TS.CompletionTriggerKind | undefined,
    cancellationToken: TS.CancellationToken,
  ): TS.CompletionInfo | undefined;
}

const NEVER_CANCELLED: TS.CancellationToken = {
  isCancellationRequested: () => false,
  throwIfCancellationRequested: () => {},
};

export function completionsInProgram(
  ts: typeof TS,
  host: TS.LanguageServiceHost,
  program: TS.Program,
  file: TS.SourceFile,
  position: number,
  preferences: TS.UserPreferences,
): TS.CompletionInfo | undefined | 'unavailable' {
  const completions = (ts as unknown as { Completions?: Partial<CompletionsModule> }).Completions;
  if (typeof completions?.getCompletionsAtPosition !== 'function') return 'unavailable';
  return completions.getCompletionsAtPosition(
    host,
    program,
    () => {},
    file,
    position,
    preferences,
    undefined,
    undefined,
    NEVER_CANCELLED,
  );
}
