// Batch normalisation on wasm in radnb's SIMD kernels: the output and all five gradients match the cpu backend's
// (tfjs' formula, itself checked against the derivative written out), with channels not a multiple of 4 and
// enough elements for both threads, and the output without scale and offset; a BatchNormalization layer
// (statistics from the batch's moments) trains the same; what radnb leaves to tfjs' formula (statistics
// broadcast another way, second-order gradients) still works.
import { afterEach, before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/cnn/backend';
import { SimdKernels } from '../../../src/cnn/kernels/simd/simdKernels';
import { assertClose, onBackend } from '../support/compare';

const wave = (n: number, k: number, scale = 1, shift = 0) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * k + 0.3) * scale + shift);

interface Case {
  what: string;
  shape: [number, number, number, number];
  /** With scale and offset, and then the gradients; without, the output only: tfjs cannot differentiate a
   * normalisation without them (its tape records the absent inputs). */
  affine: boolean;
}

const CASES: Case[] = [
  { what: '6 channels', shape: [2, 5, 3, 6], affine: true },
  { what: '4 channels, 12 positions', shape: [3, 2, 2, 4], affine: true },
  { what: '24 channels over 393,216 elements (both threads)', shape: [16, 32, 32, 24], affine: true },
  { what: 'no scale or offset, 5 channels', shape: [2, 3, 1, 5], affine: false },
];

/** The normalisation's output, then (with scale and offset) the gradients of Σ y · w with respect to x, mean, variance, scale and offset. */
function normalised(c: Case): Float32Array[] {
  return tf.tidy(() => {
    const n = c.shape.reduce((a, b) => a * b);
    const ch = c.shape[3];
    const x = tf.tensor4d(wave(n, 0.37, 2, 0.5), c.shape);
    const w = tf.tensor4d(wave(n, 1.91), c.shape);
    const [mean, variance, scale, offset] = [
      wave(ch, 0.7, 0.5),
      wave(ch, 1.3, 0.4, 1),
      wave(ch, 2.1, 0.8, 1),
      wave(ch, 0.9),
    ].map((v) => tf.tensor1d(v));
    if (!c.affine) return [tf.batchNorm(x, mean, variance, undefined, undefined, 1e-3).dataSync() as Float32Array];
    const f = (...[a, m, v, s, o]: tf.Tensor[]) => tf.batchNorm(a, m, v, o, s, 1e-3).mul(w).sum();
    const inputs = [x, mean, variance, scale, offset];
    return [tf.batchNorm(x, mean, variance, offset, scale, 1e-3), ...tf.grads(f)(inputs)].map(
      (t) => t.dataSync() as Float32Array,
    );
  });
}

const NAMES = ['output', 'dx', 'dmean', 'dvariance', 'dscale', 'doffset'];

/** What normalised() computes, in float64 from y = (x − mean) · scale / √(variance + ε) + offset. */
function byHand(c: Case): Float64Array[] {
  const n = c.shape.reduce((a, b) => a * b);
  const ch = c.shape[3];
  const [x, w] = [wave(n, 0.37, 2, 0.5), wave(n, 1.91)];
  const [mean, variance, scale, offset] = [
    wave(ch, 0.7, 0.5),
    wave(ch, 1.3, 0.4, 1),
    wave(ch, 2.1, 0.8, 1),
    wave(ch, 0.9),
  ];
  const [y, dx] = [new Float64Array(n), new Float64Array(n)];
  const [dmean, dvariance, dscale, doffset] = [0, 1, 2, 3].map(() => new Float64Array(ch));
  for (let i = 0; i < n; i++) {
    const k = i % ch;
    const r = 1 / Math.sqrt(variance[k] + 1e-3);
    const centred = x[i] - mean[k];
    y[i] = centred * scale[k] * r + offset[k];
    dx[i] = w[i] * scale[k] * r;
    dmean[k] -= w[i] * scale[k] * r;
    dvariance[k] += w[i] * centred * scale[k] * -0.5 * r ** 3;
    dscale[k] += w[i] * centred * r;
    doffset[k] += w[i];
  }
  return [y, dx, dmean, dvariance, dscale, doffset];
}

describe('batch normalisation kernels on wasm', () => {
  before(async () => {
    assert.equal((await initBackend({ prefer: 'wasm' })).name, 'wasm');
  });
  afterEach(() => mock.restoreAll());

  it("tfjs' formula (the cpu backend) gives the derivatives written out", async () => {
    const cpu = await onBackend('cpu', () => normalised(CASES[0]));
    byHand(CASES[0]).forEach((expected, k) => assertClose(cpu[k], expected, 1e-5, NAMES[k]));
  });

  for (const c of CASES) {
    it(`the output and its gradients match the cpu backend's (${c.what})`, async () => {
      const cpu = await onBackend('cpu', () => normalised(c));
      const affine = mock.method(SimdKernels.prototype, 'channelAffine');
      const sums = mock.method(SimdKernels.prototype, 'batchNormSums');
      const wasm = await onBackend('wasm', () => normalised(c));
      assert.equal(wasm.length, c.affine ? 6 : 1);
      wasm.forEach((values, k) => assertClose(values, cpu[k], 2e-5, NAMES[k]));
      // with gradients: the forward pass twice (once under the tape) and the input gradient
      assert.equal(affine.mock.callCount(), c.affine ? 3 : 1, 'radnb ran the normalisation');
      assert.equal(sums.mock.callCount(), c.affine ? 1 : 0, 'radnb summed the gradients once');
    });
  }

  it("a BatchNormalization layer (statistics from the batch) trains to the cpu backend's weights", async () => {
    const step = async (): Promise<Float32Array[]> => {
      const input = tf.input({ shape: [6, 6, 8] });
      const bn = tf.layers.batchNormalization({ momentum: 0.9 }).apply(input) as tf.SymbolicTensor;
      const out = tf.layers
        .dense({ units: 1, kernelInitializer: tf.initializers.constant({ value: 0.05 }) })
        .apply(tf.layers.flatten().apply(bn)) as tf.SymbolicTensor;
      const model = tf.model({ inputs: input, outputs: out });
      model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
      const x = tf.tensor4d(wave(4 * 6 * 6 * 8, 0.77, 3, 1), [4, 6, 6, 8]);
      const y = tf.tensor2d([1, -1, 0.5, 2], [4, 1]);
      await model.trainOnBatch(x, y);
      const weights = model.getWeights().map((t) => t.dataSync() as Float32Array);
      tf.dispose([x, y]);
      model.dispose();
      return weights;
    };
    const cpu = await onBackend('cpu', step);
    const sums = mock.method(SimdKernels.prototype, 'batchNormSums');
    const wasm = await onBackend('wasm', step);
    assert.equal(sums.mock.callCount(), 1, "the layer's gradient ran in radnb's kernel");
    // gamma, beta, moving mean, moving variance, dense kernel, dense bias
    wasm.forEach((w, k) => assertClose(w, cpu[k], 1e-4, `weight ${k}`));
    assert.ok(
      cpu[0].some((g) => Math.abs(g - 1) > 1e-3),
      'the step changed gamma: the comparison covers its gradient',
    );
  });

  it("statistics broadcast over another layout, and second-order gradients, run tfjs' formula with its numbers", async () => {
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(wave(2 * 3 * 3 * 4, 0.61, 2), [2, 3, 3, 4]);
        const mean = tf.tensor4d(wave(4, 0.7, 0.3), [1, 1, 1, 4]);
        const variance = tf.tensor4d(wave(4, 1.1, 0.3, 1), [1, 1, 1, 4]);
        const broadcast = tf.grads((a: tf.Tensor, m: tf.Tensor, v: tf.Tensor) =>
          tf
            .batchNorm(a, m, v, tf.zeros([1, 1, 1, 4]), tf.fill([1, 1, 1, 4], 1.5), 1e-3)
            .square()
            .sum(),
        )([x, mean, variance]);
        const [meanVector, varianceVector, scale] = [
          mean.reshape([4]),
          variance.reshape([4]),
          tf.tensor1d([1, 2, 0.5, 1]),
        ];
        const secondOrder = tf.grad((a: tf.Tensor) =>
          tf
            .grad((b: tf.Tensor) =>
              tf
                .batchNorm(b, meanVector, varianceVector, tf.zeros([4]), scale)
                .square()
                .sum(),
            )(a)
            .square()
            .sum(),
        )(x);
        return [...broadcast, secondOrder].map((t) => t.dataSync());
      });
    const cpu = await onBackend('cpu', run);
    const wasm = await onBackend('wasm', run);
    wasm.forEach((w, k) => assertClose(w, cpu[k], 1e-5, ['dx', 'dmean', 'dvariance', 'second-order dx'][k]));
  });
});
