// A wrong command line, told apart from bad input: the commands print the reason with their usage and exit
// with 2, where bad input (a missing file, an unreadable notebook) exits with 1.

export class UsageError extends Error {}

/** A UsageError, or node:util parseArgs' rejection of an unknown option or a missing value. */
export function isUsageError(error: unknown): boolean {
  return (
    error instanceof UsageError ||
    ((error as NodeJS.ErrnoException | undefined)?.code?.startsWith('ERR_PARSE_ARGS') ?? false)
  );
}
