// Finding layers in a tfjs-layers model, nested models included (a backbone inside a classifier), and
// reading the first convolution's filters.
import type * as tf from '@tensorflow/tfjs';
import type { ConvFilters } from '../../common/featureMapsPayload';
import { ExplainError } from './errors';

const CONV_CLASSES = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose']);

export interface ConvLayerInfo {
  name: string;
  className: string;
  /** Output shape without the batch axis: [height, width, channels]. */
  outputShape: number[];
}

/** Every layer of `model` in order, descending into nested models. */
export function allLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.flatMap((layer) => {
    const nested = layer as Partial<tf.LayersModel>;
    return Array.isArray(nested.layers) ? [layer, ...allLayers(layer as tf.LayersModel)] : [layer];
  });
}

export function findLayer(method: string, model: tf.LayersModel, name: string): tf.layers.Layer {
  const layer = allLayers(model).find((l) => l.name === name);
  if (layer === undefined) {
    const names = allLayers(model)
      .map((l) => l.name)
      .join(', ');
    throw new ExplainError(method, `model "${model.name}" has no layer "${name}" (layers: ${names})`);
  }
  return layer;
}

function isConv(layer: tf.layers.Layer): boolean {
  return CONV_CLASSES.has(layer.getClassName());
}

/** The convolutional layers of `model` in order, with their output shapes. */
export function listConvLayers(model: tf.LayersModel): ConvLayerInfo[] {
  return allLayers(model)
    .filter(isConv)
    .map((layer) => {
      const shape = layer.outputShape as (number | null)[];
      return { name: layer.name, className: layer.getClassName(), outputShape: shape.slice(1) as number[] };
    });
}

/** The last conv layer with a spatial output — Grad-CAM's default (the last one that still knows "where"). */
export function lastConvLayer(method: string, model: tf.LayersModel): tf.layers.Layer {
  const convs = listConvLayers(model).filter((l) => l.outputShape.length === 3);
  if (convs.length === 0) throw new ExplainError(method, `model "${model.name}" has no convolutional layer`);
  return findLayer(method, model, convs[convs.length - 1].name);
}

/** Kernel of the first conv layer (kernelHeight × kernelWidth × inChannels × outChannels), copied. */
export function firstLayerFilters(model: tf.LayersModel): ConvFilters {
  const first = allLayers(model).find(isConv);
  if (first === undefined)
    throw new ExplainError('firstLayerFilters', `model "${model.name}" has no convolutional layer`);
  // getWeights() hands out the variables' own tensors: read them, never dispose them.
  const kernel = first.getWeights()[0];
  const [kernelHeight, kernelWidth, inChannels, outChannels] = kernel.shape as [number, number, number, number];
  return {
    layer: first.name,
    kernelHeight,
    kernelWidth,
    inChannels,
    outChannels,
    values: Float32Array.from(kernel.dataSync()),
  };
}
