// Activations of any layer of a model for one image, as a tensor or as radnb's feature-map view.
import * as tf from '@tensorflow/tfjs';
import { DISPLAY, type MimeBundle } from '../../common/display';
import { featureMapsBundle } from '../../display/featureMaps';
import type { FeatureMapLayer, FeatureMapsInput } from '../../common/featureMapsPayload';
import { ExplainError } from './errors';
import { runRecording } from './intercept';
import { findLayer, firstLayerFilters, listConvLayers } from './layers';
import { asBatch } from './modelInput';

/** What layer `layerName` outputs for `input` ([H, W, C] or [1, H, W, C]), without the batch axis:
 *  [h, w, channels] for a conv layer. A new tensor: the caller disposes it. */
export function featureMaps(model: tf.LayersModel, layerName: string, input: tf.Tensor): tf.Tensor {
  const method = 'featureMaps';
  const layer = findLayer(method, model, layerName);
  return tf.tidy(() => {
    const { output, activation } = runRecording(method, model, layer, asBatch(method, model, input));
    output.dispose();
    const maps = activation.squeeze([0]);
    activation.dispose();
    return maps;
  });
}

/** Feature maps of several layers for one image, shown by radnb's feature-map view (and as a PNG
 *  mosaic elsewhere). Values are copied out: the view holds no tensors. */
export class FeatureMapsView {
  constructor(readonly maps: FeatureMapsInput) {}

  [DISPLAY](): MimeBundle {
    return featureMapsBundle(this.maps);
  }
}

/** The activations of `layerNames` (default: every conv layer) for `input`, with the first conv layer's filters. */
export function featureMapsView(model: tf.LayersModel, input: tf.Tensor, layerNames?: string[]): FeatureMapsView {
  const names = layerNames ?? listConvLayers(model).map((l) => l.name);
  if (names.length === 0)
    throw new ExplainError(
      'featureMapsView',
      `model "${model.name}" has no convolutional layer; name the layers to show`,
    );
  const layers = names.map((name): FeatureMapLayer => {
    const maps = featureMaps(model, name, input);
    const [height, width, channels] = maps.rank === 3 ? maps.shape : [1, 1, maps.size];
    const values = maps.dataSync() as Float32Array;
    maps.dispose();
    return {
      name,
      className: findLayer('featureMapsView', model, name).getClassName(),
      height,
      width,
      channels,
      values,
    };
  });
  const filters = listConvLayers(model).length > 0 ? firstLayerFilters(model) : undefined;
  return new FeatureMapsView({ title: `Feature maps of ${model.name}`, layers, filters });
}
