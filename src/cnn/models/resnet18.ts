// A ResNet-18-style classifier (He et al. 2016): a stem, four stages of two basic residual blocks
// (3×3 conv-BN-ReLU, 3×3 conv-BN, identity or 1×1 projection shortcut), global average pooling, dense.
import * as tf from '@tensorflow/tfjs';
import { SeededLayers, checkInputShape, checkPositiveInteger, outputActivation } from './layerFactory';

export interface Resnet18Options {
  /** [height, width, channels]: [224, 224, 1] for full-size X-rays, [28, 28, 1] for MedMNIST. */
  inputShape: readonly number[];
  /** 1: sigmoid output; ≥ 2: softmax. Default 1. */
  classes?: number;
  /** Filters of the first stage; the stages use width·[1, 2, 4, 8]. Default 64 (the original ResNet-18). */
  width?: number;
  /**
   * 'imagenet': 7×7 stride-2 conv + 3×3 stride-2 max pool, for inputs ≥ 112 px;
   * 'small': one 3×3 stride-1 conv, for small inputs such as 28 px MedMNIST. Default: 'small' below 112 px.
   */
  stem?: 'imagenet' | 'small';
  /** Residual blocks per stage. Default [2, 2, 2, 2] (ResNet-18). */
  blocks?: [number, number, number, number];
  seed?: number;
}

export function resnet18(options: Resnet18Options): tf.LayersModel {
  const builder = 'resnet18';
  const inputShape = checkInputShape(builder, options.inputShape);
  const classes = checkPositiveInteger(builder, 'classes', options.classes ?? 1);
  const width = checkPositiveInteger(builder, 'width', options.width ?? 64);
  const stem = options.stem ?? (Math.min(inputShape[0], inputShape[1]) < 112 ? 'small' : 'imagenet');
  const blocks = options.blocks ?? [2, 2, 2, 2];
  const layers = new SeededLayers(options.seed);

  const convBn = (
    x: tf.SymbolicTensor,
    filters: number,
    kernelSize: number,
    strides: number,
    name: string,
    relu: boolean,
  ) => {
    const conv = layers
      .conv(filters, kernelSize, { strides, useBias: false, name: `${name}_conv` })
      .apply(x) as tf.SymbolicTensor;
    const bn = tf.layers.batchNormalization({ name: `${name}_bn` }).apply(conv) as tf.SymbolicTensor;
    return relu ? (tf.layers.reLU({ name: `${name}_relu` }).apply(bn) as tf.SymbolicTensor) : bn;
  };

  const input = tf.input({ shape: inputShape });
  let x =
    stem === 'imagenet'
      ? (tf.layers
          .maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'stem_pool' })
          .apply(convBn(input, width, 7, 2, 'stem', true)) as tf.SymbolicTensor)
      : convBn(input, width, 3, 1, 'stem', true);

  blocks.forEach((count, stage) => {
    const filters = width * 2 ** stage;
    for (let b = 0; b < count; b++) {
      const strides = stage > 0 && b === 0 ? 2 : 1;
      const name = `stage${stage + 1}_block${b + 1}`;
      const branch = convBn(convBn(x, filters, 3, strides, `${name}_a`, true), filters, 3, 1, `${name}_b`, false);
      const projects = strides !== 1 || x.shape[3] !== filters;
      const shortcut = projects ? convBn(x, filters, 1, strides, `${name}_proj`, false) : x;
      const sum = tf.layers.add({ name: `${name}_add` }).apply([branch, shortcut]) as tf.SymbolicTensor;
      x = tf.layers.reLU({ name: `${name}_out` }).apply(sum) as tf.SymbolicTensor;
    }
  });

  const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({
      units: classes,
      activation: outputActivation(classes),
      kernelInitializer: layers.glorot(),
      name: 'output',
    })
    .apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: builder });
}
