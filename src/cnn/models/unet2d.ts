// A 2-D U-Net (Ronneberger et al. 2015) for segmentation: an encoder of conv blocks and 2×2 max pools,
// a decoder of 2×2 transposed convolutions joined to the encoder's features by skip connections, and a
// 1×1 conv giving a per-pixel probability (sigmoid mask, or softmax over classes).
import * as tf from '@tensorflow/tfjs';
import {
  ModelOptionsError,
  SeededLayers,
  checkInputShape,
  checkPositiveInteger,
  outputActivation,
} from './layerFactory';

export interface Unet2dOptions {
  /** [height, width, channels]; height and width must be divisible by 2^depth. */
  inputShape: readonly number[];
  /** 1: binary mask (sigmoid); ≥ 2: one softmax channel per class. Default 1. */
  classes?: number;
  /** Filters at the first level; each level down doubles them. Default 16. */
  baseFilters?: number;
  /** Number of pooling steps. Default 4. */
  depth?: number;
  /** Batch normalisation after each convolution. Default true. */
  batchNorm?: boolean;
  seed?: number;
}

export function unet2d(options: Unet2dOptions): tf.LayersModel {
  const builder = 'unet2d';
  const inputShape = checkInputShape(builder, options.inputShape);
  const classes = checkPositiveInteger(builder, 'classes', options.classes ?? 1);
  const baseFilters = checkPositiveInteger(builder, 'baseFilters', options.baseFilters ?? 16);
  const depth = checkPositiveInteger(builder, 'depth', options.depth ?? 4);
  const batchNorm = options.batchNorm ?? true;
  const factor = 2 ** depth;
  if (inputShape[0] % factor !== 0 || inputShape[1] % factor !== 0) {
    throw new ModelOptionsError(
      builder,
      `input ${inputShape[0]}×${inputShape[1]} is not divisible by ${factor} (2^depth, depth ${depth})`,
    );
  }
  const layers = new SeededLayers(options.seed);

  const convBlock = (x: tf.SymbolicTensor, filters: number, name: string): tf.SymbolicTensor => {
    let y = x;
    for (const part of ['a', 'b']) {
      y = layers
        .conv(filters, 3, {
          activation: batchNorm ? 'linear' : 'relu',
          useBias: !batchNorm,
          name: `${name}_conv${part}`,
        })
        .apply(y) as tf.SymbolicTensor;
      if (batchNorm) {
        y = tf.layers.batchNormalization({ name: `${name}_bn${part}` }).apply(y) as tf.SymbolicTensor;
        y = tf.layers.reLU({ name: `${name}_relu${part}` }).apply(y) as tf.SymbolicTensor;
      }
    }
    return y;
  };

  const input = tf.input({ shape: inputShape });
  const skips: tf.SymbolicTensor[] = [];
  let x = input;
  for (let level = 0; level < depth; level++) {
    x = convBlock(x, baseFilters * 2 ** level, `down${level + 1}`);
    skips.push(x);
    x = tf.layers.maxPooling2d({ poolSize: 2, name: `pool${level + 1}` }).apply(x) as tf.SymbolicTensor;
  }
  x = convBlock(x, baseFilters * 2 ** depth, 'bottleneck');
  for (let level = depth - 1; level >= 0; level--) {
    const filters = baseFilters * 2 ** level;
    const up = tf.layers
      .conv2dTranspose({
        filters,
        kernelSize: 2,
        strides: 2,
        padding: 'same',
        kernelInitializer: layers.he(),
        name: `up${level + 1}`,
      })
      .apply(x) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate({ name: `skip${level + 1}` }).apply([up, skips[level]]) as tf.SymbolicTensor;
    x = convBlock(joined, filters, `up${level + 1}_block`);
  }
  const output = layers
    .conv(classes, 1, { activation: outputActivation(classes), name: 'mask' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: builder });
}
