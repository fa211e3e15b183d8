// Occlusion sensitivity (Zeiler & Fergus 2014): slide a patch of a baseline value over the image and
// record how much the class probability drops; a pixel's heat is the mean drop over the patches covering
// it. Needs no gradients, so it also checks the gradient methods.
import * as tf from '@tensorflow/tfjs';
import { ExplainError } from './errors';
import { Explanation, backgroundOf, normaliseHeat } from './explanation';
import { asBatch, resolveClass } from './modelInput';

export interface OcclusionOptions {
  /** Side of the square patch in pixels. Default: an eighth of the smaller image side (at least 1). */
  patch?: number;
  /** Step between patches. Default: half the patch. */
  stride?: number;
  /** Value the patch is filled with (e.g. 0, or the image mean). Default 0. */
  baseline?: number;
  /** Output unit whose probability is watched. Default: the predicted class. */
  classIndex?: number;
  /** Occluded images per forward pass. Default 32. */
  batchSize?: number;
}

/** Patch starts along one side: every `stride`, plus one flush with the far edge so no pixel is missed. */
function starts(size: number, patch: number, stride: number): number[] {
  const out: number[] = [];
  for (let s = 0; s + patch <= size; s += stride) out.push(s);
  if (out[out.length - 1] + patch < size) out.push(size - patch);
  return out;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new ExplainError('occlusion', `${name} must be a positive integer, got ${value}`);
  return value;
}

export function occlusion(model: tf.LayersModel, input: tf.Tensor, options: OcclusionOptions = {}): Explanation {
  const batch = asBatch('Occlusion', model, input);
  try {
    return occlude(model, batch, options);
  } finally {
    if (batch !== input) batch.dispose();
  }
}

function occlude(model: tf.LayersModel, batch: tf.Tensor4D, options: OcclusionOptions): Explanation {
  const method = 'Occlusion';
  const [, h, w] = batch.shape;
  const patch = positiveInteger('patch', options.patch ?? Math.max(1, Math.floor(Math.min(h, w) / 8)));
  const stride = positiveInteger('stride', options.stride ?? Math.max(1, Math.floor(patch / 2)));
  const batchSize = positiveInteger('batchSize', options.batchSize ?? 32);
  if (patch > Math.min(h, w)) throw new ExplainError(method, `patch ${patch} is larger than the image ${h}×${w}`);
  const baseline = options.baseline ?? 0;
  const background = backgroundOf(batch);
  const { classIndex, base } = tf.tidy(() => {
    const output = model.predict(batch) as tf.Tensor;
    const c = resolveClass(method, output, options.classIndex);
    return { classIndex: c, base: output.reshape([-1]).dataSync()[c] };
  });
  const positions = starts(h, patch, stride).flatMap((r) => starts(w, patch, stride).map((c) => [r, c] as const));
  const sum = new Float32Array(h * w);
  const count = new Float32Array(h * w);
  for (let first = 0; first < positions.length; first += batchSize) {
    const chunk = positions.slice(first, first + batchSize);
    const mask = new Float32Array(chunk.length * h * w);
    chunk.forEach(([r, c], k) => {
      for (let y = r; y < r + patch; y++) mask.fill(1, k * h * w + y * w + c, k * h * w + y * w + c + patch);
    });
    const scores = tf.tidy(() => {
      const m = tf.tensor4d(mask, [chunk.length, h, w, 1]);
      const occluded = batch.mul(tf.scalar(1).sub(m)).add(m.mul(baseline));
      const output = model.predict(occluded) as tf.Tensor;
      return output.reshape([chunk.length, -1]).slice([0, classIndex], [-1, 1]).dataSync();
    });
    chunk.forEach(([r, c], k) => {
      const drop = base - scores[k];
      for (let y = r; y < r + patch; y++) {
        for (let x = c; x < c + patch; x++) {
          sum[y * w + x] += drop;
          count[y * w + x]++;
        }
      }
    });
  }
  const meanDrop = sum.map((s, i) => s / count[i]);
  const largest = meanDrop.reduce((m, v) => Math.max(m, v), -Infinity);
  return new Explanation(method, h, w, normaliseHeat(meanDrop), background, {
    class: classIndex,
    patch,
    stride,
    'largest mean drop': largest,
  });
}
