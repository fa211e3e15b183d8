// A small convolutional classifier — the radiology workflow's "image → conv + pool → dense → probability".
import * as tf from '@tensorflow/tfjs';
import { SeededLayers, checkInputShape, checkPositiveInteger, outputActivation } from './layerFactory';

export interface SmallCnnOptions {
  /** [height, width, channels], e.g. [128, 128, 1] for a greyscale image. */
  inputShape: readonly number[];
  /** Filters of each conv block (conv 3×3 + ReLU, then 2×2 max pool). Default [16, 32, 64]. */
  filters?: number[];
  /** Side of the square convolution kernels. Default 3. */
  kernelSize?: number;
  /** Units of the hidden dense layer; 0 leaves it out. Default 64. */
  denseUnits?: number;
  /** Dropout rate before the output layer. Default 0.25. */
  dropout?: number;
  /** 1: one sigmoid unit (binary, e.g. pneumonia yes/no); ≥ 2: softmax over the classes. Default 1. */
  classes?: number;
  /** 'flatten' keeps where features are; 'average' (global average pooling) makes the head size-independent. Default 'flatten'. */
  head?: 'flatten' | 'average';
  /** Seed of the initial weights: the same seed gives the same model on every backend. */
  seed?: number;
}

export function smallCnn(options: SmallCnnOptions): tf.LayersModel {
  const builder = 'smallCnn';
  const inputShape = checkInputShape(builder, options.inputShape);
  const classes = checkPositiveInteger(builder, 'classes', options.classes ?? 1);
  const kernelSize = checkPositiveInteger(builder, 'kernelSize', options.kernelSize ?? 3);
  const filters = (options.filters ?? [16, 32, 64]).map((f) => checkPositiveInteger(builder, 'filters', f));
  const denseUnits = options.denseUnits ?? 64;
  const layers = new SeededLayers(options.seed);

  const model = tf.sequential({ name: builder });
  model.add(tf.layers.inputLayer({ inputShape }));
  filters.forEach((f, i) => {
    model.add(layers.conv(f, kernelSize, { activation: 'relu', name: `conv${i + 1}` }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2, name: `pool${i + 1}` }));
  });
  model.add(options.head === 'average' ? tf.layers.globalAveragePooling2d({}) : tf.layers.flatten());
  if (denseUnits > 0) {
    model.add(
      tf.layers.dense({ units: denseUnits, activation: 'relu', kernelInitializer: layers.he(), name: 'hidden' }),
    );
  }
  if ((options.dropout ?? 0.25) > 0)
    model.add(tf.layers.dropout({ rate: options.dropout ?? 0.25, seed: options.seed }));
  model.add(
    tf.layers.dense({
      units: classes,
      activation: outputActivation(classes),
      kernelInitializer: layers.glorot(),
      name: 'output',
    }),
  );
  return model;
}
