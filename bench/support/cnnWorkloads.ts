// The networks the CNN benchmarks train and run (bench/cnn.ts on the CPU backends beside PyTorch, bench/gpu.ts
// on the GPU ones): two 3-convolution CNNs, and the networks notebooks 02–04 train, at their image sizes and
// batches, plus ResNet-18. Each names its PyTorch twin in bench/torch/cnn_bench.py.
import * as tf from '@tensorflow/tfjs';
import { dncnn, resnet18, smallCnn, unet2d } from '../../src/cnn/models';

export interface Workload {
  name: string;
  /** Short name for tables and ratios. */
  id: string;
  build(): tf.LayersModel;
  loss: string;
  /** Image side (square, one channel). */
  size: number;
  batch: number;
  /** Shape of one image's target. */
  target: number[];
  trainSteps: number;
  inferSteps: number;
  /** The same network in bench/torch/cnn_bench.py (its MODEL argument). */
  torch: string;
}

/**
 * Notebook 02's network as its cell builds it: per block two 3×3 convolutions without bias, each followed by
 * batch normalisation (momentum 0.9) and ReLU, then 2×2 max pooling; global average pooling, dropout 0.3, one
 * sigmoid unit.
 */
export function pneumoniaNet(widths: number[], seed: number): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1] });
  let h: tf.SymbolicTensor = input;
  let s = seed;
  widths.forEach((filters) => {
    for (let k = 0; k < 2; k++) {
      h = tf.layers
        .conv2d({
          filters,
          kernelSize: 3,
          padding: 'same',
          useBias: false,
          kernelInitializer: tf.initializers.heNormal({ seed: s++ }),
        })
        .apply(h) as tf.SymbolicTensor;
      h = tf.layers.batchNormalization({ momentum: 0.9 }).apply(h) as tf.SymbolicTensor;
      h = tf.layers.reLU().apply(h) as tf.SymbolicTensor;
    }
    h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  });
  h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dropout({ rate: 0.3, seed }).apply(h) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: s }) })
    .apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

/** `quick`: CI-sized step counts. */
export function cnnWorkloads(quick: boolean): Workload[] {
  const steps = (train: number, infer: number) => ({
    trainSteps: quick ? Math.max(2, Math.ceil(train / 6)) : train,
    inferSteps: quick ? Math.max(3, Math.ceil(infer / 6)) : infer,
  });
  return [
    {
      name: 'cnn128 (128×128×1, 3 conv, batch 32)',
      id: 'cnn128',
      build: () => smallCnn({ inputShape: [128, 128, 1], filters: [16, 32, 64], denseUnits: 64, dropout: 0, seed: 1 }),
      loss: 'binaryCrossentropy',
      size: 128,
      batch: 32,
      target: [1],
      ...steps(12, 30),
      torch: 'smallcnn:16,32,64',
    },
    {
      name: 'medmnist28 (28×28×1, 3 conv, batch 32)',
      id: 'medmnist28',
      build: () => smallCnn({ inputShape: [28, 28, 1], filters: [16, 32, 64], denseUnits: 64, dropout: 0, seed: 1 }),
      loss: 'binaryCrossentropy',
      size: 28,
      batch: 32,
      target: [1],
      ...steps(60, 150),
      torch: 'smallcnn:16,32,64',
    },
    {
      name: 'pneumonia02 (notebook 02: 28², 6 conv + batch norm, dropout, batch 64)',
      id: 'pneumonia02',
      build: () => pneumoniaNet([32, 64, 128], 1),
      loss: 'binaryCrossentropy',
      size: 28,
      batch: 64,
      target: [1],
      ...steps(12, 30),
      torch: 'pneumonia:32,64,128',
    },
    {
      name: 'unet03 (notebook 03: U-Net 64², batch 4)',
      id: 'unet03',
      build: () => unet2d({ inputShape: [64, 64, 1], baseFilters: 8, depth: 3, seed: 1 }),
      loss: 'binaryCrossentropy',
      size: 64,
      batch: 4,
      target: [64, 64, 1],
      ...steps(30, 60),
      torch: 'unet:8,3',
    },
    {
      name: 'dncnn04 (notebook 04: DnCNN 32² patches, batch 8)',
      id: 'dncnn04',
      build: () => dncnn({ inputShape: [32, 32, 1], depth: 5, filters: 16, seed: 1 }),
      loss: 'meanSquaredError',
      size: 32,
      batch: 8,
      target: [32, 32, 1],
      ...steps(60, 150),
      torch: 'dncnn:16,5',
    },
    {
      name: 'resnet18 (ResNet-18 64², batch 16)',
      id: 'resnet18',
      build: () => resnet18({ inputShape: [64, 64, 1], seed: 1 }),
      loss: 'binaryCrossentropy',
      size: 64,
      batch: 16,
      target: [1],
      ...steps(3, 6),
      torch: 'resnet18:64',
    },
  ];
}

/** A random batch for a workload: images in [0, 1), targets 0 or 1 (their mean for the denoiser's loss is as good as any). */
export function randomBatch(w: Workload): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => ({
    x: tf.randomUniform([w.batch, w.size, w.size, 1], 0, 1, 'float32', 1),
    y: tf.randomUniform([w.batch, ...w.target], 0, 1, 'float32', 2).round(),
  }));
}
