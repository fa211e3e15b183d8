// Node side of the feature-map view: the MIME bundle (binary item for radnb's renderer, a PNG mosaic of
// the first layer's channels for other viewers, a text summary), and the helper that computes every conv
// layer's activations of a tfjs model for one input.
import * as tf from '@tensorflow/tfjs';
import { deflateSync } from 'node:zlib';
import { MIME, type MimeBundle } from '../common/display';
import { encodePng } from '../common/png';
import { type ConvFilters, encodeFeatureMapsPayload, type FeatureMapLayer, type FeatureMapsInput } from './featureMapsPayload';

const MOSAIC_COLUMNS = 8;

/** Channels of one layer side by side (each normalised on its own), 1-pixel gaps: the PNG fallback. */
export function featureMapMosaic(layer: FeatureMapLayer): Buffer {
  const { height: h, width: w, channels } = layer;
  const cols = Math.min(MOSAIC_COLUMNS, channels);
  const rows = Math.ceil(channels / cols);
  const W = cols * (w + 1) - 1;
  const H = rows * (h + 1) - 1;
  const out = new Uint8Array(W * H);
  for (let c = 0; c < channels; c++) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < h * w; i++) {
      const v = layer.values[i * channels + c];
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const scale = max > min ? 255 / (max - min) : 0;
    const ox = (c % cols) * (w + 1);
    const oy = Math.floor(c / cols) * (h + 1);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) out[(oy + y) * W + ox + x] = Math.round((layer.values[(y * w + x) * channels + c] - min) * scale);
    }
  }
  return encodePng(out, W, H, 1);
}

export function featureMapsBundle(input: FeatureMapsInput): MimeBundle {
  const summary = input.layers.map((l) => `${l.name} ${l.height}×${l.width}×${l.channels}`).join(', ');
  return {
    [MIME.featureMaps]: encodeFeatureMapsPayload(input, (bytes) => deflateSync(bytes, { level: 9 })),
    [MIME.png]: featureMapMosaic(input.layers[0]),
    [MIME.text]: `${input.title ?? 'Feature maps'}: ${summary}`,
  };
}

const CONV_CLASSES = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose']);

export class FeatureMapsError extends Error {
  override name = 'FeatureMapsError';
}

/** Activations of every conv layer of `model` for one input (with or without its batch axis), and the
 *  first conv layer's filters. Tensors are freed before returning. */
export function computeFeatureMaps(model: tf.LayersModel, input: tf.Tensor, title?: string): FeatureMapsInput {
  const convLayers = model.layers.filter((layer) => CONV_CLASSES.has(layer.getClassName()));
  if (convLayers.length === 0) throw new FeatureMapsError(`model "${model.name}" has no convolutional layer`);
  const outputs = tf.tidy(() => {
    const probe = tf.model({ inputs: model.inputs, outputs: convLayers.map((l) => l.output as tf.SymbolicTensor) });
    const batch = input.rank === model.inputs[0].rank - 1 ? input.expandDims(0) : input.slice(0, 1);
    const result = probe.predict(batch);
    return (Array.isArray(result) ? result : [result]).map((t) => t.squeeze([0]));
  });
  const layers = convLayers.map((layer, i): FeatureMapLayer => {
    const [height, width, channels] = outputs[i].shape;
    return { name: layer.name, className: layer.getClassName(), height, width, channels, values: outputs[i].dataSync() as Float32Array };
  });
  tf.dispose(outputs);
  const first = convLayers[0];
  // getWeights() hands out the variables' own tensors: read them, do not dispose them.
  const kernel = first.getWeights()[0];
  let filters: ConvFilters | undefined;
  if (kernel?.rank === 4) {
    const [kernelHeight, kernelWidth, inChannels, outChannels] = kernel.shape as [number, number, number, number];
    filters = { layer: first.name, kernelHeight, kernelWidth, inChannels, outChannels, values: kernel.dataSync() as Float32Array };
  }
  return { title, layers, filters };
}
