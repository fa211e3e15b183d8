// radnb's MaxPool (windows side by side) and MaxPoolGrad (SIMD on wasm, one loop on cpu) and transposed
// BatchMatMul on wasm agree with the cpu backend's shipped kernels — including ties inside a window
// (ReLU zeros: the gradient goes to the first maximum only), ragged borders and overlapping windows
// with 'same' padding (where wasm's shipped MaxPoolGrad gets it wrong).
import { before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/cnn/backend';
import { onBackend } from '../support/compare';
import { SimdKernels } from '../../../src/cnn/kernels/simd/simdKernels';

interface PoolCase {
  shape: [number, number, number, number];
  size: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same';
}

const POOLS: PoolCase[] = [
  { shape: [2, 8, 8, 3], size: 2, strides: 2, pad: 'valid' },
  { shape: [3, 9, 7, 2], size: 2, strides: 2, pad: 'valid' },
  { shape: [1, 9, 9, 4], size: 3, strides: 3, pad: 'valid' },
  { shape: [2, 6, 8, 2], size: [2, 4], strides: [2, 4], pad: 'same' },
  { shape: [2, 9, 9, 2], size: 3, strides: 2, pad: 'same' },
  { shape: [1, 10, 10, 3], size: 3, strides: 1, pad: 'valid' },
  // four channels: the SIMD kernel, with rows and columns past the last window, and windows partly outside ('same')
  { shape: [4, 9, 7, 8], size: 2, strides: 2, pad: 'valid' },
  { shape: [2, 7, 9, 4], size: 2, strides: 2, pad: 'same' },
  // large enough for the SIMD kernels to split the work between threads
  { shape: [8, 128, 128, 16], size: 2, strides: 2, pad: 'valid' },
  { shape: [16, 96, 96, 16], size: 3, strides: 2, pad: 'same' },
];

/** The cases radnb's MaxPool takes (the others have padding, overlapping windows or channels not in fours). */
const SIDE_BY_SIDE = [POOLS[2], POOLS[6], POOLS[8]];

/** Values with many exact ties: ReLU of coarse random steps leaves whole windows of zeros and repeats. */
function tiedValues(shape: number[], seed: number): tf.Tensor4D {
  return tf.tidy(() => tf.randomUniform(shape, -3, 3, 'float32', seed).round().relu()) as tf.Tensor4D;
}

describe('pooling and matrix-product gradient kernels on wasm', () => {
  before(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  for (const c of POOLS) {
    it(`MaxPool matches cpu exactly: ${JSON.stringify(c)}`, async () => {
      const pooled = (backend: string) =>
        onBackend(backend, () =>
          tf.tidy(() =>
            tf
              .maxPool(tf.randomNormal(c.shape, 0, 1, 'float32', 3) as tf.Tensor4D, c.size, c.strides, c.pad)
              .dataSync(),
          ),
        );
      const simd = mock.method(SimdKernels.prototype, 'maxPool');
      try {
        assert.deepEqual(Array.from(await pooled('wasm')), Array.from(await pooled('cpu')));
        // radnb's kernel takes side-by-side windows inside the image with channels in fours; the shipped one the rest
        assert.equal(simd.mock.callCount() > 0, SIDE_BY_SIDE.includes(c), "radnb's MaxPool ran");
      } finally {
        simd.mock.restore();
      }
    });

    it(`MaxPoolGrad matches cpu: ${JSON.stringify(c)}`, async () => {
      const grad = (backend: string) =>
        onBackend(backend, () =>
          tf.tidy(() => {
            const x = tiedValues(c.shape, 1);
            const weights = tf.randomUniform(
              tf.maxPool(x as tf.Tensor4D, c.size, c.strides, c.pad).shape,
              0.5,
              1.5,
              'float32',
              2,
            );
            return tf
              .grad((v: tf.Tensor) =>
                tf
                  .maxPool(v as tf.Tensor4D, c.size, c.strides, c.pad)
                  .mul(weights)
                  .sum(),
              )(x)
              .dataSync();
          }),
        );
      const cpu = await grad('cpu');
      const wasm = await grad('wasm');
      assert.equal(wasm.length, cpu.length);
      // overlapping windows sum several gradients into one pixel, in a different order than cpu
      wasm.forEach((v, i) => assert.ok(Math.abs(v - cpu[i]) < 1e-5, `dx[${i}]: ${v} vs ${cpu[i]}`));
    });
  }

  for (const [transposeA, transposeB] of [
    [true, false],
    [false, true],
    [true, true],
    [false, false],
  ]) {
    it(`BatchMatMul matches cpu with transposeA=${transposeA}, transposeB=${transposeB} (batched)`, async () => {
      const product = (backend: string) =>
        onBackend(backend, () =>
          tf.tidy(() => {
            const a = tf.randomUniform(transposeA ? [3, 5, 4] : [3, 4, 5], -1, 1, 'float32', 3);
            const b = tf.randomUniform(transposeB ? [3, 6, 5] : [3, 5, 6], -1, 1, 'float32', 4);
            return tf.matMul(a, b, transposeA, transposeB).dataSync();
          }),
        );
      const cpu = await product('cpu');
      const wasm = await product('wasm');
      assert.equal(wasm.length, 3 * 4 * 6);
      wasm.forEach((v, i) => assert.ok(Math.abs(v - cpu[i]) < 1e-5, `element ${i}: ${v} vs ${cpu[i]}`));
    });
  }

  // Dense layers' products (no batch) run on radnb's SIMD kernel: column tails (N = 12: 8 + 4; N = 1, 3, 7:
  // one-unit layers and columns past the last 4), row tails (M = 6), K longer than its 256-step slices, and
  // the large one split between threads; and an empty sum (K = 0: zeros).
  const DENSE: Array<[number, number, number]> = [
    [6, 300, 12],
    [32, 64, 20],
    [5, 7, 4],
    [64, 1024, 64],
    [32, 64, 1],
    [3, 33, 7],
    [1, 64, 3],
    [4, 0, 5],
  ];
  for (const [M, K, N] of DENSE) {
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      it(`MatMul ${M}×${K} · ${K}×${N} matches cpu with transposeA=${transposeA}, transposeB=${transposeB}`, async () => {
        const product = (backend: string) =>
          onBackend(backend, () =>
            tf.tidy(() => {
              const a = tf.randomUniform(transposeA ? [K, M] : [M, K], -1, 1, 'float32', 5);
              const b = tf.randomUniform(transposeB ? [N, K] : [K, N], -1, 1, 'float32', 6);
              const c = tf.matMul(a, b, transposeA, transposeB);
              assert.deepEqual(c.shape, [M, N]);
              return c.dataSync();
            }),
          );
        const cpu = await product('cpu');
        const wasm = await product('wasm');
        wasm.forEach((v, i) => assert.ok(Math.abs(v - cpu[i]) < 1e-4, `element ${i}: ${v} vs ${cpu[i]}`));
      });
    }
  }

  // a dense layer: the product, its bias and its activation, each by its own kernel (the shipped fused kernel is
  // wrong with transposeB or a batch), every activation
  const LAYERS: Array<{ activation: tf.fused.Activation; bias?: boolean; transposeB?: boolean; batch?: number }> = [
    { activation: 'relu', bias: true },
    { activation: 'linear', bias: true, transposeB: true },
    { activation: 'relu' },
    { activation: 'sigmoid', bias: true },
    { activation: 'prelu', bias: true },
    { activation: 'relu', bias: true, batch: 3 },
    { activation: 'elu', transposeB: true, batch: 2 },
    { activation: 'leakyrelu', bias: true },
    { activation: 'relu6', bias: true, transposeB: true },
  ];
  for (const layer of LAYERS) {
    it(`a dense layer (fused product, bias, activation) matches cpu: ${JSON.stringify(layer)}`, async () => {
      const [M, K, N] = [32, 576, 64];
      const out = (backend: string) =>
        onBackend(backend, () =>
          tf.tidy(() => {
            const lead = layer.batch === undefined ? [] : [layer.batch];
            const a = tf.randomUniform([...lead, M, K], -1, 1, 'float32', 7);
            const b = tf.randomUniform([...lead, ...(layer.transposeB ? [N, K] : [K, N])], -1, 1, 'float32', 8);
            const bias = layer.bias ? tf.randomUniform([N], -1, 1, 'float32', 9) : undefined;
            const preluActivationWeights = layer.activation === 'prelu' ? tf.fill([N], 0.1) : undefined;
            return tf.fused
              .matMul({
                a,
                b,
                transposeB: layer.transposeB,
                bias,
                activation: layer.activation,
                preluActivationWeights,
              })
              .dataSync();
          }),
        );
      const cpu = await out('cpu');
      const wasm = await out('wasm');
      assert.equal(wasm.length, cpu.length);
      wasm.forEach((v, i) => assert.ok(Math.abs(v - cpu[i]) < 1e-4, `element ${i}: ${v} vs ${cpu[i]}`));
    });
  }

  it('leave no backend buffers behind', async () => {
    await tf.setBackend('wasm');
    const backend = tf.engine().backend;
    const x = tiedValues([2, 8, 8, 3], 5);
    const a = tf.randomUniform([4, 7]);
    const d = tf.randomUniform([8, 7]);
    const buffers = backend.numDataIds();
    tf.dispose([
      tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid').sum())(x),
      tf.matMul(a, a, true, false),
      tf.matMul(a, a, false, true),
      tf.matMul(d, a, false, true), // the SIMD path's transposes
    ]);
    assert.equal(backend.numDataIds(), buffers);
    tf.dispose([x, a, d]);
  });
});
