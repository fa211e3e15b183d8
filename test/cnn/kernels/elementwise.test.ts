// radnb's fused element-wise training kernels on wasm give exactly tfjs' numbers: ReLU and its gradient (one
// pass instead of Step, Cast and Multiply) and bias addition (one SIMD pass instead of the shipped
// broadcasting Add), which every convolution and dense layer runs while training.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/cnn/backend';
import { onBackend } from '../support/compare';

/** Values with every case the ReLU gradient distinguishes: positive, zero, negative, NaN. */
function reluInputs(n: number): Float32Array {
  const special = [0, -0, NaN, 1e-30, -1e-30, Infinity, -Infinity];
  return Float32Array.from({ length: n }, (_, i) => (i < special.length ? special[i] : Math.sin(i * 12.9898) * 3));
}

describe('fused element-wise kernels on wasm', () => {
  before(async () => {
    assert.equal((await initBackend({ prefer: 'wasm' })).name, 'wasm');
  });

  // 150,000+ elements: split between threads; 37: shorter than a SIMD vector at the end
  for (const n of [37, 4096 * 40 + 3]) {
    it(`the ReLU gradient is tfjs' dy · step(x), bit for bit, in one kernel (${n} elements)`, async () => {
      const x = reluInputs(n);
      const dy = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 78.233) * 2 - (i % 5 === 0 ? 0 : 0.1));
      const gradient = (backend: string) =>
        onBackend(backend, () =>
          tf.tidy(() =>
            tf
              .grad((v: tf.Tensor) => tf.relu(v).mul(tf.tensor1d(dy)).sum())(tf.tensor1d(x))
              .dataSync(),
          ),
        );
      const cpu = await gradient('cpu');
      const wasm = await gradient('wasm');
      assert.deepEqual(new Uint32Array(wasm.buffer), new Uint32Array(cpu.buffer));
      const kernels = (await tf.profile(() => tf.grad((v: tf.Tensor) => tf.relu(v).sum())(tf.tensor1d(x)))).kernels.map(
        (k) => k.name,
      );
      assert.ok(kernels.includes('RadnbReluGrad') && !kernels.includes('Step'), kernels.join(', '));
    });
  }

  for (const n of [37, 4096 * 40 + 3]) {
    it(`ReLU gives the cpu backend's numbers, NaN and -0 included (${n} elements)`, async () => {
      const relu = (backend: string) =>
        onBackend(backend, () => tf.tidy(() => tf.relu(tf.tensor1d(reluInputs(n))).dataSync()));
      // Object.is per element: NaN is NaN (whatever its bits), and -0 is not +0
      assert.deepEqual(Array.from(await relu('wasm')), Array.from(await relu('cpu')));
    });
  }

  it("second-order gradients pass through the fused ReLU gradient as through tfjs' formula", async () => {
    // d/dv of Σ (d/dv Σ relu(v)² ) = 2 · step(v): the gradient of the ReLU gradient with respect to dy
    const secondOrder = (backend: string) =>
      onBackend(backend, () =>
        tf.tidy(() => {
          const v = tf.tensor1d(reluInputs(40).map((a, i) => (Number.isNaN(a) ? i - 20 : a)));
          return tf
            .grad((u: tf.Tensor) =>
              tf
                .grad((w: tf.Tensor) => tf.relu(w).square().sum())(u)
                .sum(),
            )(v)
            .dataSync();
        }),
      );
    assert.deepEqual(await secondOrder('wasm'), await secondOrder('cpu'));
  });

  const BIASES: Array<{ x: number[]; bias: number[]; biasFirst?: boolean }> = [
    { x: [32, 14, 14, 32], bias: [32] }, // a convolution's bias, large enough for threads
    { x: [3, 5, 6], bias: [6] }, // channels not a multiple of 4
    { x: [4, 8], bias: [1, 8] }, // a dense layer's bias with a leading 1
    { x: [7, 12], bias: [12], biasFirst: true }, // the bias as the first operand
  ];
  for (const c of BIASES) {
    it(`adds a bias exactly as the cpu backend does: ${JSON.stringify(c)}`, async () => {
      const sum = (backend: string) =>
        onBackend(backend, () =>
          tf.tidy(() => {
            const x = tf.randomUniform(c.x, -3, 3, 'float32', 1);
            const bias = tf.randomUniform(c.bias, -1, 1, 'float32', 2);
            const y = c.biasFirst ? tf.add(bias, x) : tf.add(x, bias);
            assert.deepEqual(y.shape, c.x);
            return y.dataSync();
          }),
        );
      assert.deepEqual(await sum('wasm'), await sum('cpu'));
    });
  }

  it('other additions are left to the shipped kernel: general broadcasts, integers, equal shapes', () => {
    tf.tidy(() => {
      assert.deepEqual(tf.add(tf.tensor2d([[1], [2]]), tf.tensor2d([[10, 20, 30]])).arraySync(), [
        [11, 21, 31],
        [12, 22, 32],
      ]);
      assert.deepEqual(tf.add(tf.tensor2d([[1, 2]], [1, 2], 'int32'), tf.tensor1d([5, 6], 'int32')).arraySync(), [
        [6, 8],
      ]);
      assert.deepEqual(tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).arraySync(), [4, 6]);
      assert.deepEqual(tf.add(tf.scalar(1), tf.tensor1d([3, 4])).arraySync(), [4, 5]);
    });
  });

  it('leave no tensor or backend buffer behind', () => {
    const backend = tf.engine().backend;
    const [tensors, buffers] = [tf.memory().numTensors, backend.numDataIds()];
    const x = tf.randomUniform([2, 6, 6, 8], -1, 1);
    const bias = tf.randomUniform([8]);
    tf.dispose([tf.grad((v: tf.Tensor) => tf.relu(tf.add(v, bias)).sum())(x), x, bias]);
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(backend.numDataIds(), buffers);
  });
});
