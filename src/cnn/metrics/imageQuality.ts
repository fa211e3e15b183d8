// Image quality of a reconstruction against its reference (CT denoising, super-resolution).
// SSIM is Wang et al. 2004 exactly: 11×11 Gaussian window σ = 1.5 (radius 5), K1 = 0.01, K2 = 0.03,
// population (not sample) covariances, the mean taken over the pixels whose window lies inside the image.
// That equals skimage.metrics.structural_similarity(x, y, gaussian_weights=True, sigma=1.5,
// use_sample_covariance=False, data_range=R) — skimage's own defaults differ (7×7 uniform window).
import { DISPLAY, type MimeBundle } from '../../common/display';
import { metricsBundle } from './display';
import { MetricsError } from './errors';
import { shapeOf, toValues, type NumericInput } from './inputs';
import type { TableView } from '../../common/metricsViews';

export interface ImageQualityOptions {
  /** Range of possible values (e.g. 255 for 8-bit, the HU window width for CT). Default: the reference's max − min. */
  dataRange?: number;
  /** [rows, columns] for flat arrays; taken from a tensor's shape ([H, W] or [H, W, 1]). */
  shape?: readonly [number, number];
}

const SIGMA = 1.5;
const RADIUS = 5;
const K1 = 0.01;
const K2 = 0.03;

function imagePair(metric: string, test: NumericInput, reference: NumericInput, options: ImageQualityOptions) {
  const x = toValues(metric, 'image', test);
  const y = toValues(metric, 'reference', reference);
  if (x.length !== y.length)
    throw new MetricsError(metric, `image has ${x.length} values but reference has ${y.length}`);
  let range = options.dataRange;
  if (range === undefined) {
    range = y.reduce((m, v) => Math.max(m, v), -Infinity) - y.reduce((m, v) => Math.min(m, v), Infinity);
  }
  if (!(range > 0)) throw new MetricsError(metric, `data range must be positive, got ${range}; pass { dataRange }`);
  return { x, y, range };
}

/** Peak signal-to-noise ratio in dB: 10·log10(R² / MSE); Infinity for identical images. */
export function psnr(test: NumericInput, reference: NumericInput, options: ImageQualityOptions = {}): number {
  const { x, y, range } = imagePair('psnr', test, reference, options);
  const mse = x.reduce((sum, v, i) => sum + (v - y[i]) ** 2, 0) / x.length;
  return 10 * Math.log10((range * range) / mse);
}

function gaussianKernel(): Float64Array {
  const kernel = Float64Array.from({ length: 2 * RADIUS + 1 }, (_, i) => Math.exp(-0.5 * ((i - RADIUS) / SIGMA) ** 2));
  const sum = kernel.reduce((a, b) => a + b, 0);
  return kernel.map((v) => v / sum);
}

/** Mirror index into [0, n): …c b a | a b c… (scipy.ndimage's 'reflect'). */
function reflect(i: number, n: number): number {
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

/** Separable Gaussian filter of an h × w image. */
function gaussianFilter(image: Float64Array, h: number, w: number, kernel: Float64Array): Float64Array {
  const rows = new Float64Array(image.length);
  const out = new Float64Array(image.length);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      let sum = 0;
      for (let k = -RADIUS; k <= RADIUS; k++) sum += kernel[k + RADIUS] * image[r * w + reflect(c + k, w)];
      rows[r * w + c] = sum;
    }
  }
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      let sum = 0;
      for (let k = -RADIUS; k <= RADIUS; k++) sum += kernel[k + RADIUS] * rows[reflect(r + k, h) * w + c];
      out[r * w + c] = sum;
    }
  }
  return out;
}

function imageShape(
  metric: string,
  image: NumericInput,
  length: number,
  options: ImageQualityOptions,
): [number, number] {
  const given = options.shape ?? shapeOf(image);
  const shape = given.length === 3 && given[2] === 1 ? given.slice(0, 2) : [...given];
  if (shape.length !== 2 || shape[0] * shape[1] !== length) {
    throw new MetricsError(
      metric,
      `needs one 2-D greyscale image, got shape [${given.join(', ')}]; pass { shape: [rows, columns] } for flat arrays`,
    );
  }
  if (shape[0] <= 2 * RADIUS || shape[1] <= 2 * RADIUS) {
    throw new MetricsError(metric, `image ${shape[0]}×${shape[1]} is smaller than the 11×11 window plus one pixel`);
  }
  return shape as [number, number];
}

export interface SsimResult {
  /** Mean SSIM over the pixels whose window lies inside the image. */
  ssim: number;
  /** SSIM of every pixel, rows × columns (edge pixels use mirrored windows). */
  map: Float64Array;
}

export function ssimWithMap(
  test: NumericInput,
  reference: NumericInput,
  options: ImageQualityOptions = {},
): SsimResult {
  const metric = 'ssim';
  const { x, y, range } = imagePair(metric, test, reference, options);
  const [h, w] = imageShape(metric, reference, y.length, options);
  const kernel = gaussianKernel();
  const filter = (image: Float64Array): Float64Array => gaussianFilter(image, h, w, kernel);
  const mx = filter(x);
  const my = filter(y);
  const mxx = filter(x.map((v) => v * v));
  const myy = filter(y.map((v) => v * v));
  const mxy = filter(x.map((v, i) => v * y[i]));
  const c1 = (K1 * range) ** 2;
  const c2 = (K2 * range) ** 2;
  const map = mx.map((_, i) => {
    const vx = mxx[i] - mx[i] * mx[i];
    const vy = myy[i] - my[i] * my[i];
    const cxy = mxy[i] - mx[i] * my[i];
    return ((2 * mx[i] * my[i] + c1) * (2 * cxy + c2)) / ((mx[i] ** 2 + my[i] ** 2 + c1) * (vx + vy + c2));
  });
  let sum = 0;
  for (let r = RADIUS; r < h - RADIUS; r++) for (let c = RADIUS; c < w - RADIUS; c++) sum += map[r * w + c];
  return { ssim: sum / ((h - 2 * RADIUS) * (w - 2 * RADIUS)), map };
}

/** Mean structural similarity (Wang et al. 2004), see the top of this file. */
export function ssim(test: NumericInput, reference: NumericInput, options: ImageQualityOptions = {}): number {
  return ssimWithMap(test, reference, options).ssim;
}

export class ImageQuality {
  constructor(
    readonly psnr: number,
    readonly ssim: number,
    readonly dataRange: number,
  ) {}

  toTable(): TableView {
    return {
      kind: 'table',
      title: `Image quality (data range ${this.dataRange})`,
      columns: ['PSNR (dB)', 'SSIM'],
      rows: [[this.psnr, this.ssim]],
    };
  }

  [DISPLAY](): MimeBundle {
    return metricsBundle(this.toTable());
  }
}

export function imageQuality(
  test: NumericInput,
  reference: NumericInput,
  options: ImageQualityOptions = {},
): ImageQuality {
  const { range } = imagePair('imageQuality', test, reference, options);
  const resolved = { ...options, dataRange: range };
  return new ImageQuality(psnr(test, reference, resolved), ssim(test, reference, resolved), range);
}
