// Turns what users pass (arrays, typed arrays, tfjs tensors) into plain number arrays and checks it,
// so every metric below works on one representation and fails early with a named reason.
import { MetricsError } from './errors';

/** What a metric accepts for a vector of values: a tfjs tensor is read with `dataSync()`. */
export type NumericInput = ArrayLike<number> | { dataSync(): ArrayLike<number>; shape: number[] };

/** Binary labels: 0/1 numbers, booleans, or a tensor of 0/1. */
export type BinaryLabels = NumericInput | ArrayLike<boolean>;

function isTensorLike(x: NumericInput): x is { dataSync(): ArrayLike<number>; shape: number[] } {
  return typeof (x as { dataSync?: unknown }).dataSync === 'function';
}

/** Values of `x` (flattened) as a Float64Array; rejects NaN. */
export function toValues(metric: string, what: string, x: NumericInput): Float64Array {
  const values = Float64Array.from(isTensorLike(x) ? x.dataSync() : x);
  const bad = values.findIndex((v) => Number.isNaN(v));
  if (bad >= 0) throw new MetricsError(metric, `${what}[${bad}] is NaN`);
  return values;
}

/** Shape of `x`: a tensor's own shape, else one axis. */
export function shapeOf(x: NumericInput): number[] {
  return isTensorLike(x) ? [...x.shape] : [x.length];
}

/** Binary labels (0/1; booleans allowed) and scores of the same length, with both classes present. */
export function binaryInputs(
  metric: string,
  labels: BinaryLabels,
  scores: NumericInput,
  { bothClasses = true }: { bothClasses?: boolean } = {},
): { y: Uint8Array; s: Float64Array } {
  const raw = Array.from(
    isTensorLike(labels as NumericInput)
      ? (labels as { dataSync(): ArrayLike<number> }).dataSync()
      : (labels as ArrayLike<number | boolean>),
  );
  const y = new Uint8Array(raw.length);
  raw.forEach((v, i) => {
    const n = Number(v);
    if (n !== 0 && n !== 1)
      throw new MetricsError(metric, `labels[${i}] is ${String(v)}; binary labels must be 0 or 1`);
    y[i] = n;
  });
  const s = toValues(metric, 'scores', scores);
  if (s.length !== y.length) throw new MetricsError(metric, `${y.length} labels but ${s.length} scores`);
  if (y.length === 0) throw new MetricsError(metric, 'no samples');
  if (bothClasses) {
    const positives = y.reduce((n, v) => n + v, 0);
    if (positives === 0 || positives === y.length) {
      throw new MetricsError(
        metric,
        `needs both classes, got only ${positives === 0 ? 'negatives' : 'positives'} (${y.length} samples)`,
      );
    }
  }
  return { y, s };
}

/** Integer class labels (0..k−1). */
export function classLabels(metric: string, what: string, x: NumericInput): Int32Array {
  const values = toValues(metric, what, x);
  return Int32Array.from(values, (v, i) => {
    if (!Number.isInteger(v) || v < 0)
      throw new MetricsError(metric, `${what}[${i}] is ${v}; class labels must be integers ≥ 0`);
    return v;
  });
}

/** Indices of `values` sorted by decreasing value (stable). */
export function orderByDecreasing(values: Float64Array): Uint32Array {
  const order = Uint32Array.from(values, (_, i) => i);
  return order.sort((a, b) => values[b] - values[a] || a - b);
}
