// The one error type of the metrics module: it names the metric and what was wrong with its input.
export class MetricsError extends Error {
  override name = 'MetricsError';
  constructor(
    readonly metric: string,
    reason: string,
  ) {
    super(`${metric}: ${reason}`);
  }
}
