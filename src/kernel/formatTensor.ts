// Built-in rich display of tfjs tensors: shape, dtype, summary statistics and a small preview.
// Tensors are recognised by shape rather than by class, so the kernel need not load tfjs to display.
import { escapeHtml } from '../common/escapeHtml';
import type { MimeBundle } from '../common/display';

export interface TensorLike {
  shape: number[];
  dtype: string;
  size: number;
  isDisposed?: boolean;
  dataSync(): ArrayLike<number> | string[];
}

export function isTensorLike(value: unknown): value is TensorLike {
  const v = value as Partial<TensorLike> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    Array.isArray(v.shape) &&
    typeof v.dtype === 'string' &&
    typeof v.size === 'number' &&
    typeof v.dataSync === 'function'
  );
}

/** Above this many elements, statistics would block the kernel too long for a display. */
const MAX_STATS_ELEMENTS = 50_000_000;
const PREVIEW = 6;

export function formatTensor(t: TensorLike): MimeBundle {
  const head = `Tensor ${t.dtype} [${t.shape.join(', ')}]`;
  if (t.isDisposed) return { 'text/plain': `${head} (disposed)` };
  if (t.size > MAX_STATS_ELEMENTS || t.dtype === 'string') return { 'text/plain': head };
  const data = t.dataSync() as ArrayLike<number>;
  const s = stats(data);
  const statsLine =
    t.size === 0
      ? 'empty'
      : `min ${formatNumber(s.min)}  max ${formatNumber(s.max)}  mean ${formatNumber(s.mean)}  std ${formatNumber(s.std)}`;
  const preview = previewText(data, t.shape);
  const text = `${head}\n${statsLine}\n${preview}`;
  const html =
    `<div class="radnb-tensor"><strong>${escapeHtml(head)}</strong>` +
    `<div>${escapeHtml(statsLine)}</div><pre>${escapeHtml(preview)}</pre></div>`;
  return { 'text/html': html, 'text/plain': text };
}

function stats(data: ArrayLike<number>): { min: number; max: number; mean: number; std: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / data.length;
  return { min, max, mean, std: Math.sqrt(Math.max(0, sumSq / data.length - mean * mean)) };
}

/** The first and last values along every axis, nested like tf.print. */
function previewText(data: ArrayLike<number>, shape: number[]): string {
  if (shape.length === 0) return formatNumber(Number(data[0]));
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const render = (axis: number, offset: number, indent: string): string => {
    const n = shape[axis];
    const indices = n <= PREVIEW ? range(0, n) : [...range(0, PREVIEW / 2), -1, ...range(n - PREVIEW / 2, n)];
    if (axis === shape.length - 1) {
      return `[${indices.map((i) => (i < 0 ? '...' : formatNumber(Number(data[offset + i])))).join(', ')}]`;
    }
    const inner = indices.map((i) =>
      i < 0 ? `${indent} ...` : `${indent} ${render(axis + 1, offset + i * strides[axis], indent + ' ')}`,
    );
    return `[\n${inner.join(',\n')}\n${indent}]`;
  };
  return render(0, 0, '');
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** A value as tensor previews and summaries print it: integers whole, others to 4 decimals or in exponent form. */
export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toFixed(4);
}
