// Summary of repeated timings, the same way for every benchmark (nearest-rank quantiles, 3 decimals).
export interface Stats {
  median: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
  n: number;
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    median: round(at(0.5)),
    p95: round(at(0.95)),
    mean: round(values.reduce((a, b) => a + b, 0) / values.length),
    min: round(sorted[0]),
    max: round(sorted[sorted.length - 1]),
    n: values.length,
  };
}
