// Activations of any layer of a model for one image.
import * as tf from '@tensorflow/tfjs';
import { ExplainError } from './errors';
import { runRecording } from './intercept';
import { findLayer } from './layers';
import { asBatch } from './modelInput';

/** What layer `layerName` outputs for `input` ([H, W, C] or [1, H, W, C]), without the batch axis:
 *  [h, w, channels] for a conv layer. A new tensor: the caller disposes it. */
export function featureMaps(model: tf.LayersModel, layerName: string, input: tf.Tensor): tf.Tensor {
  const method = 'featureMaps';
  const layer = findLayer(method, model, layerName);
  return tf.tidy(() => {
    const { output, activation } = runRecording(model, layer, asBatch(method, model, input));
    output.dispose();
    if (activation === undefined) throw new ExplainError(method, `layer "${layerName}" did not run for this input`);
    const maps = activation.squeeze([0]);
    activation.dispose();
    return maps;
  });
}
