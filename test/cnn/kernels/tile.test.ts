// radnb's Tile (block copies; tfjs' batch-norm gradient tiles channel statistics over whole activations)
// gives exactly what the definition gives — out[i] = x[i mod shape] on every axis — on wasm and cpu, for
// any rank, repeat counts of 1, empty tensors, and leaves other dtypes to the backend's own kernel.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/cnn/backend';

/** The definition, one output element at a time. */
function referenceTile(x: number[], shape: number[], reps: number[]): number[] {
  const outShape = shape.map((n, i) => n * reps[i]);
  const size = outShape.reduce((a, b) => a * b, 1);
  return Array.from({ length: size }, (_, flat) => {
    let rest = flat;
    let source = 0;
    let stride = 1;
    const index = outShape.map(() => 0);
    for (let a = outShape.length - 1; a >= 0; a--) {
      index[a] = rest % outShape[a];
      rest = Math.floor(rest / outShape[a]);
    }
    for (let a = shape.length - 1; a >= 0; a--) {
      source += (index[a] % shape[a]) * stride;
      stride *= shape[a];
    }
    return x[source];
  });
}

const CASES: Array<[number[], number[]]> = [
  [
    [1, 1, 1, 5],
    [4, 3, 2, 1],
  ], // the batch-norm gradient's broadcast
  [
    [2, 3, 4],
    [3, 1, 2],
  ],
  [[3], [4]],
  [
    [2, 1, 3],
    [1, 5, 1],
  ],
  [
    [2, 2],
    [1, 1],
  ],
  [
    [0, 2],
    [2, 3],
  ],
];

describe('Tile kernel', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const [shape, reps] of CASES) {
      it(`${backend}: tile ${JSON.stringify(shape)} by ${JSON.stringify(reps)} matches the definition`, async () => {
        await initBackend({ prefer: backend });
        const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i + 0.5);
        const out = tf.tidy(() => tf.tile(tf.tensor(values, shape), reps).arraySync());
        assert.deepEqual(tf.util.flatten(out as number[]), referenceTile(values, shape, reps));
      });
    }
    it(`${backend}: int32 tensors still tile (the backend's own kernel)`, async () => {
      await initBackend({ prefer: backend });
      const out = tf.tidy(() => tf.tile(tf.tensor([1, 2, 3], [3], 'int32'), [2]).arraySync());
      assert.deepEqual(out, [1, 2, 3, 1, 2, 3]);
    });
  }

  it('the batch-norm gradient on wasm agrees with cpu', async () => {
    const grads = async (backend: 'wasm' | 'cpu') => {
      await initBackend({ prefer: backend });
      return tf.tidy(() => {
        const x = tf.randomUniform([4, 6, 6, 3], -1, 1, 'float32', 1);
        const mean = tf.tensor1d([0.1, -0.2, 0.3]);
        const variance = tf.tensor1d([1.5, 0.5, 2]);
        const loss = (v: tf.Tensor) =>
          tf
            .batchNorm(v as tf.Tensor4D, mean, variance, tf.tensor1d([0.2, 0.1, -0.1]), tf.tensor1d([1, 2, 3]), 1e-3)
            .square()
            .sum();
        return Array.from(tf.grad(loss)(x).dataSync());
      });
    };
    const wasm = await grads('wasm');
    const cpu = await grads('cpu');
    wasm.forEach((v, i) => assert.ok(Math.abs(v - cpu[i]) < 1e-4, `dx[${i}]: ${v} vs ${cpu[i]}`));
  });
});
