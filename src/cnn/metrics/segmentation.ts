// Overlap and boundary metrics of segmentation masks (2-D or 3-D). Hausdorff 95 follows MedPy's hd95:
// the surface of a mask is its foreground minus its erosion by the face-connected cross (outside the
// grid counts as background), distances use the pixel spacing, and the 95th percentile (linear
// interpolation) is taken over the surface distances of both directions together.
import { DISPLAY, type MimeBundle } from '../../common/display';
import { distanceToFeatures } from './distanceTransform';
import { metricsBundle } from './display';
import { MetricsError } from './errors';
import { shapeOf, toValues, type NumericInput } from './inputs';
import { quantileSorted } from './quantile';
import type { TableView } from '../../common/metricsViews';

export interface MaskOptions {
  /** Foreground is value ≥ threshold (0/1 masks, 0/255 masks, probability maps). Default 0.5. */
  threshold?: number;
  /** Foreground is value === label instead (one class of a label map). */
  label?: number;
}

export interface SurfaceOptions extends MaskOptions {
  /** Grid shape, rows first ([H, W] or [D, H, W]); taken from a tensor's shape (a trailing 1 is dropped). */
  shape?: readonly number[];
  /** Physical size of a step along each axis of `shape`, e.g. DICOM PixelSpacing [row, column] in mm. Default 1. */
  spacing?: readonly number[];
}

function foreground(metric: string, what: string, mask: NumericInput, options: MaskOptions): Uint8Array {
  const values = toValues(metric, what, mask);
  const { threshold = 0.5, label } = options;
  return Uint8Array.from(values, (v) => ((label === undefined ? v >= threshold : v === label) ? 1 : 0));
}

function maskPair(
  metric: string,
  prediction: NumericInput,
  truth: NumericInput,
  options: MaskOptions,
): [Uint8Array, Uint8Array] {
  const a = foreground(metric, 'prediction', prediction, options);
  const b = foreground(metric, 'truth', truth, options);
  if (a.length !== b.length)
    throw new MetricsError(metric, `prediction has ${a.length} values but truth has ${b.length}`);
  return [a, b];
}

function overlap(a: Uint8Array, b: Uint8Array): { both: number; sizeA: number; sizeB: number } {
  let both = 0;
  let sizeA = 0;
  let sizeB = 0;
  for (let i = 0; i < a.length; i++) {
    both += a[i] & b[i];
    sizeA += a[i];
    sizeB += b[i];
  }
  return { both, sizeA, sizeB };
}

/** Dice = 2|A∩B| / (|A|+|B|); two empty masks agree perfectly: 1. */
export function dice(prediction: NumericInput, truth: NumericInput, options: MaskOptions = {}): number {
  const { both, sizeA, sizeB } = overlap(...maskPair('dice', prediction, truth, options));
  return sizeA + sizeB === 0 ? 1 : (2 * both) / (sizeA + sizeB);
}

/**
 * Dice of each case over all its slices (the unit a radiologist reports): `caseOfExample[i]` is slice i's case,
 * masks hold the slices one after another. Cases in order of first appearance.
 */
export function diceByCase(
  prediction: NumericInput,
  truth: NumericInput,
  caseOfExample: ArrayLike<number>,
  options: MaskOptions = {},
): { caseIndex: number; dice: number }[] {
  const [a, b] = maskPair('diceByCase', prediction, truth, options);
  const pixels = a.length / Math.max(1, caseOfExample.length);
  if (!Number.isInteger(pixels))
    throw new MetricsError('diceByCase', `${a.length} mask values do not split into ${caseOfExample.length} slices`);
  const counts = new Map<number, { both: number; sizeA: number; sizeB: number }>();
  Array.from(caseOfExample).forEach((caseIndex, slice) => {
    const total = counts.get(caseIndex) ?? { both: 0, sizeA: 0, sizeB: 0 };
    const part = overlap(
      a.subarray(slice * pixels, (slice + 1) * pixels),
      b.subarray(slice * pixels, (slice + 1) * pixels),
    );
    counts.set(caseIndex, {
      both: total.both + part.both,
      sizeA: total.sizeA + part.sizeA,
      sizeB: total.sizeB + part.sizeB,
    });
  });
  return [...counts].map(([caseIndex, c]) => ({
    caseIndex,
    dice: c.sizeA + c.sizeB === 0 ? 1 : (2 * c.both) / (c.sizeA + c.sizeB),
  }));
}

/** IoU (Jaccard) = |A∩B| / |A∪B|; two empty masks: 1. */
export function iou(prediction: NumericInput, truth: NumericInput, options: MaskOptions = {}): number {
  const { both, sizeA, sizeB } = overlap(...maskPair('iou', prediction, truth, options));
  return sizeA + sizeB === 0 ? 1 : both / (sizeA + sizeB - both);
}

function gridOf(metric: string, mask: NumericInput, options: SurfaceOptions): { shape: number[]; spacing: number[] } {
  let shape = options.shape !== undefined ? [...options.shape] : shapeOf(mask);
  if (options.shape === undefined && shape.length > 2 && shape[shape.length - 1] === 1) shape = shape.slice(0, -1);
  if (shape.length < 2 || shape.length > 3) {
    throw new MetricsError(
      metric,
      `needs a 2-D or 3-D grid, got shape [${shape.join(', ')}]; pass { shape } for flat arrays`,
    );
  }
  const spacing = options.spacing !== undefined ? [...options.spacing] : shape.map(() => 1);
  if (spacing.length !== shape.length || spacing.some((s) => !(s > 0))) {
    throw new MetricsError(
      metric,
      `spacing [${spacing.join(', ')}] must give one positive step per axis of [${shape.join(', ')}]`,
    );
  }
  return { shape, spacing };
}

/** Foreground voxels with a face neighbour in the background (or on the grid's edge). */
function surface(mask: Uint8Array, shape: readonly number[]): Uint8Array {
  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  return mask.map((v, i) => {
    if (!v) return 0;
    for (let axis = 0; axis < shape.length; axis++) {
      const coordinate = Math.floor(i / strides[axis]) % shape[axis];
      if (coordinate === 0 || coordinate === shape[axis] - 1) return 1;
      if (!mask[i - strides[axis]] || !mask[i + strides[axis]]) return 1;
    }
    return 0;
  });
}

/** Distances from each surface voxel of `from` to the surface of `to`. */
function surfaceDistances(from: Uint8Array, to: Uint8Array, shape: number[], spacing: number[]): number[] {
  const distance = distanceToFeatures(to, shape, spacing);
  const out: number[] = [];
  from.forEach((v, i) => {
    if (v) out.push(distance[i]);
  });
  return out;
}

/** Directed surface distances both ways; throws for an empty mask (the distance is undefined). */
function symmetricSurfaceDistances(
  metric: string,
  prediction: NumericInput,
  truth: NumericInput,
  options: SurfaceOptions,
): number[] {
  const [a, b] = maskPair(metric, prediction, truth, options);
  const { shape, spacing } = gridOf(metric, truth, options);
  if (shape.reduce((x, y) => x * y, 1) !== a.length)
    throw new MetricsError(metric, `shape [${shape.join(', ')}] does not hold ${a.length} values`);
  const empty = [a, b].findIndex((m) => !m.some((v) => v === 1));
  if (empty >= 0)
    throw new MetricsError(
      metric,
      `the ${empty === 0 ? 'prediction' : 'truth'} mask is empty: surface distance is undefined`,
    );
  const sa = surface(a, shape);
  const sb = surface(b, shape);
  return [...surfaceDistances(sa, sb, shape, spacing), ...surfaceDistances(sb, sa, shape, spacing)];
}

/** 95th percentile of the symmetric surface distances, in the units of `spacing` (mm for DICOM). */
export function hausdorff95(prediction: NumericInput, truth: NumericInput, options: SurfaceOptions = {}): number {
  const distances = symmetricSurfaceDistances('hausdorff95', prediction, truth, options).sort((x, y) => x - y);
  return quantileSorted(distances, 0.95);
}

export class SegmentationMetrics {
  constructor(
    readonly dice: number,
    readonly iou: number,
    /** NaN when a mask is empty. */
    readonly hausdorff95: number,
    readonly units: string,
  ) {}

  toTable(): TableView {
    return {
      kind: 'table',
      title: 'Segmentation',
      columns: ['Dice', 'IoU', `HD95 (${this.units})`],
      rows: [[this.dice, this.iou, this.hausdorff95]],
    };
  }

  [DISPLAY](): MimeBundle {
    return metricsBundle(this.toTable());
  }
}

/** Dice, IoU and HD95 together (HD95 is NaN, not an error, when a mask is empty). */
export function segmentationMetrics(
  prediction: NumericInput,
  truth: NumericInput,
  options: SurfaceOptions & { units?: string } = {},
): SegmentationMetrics {
  const anyForeground = (m: NumericInput): boolean =>
    foreground('segmentationMetrics', 'mask', m, options).some((v) => v === 1);
  const hd = anyForeground(prediction) && anyForeground(truth) ? hausdorff95(prediction, truth, options) : NaN;
  return new SegmentationMetrics(
    dice(prediction, truth, options),
    iou(prediction, truth, options),
    hd,
    options.units ?? (options.spacing ? 'mm' : 'px'),
  );
}
