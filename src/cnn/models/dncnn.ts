// A DnCNN-style denoiser (Zhang et al. 2017) for e.g. low-dose CT: conv + ReLU, (depth − 2) × conv + BN +
// ReLU, then a conv that predicts the noise; the model returns input − noise (residual learning). The
// last conv learns the negated noise and is added, since tfjs-layers has no subtract layer.
import * as tf from '@tensorflow/tfjs';
import { SeededLayers, checkInputShape, checkPositiveInteger, ModelOptionsError } from './layerFactory';

export interface DncnnOptions {
  /** [height, width, channels] of the training patches (the network is fully convolutional). */
  inputShape: readonly number[];
  /** Number of conv layers in total. Default 17 (the paper's DnCNN-S). */
  depth?: number;
  /** Filters of the hidden conv layers. Default 64. */
  filters?: number;
  seed?: number;
}

export function dncnn(options: DncnnOptions): tf.LayersModel {
  const builder = 'dncnn';
  const inputShape = checkInputShape(builder, options.inputShape);
  const depth = checkPositiveInteger(builder, 'depth', options.depth ?? 17);
  if (depth < 3)
    throw new ModelOptionsError(builder, `depth must be at least 3 (first, hidden, last conv), got ${depth}`);
  const filters = checkPositiveInteger(builder, 'filters', options.filters ?? 64);
  const layers = new SeededLayers(options.seed);

  const input = tf.input({ shape: inputShape });
  let x = layers.conv(filters, 3, { activation: 'relu', name: 'conv1' }).apply(input) as tf.SymbolicTensor;
  for (let i = 2; i < depth; i++) {
    x = layers.conv(filters, 3, { useBias: false, name: `conv${i}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: `bn${i}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU({ name: `relu${i}` }).apply(x) as tf.SymbolicTensor;
  }
  const negatedNoise = layers.conv(inputShape[2], 3, { name: `conv${depth}` }).apply(x) as tf.SymbolicTensor;
  const denoised = tf.layers.add({ name: 'denoised' }).apply([input, negatedNoise]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: denoised, name: builder });
}
