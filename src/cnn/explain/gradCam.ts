// Grad-CAM (Selvaraju et al. 2017): weight each channel of a conv layer's output by the mean gradient of
// the class score over that channel, sum, ReLU, upsample (bilinear) to the image. The class score is the
// logit (the final softmax/sigmoid is bypassed) unless { score: 'probability' }.
import * as tf from '@tensorflow/tfjs';
import { ExplainError } from './errors';
import { Explanation, backgroundOf, normaliseHeat } from './explanation';
import { runRecording, runReplacing, withLogits } from './intercept';
import { findLayer, lastConvLayer } from './layers';
import { asBatch, classScore, resolveClass } from './modelInput';

export interface TargetOptions {
  /** Output unit to explain. Default: the predicted class (the only unit of a sigmoid output). */
  classIndex?: number;
  /** Take gradients of the 'logit' (default) or of the output 'probability'. */
  score?: 'logit' | 'probability';
}

export interface GradCamOptions extends TargetOptions {
  /** Layer whose output is weighted. Default: the last conv layer with a spatial output. */
  layer?: string;
}

/** Runs `fn` with logits when asked (the default), else with the model as it is. */
export function scoring<T>(model: tf.LayersModel, options: TargetOptions, fn: () => T): T {
  return (options.score ?? 'logit') === 'logit' ? withLogits(model, fn) : fn();
}

export function gradCam(model: tf.LayersModel, input: tf.Tensor, options: GradCamOptions = {}): Explanation {
  const method = 'Grad-CAM';
  const layer = options.layer === undefined ? lastConvLayer(method, model) : findLayer(method, model, options.layer);
  let classIndex = 0;
  let background: Float32Array = new Float32Array();
  const heat = tf.tidy(() => {
    const batch = asBatch(method, model, input);
    background = backgroundOf(batch);
    const { output, activation } = runRecording(method, model, layer, batch);
    try {
      classIndex = resolveClass(method, output, options.classIndex);
      if (activation.rank !== 4) {
        throw new ExplainError(
          method,
          `layer "${layer.name}" outputs [${activation.shape.join(', ')}]; Grad-CAM needs a spatial map [1, h, w, channels]`,
        );
      }
      const gradient = scoring(model, options, () =>
        tf.grad((a: tf.Tensor) => classScore(runReplacing(method, model, layer, batch, a), classIndex))(activation),
      );
      const channelWeights = gradient.mean([1, 2], true);
      const cam = activation.mul(channelWeights).sum(-1, true).relu() as tf.Tensor4D;
      const [, h, w] = batch.shape;
      return tf.image.resizeBilinear(cam, [h, w]).reshape([h * w]);
    } finally {
      tf.dispose([output, activation]);
    }
  });
  const values = normaliseHeat(heat.dataSync() as Float32Array);
  heat.dispose();
  const [h, w] = input.rank === 4 ? input.shape.slice(1, 3) : input.shape.slice(0, 2);
  return new Explanation(method, h, w, values, background, { class: classIndex, layer: layer.name });
}
