// Gradient saliency: how much each pixel moves the class score. Vanilla (Simonyan et al. 2014): |∂score/∂x|,
// maximum over channels. SmoothGrad (Smilkov et al. 2017): the gradient averaged over noisy copies of the
// image (Gaussian noise, σ = noise × the image's value range), which removes most of the speckle.
import * as tf from '@tensorflow/tfjs';
import { ExplainError } from './errors';
import { Explanation, backgroundOf, normaliseHeat } from './explanation';
import { type TargetOptions, scoring } from './gradCam';
import { asBatch, classScore, resolveClass } from './modelInput';

export interface SmoothGradOptions extends TargetOptions {
  /** Noisy copies averaged. Default 25. */
  samples?: number;
  /** Noise σ as a fraction of the image's max − min. Default 0.15. */
  noise?: number;
  /** Seed of the noise. Default 0. */
  seed?: number;
  /** Copies per forward/backward pass. Default 8. */
  batchSize?: number;
}

/** Gradient of the class score for each of `images` [n, H, W, C], summed over the n: [1, H, W, C]. */
function summedGradient(model: tf.LayersModel, images: tf.Tensor4D, classIndex: number): tf.Tensor4D {
  const grad = tf.grad((x: tf.Tensor) => classScore(model.apply(x, { training: false }) as tf.Tensor, classIndex))(
    images,
  );
  return grad.sum(0, true) as tf.Tensor4D;
}

function explain(
  method: string,
  model: tf.LayersModel,
  input: tf.Tensor,
  options: TargetOptions,
  gradientOf: (batch: tf.Tensor4D, classIndex: number) => tf.Tensor4D,
  details: Record<string, number> = {},
): Explanation {
  let classIndex = 0;
  let background: Float32Array = new Float32Array();
  const [h, w] = input.rank === 4 ? input.shape.slice(1, 3) : input.shape.slice(0, 2);
  const heat = tf.tidy(() => {
    const batch = asBatch(method, model, input);
    background = backgroundOf(batch);
    classIndex = resolveClass(method, model.predict(batch) as tf.Tensor, options.classIndex);
    return scoring(model, options, () => gradientOf(batch, classIndex))
      .abs()
      .max(-1)
      .reshape([h * w]);
  });
  const values = normaliseHeat(heat.dataSync() as Float32Array);
  heat.dispose();
  return new Explanation(method, h, w, values, background, { class: classIndex, ...details });
}

export function vanillaGradient(model: tf.LayersModel, input: tf.Tensor, options: TargetOptions = {}): Explanation {
  return explain('Gradient', model, input, options, (batch, classIndex) => summedGradient(model, batch, classIndex));
}

export function smoothGrad(model: tf.LayersModel, input: tf.Tensor, options: SmoothGradOptions = {}): Explanation {
  const method = 'SmoothGrad';
  const { samples = 25, noise = 0.15, seed = 0, batchSize = 8 } = options;
  if (!Number.isInteger(samples) || samples < 1)
    throw new ExplainError(method, `samples must be a positive integer, got ${samples}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ExplainError(method, `batchSize must be a positive integer, got ${batchSize}`);
  if (!(noise >= 0)) throw new ExplainError(method, `noise must be ≥ 0, got ${noise}`);
  return explain(
    method,
    model,
    input,
    options,
    (batch, classIndex) => {
      const sigma = batch.max().sub(batch.min()).mul(noise);
      let total = tf.zerosLike(batch);
      for (let start = 0; start < samples; start += batchSize) {
        const n = Math.min(batchSize, samples - start);
        // tidy per chunk: only the running sum survives, so memory stays one chunk deep.
        total = tf.tidy(() => {
          const shape: [number, number, number, number] = [n, ...(batch.shape.slice(1) as [number, number, number])];
          const noisy = batch.add(tf.randomNormal(shape, 0, 1, 'float32', seed + start).mul(sigma)) as tf.Tensor4D;
          const next = total.add(summedGradient(model, noisy, classIndex)) as tf.Tensor4D;
          total.dispose();
          return next;
        });
      }
      return total.div(samples) as tf.Tensor4D;
    },
    { samples, noise },
  );
}
