// The one error type of the explainability module: it names the method and what was wrong.
export class ExplainError extends Error {
  override name = 'ExplainError';
  constructor(
    readonly method: string,
    reason: string,
  ) {
    super(`${method}: ${reason}`);
  }
}
