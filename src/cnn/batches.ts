// Training batches from in-memory tensors as a tfjs dataset: a seeded shuffle per epoch (tfjs' own uses
// Math.random) and augmentation applied batch by batch, so that a seed reproduces a run.
import * as tf from '@tensorflow/tfjs';
import { augment } from './augment';
import type { AugmentOptions } from './augment';
import { seededRandom, shuffledIndices } from '../common/random';

export interface BatchOptions {
  batchSize: number;
  shuffle: boolean;
  seed: number;
  augment?: AugmentOptions;
  /** Move the targets with the images (segmentation masks, denoising targets). */
  augmentTarget?: boolean;
  /** The epoch of the first pass: a run resumed at epoch k draws the orders the whole run would have. Default 0. */
  firstPass?: number;
}

export function batchCount(examples: number, batchSize: number): number {
  return Math.ceil(examples / batchSize);
}

/** Each pass over the dataset (each epoch) draws a new order from the seed and the pass number. */
export function tensorBatches(
  x: tf.Tensor,
  y: tf.Tensor,
  options: BatchOptions,
): tf.data.Dataset<tf.TensorContainerObject> {
  const n = x.shape[0];
  if (y.shape[0] !== n) throw new Error(`train: x has ${n} examples but y has ${y.shape[0]}`);
  let pass = options.firstPass ?? 0;
  return tf.data.generator(function* () {
    const random = seededRandom(options.seed + 7919 * pass++);
    const order = options.shuffle ? shuffledIndices(n, random) : Int32Array.from({ length: n }, (_, i) => i);
    for (let start = 0; start < n; start += options.batchSize) {
      const batchSeed = Math.floor(random() * 2 ** 31);
      yield tf.tidy(() => {
        const indices = tf.tensor1d(order.subarray(start, start + options.batchSize), 'int32');
        const xs = tf.gather(x, indices);
        const ys = tf.gather(y, indices);
        if (options.augment === undefined) return { xs, ys };
        const moved = options.augmentTarget ? (ys as tf.Tensor4D) : undefined;
        const out = augment(xs as tf.Tensor4D, options.augment, batchSeed, moved);
        return { xs: out.x, ys: out.target ?? ys };
      });
    }
  });
}
