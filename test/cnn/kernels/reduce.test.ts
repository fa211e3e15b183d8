// radnb's Sum and Mean over the leading axes on wasm (one average-pooling window over every axis but the
// channels: bias gradients, batch-norm statistics) agree with the cpu backend, keep dims when asked, and
// leave every other reduction (inner axes, all axes, int32) to the backend's own kernels. Mean's gradient
// (dy / n broadcast by one Tile) gives tfjs' numbers bit for bit, without its full-size Fill and product.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/cnn/backend';
import { leadingAxes } from '../../../src/cnn/kernels/reduce';

const CASES: Array<{ shape: number[]; axis: number | number[]; keepDims: boolean }> = [
  { shape: [8, 16, 16, 5], axis: [0, 1, 2], keepDims: false },
  { shape: [8, 16, 16, 5], axis: [2, 0, 1], keepDims: true },
  { shape: [6, 7], axis: 0, keepDims: false },
  { shape: [4, 3, 2], axis: [-3, -2], keepDims: false },
  { shape: [4, 3, 2], axis: [1, 2], keepDims: false }, // inner axes: the backend's own kernel
  { shape: [4, 3, 2], axis: [0, 1, 2], keepDims: false }, // everything: the backend's own kernel
];

async function reduce(
  backend: 'wasm' | 'cpu',
  op: 'sum' | 'mean',
  c: (typeof CASES)[number],
): Promise<{ shape: number[]; values: number[] }> {
  await initBackend({ prefer: backend });
  return tf.tidy(() => {
    const x = tf.randomUniform(c.shape, -2, 2, 'float32', 7);
    const y = tf[op](x, c.axis, c.keepDims);
    return { shape: y.shape, values: Array.from(y.dataSync()) };
  });
}

describe('Sum and Mean over leading axes on wasm', () => {
  it('recognises exactly the proper leading prefixes of the axes', () => {
    assert.equal(leadingAxes([0, 1, 2], 4), 3);
    assert.equal(leadingAxes([-4, 1], 4), 2);
    assert.equal(leadingAxes(0, 2), 1);
    assert.equal(leadingAxes([1, 2], 4), undefined);
    assert.equal(leadingAxes([0, 1, 2, 3], 4), undefined);
    assert.equal(leadingAxes([], 4), undefined);
  });

  for (const op of ['sum', 'mean'] as const) {
    for (const c of CASES) {
      it(`${op} of ${JSON.stringify(c.shape)} over ${JSON.stringify(c.axis)}${c.keepDims ? ' (keepDims)' : ''} matches cpu`, async () => {
        const cpu = await reduce('cpu', op, c);
        const wasm = await reduce('wasm', op, c);
        assert.deepEqual(wasm.shape, cpu.shape);
        wasm.values.forEach((v, i) =>
          assert.ok(
            Math.abs(v - cpu.values[i]) < 1e-4 * Math.max(1, Math.abs(cpu.values[i])),
            `[${i}]: ${v} vs ${cpu.values[i]}`,
          ),
        );
      });
    }
  }

  it('int32 sums stay exact integers', async () => {
    await initBackend({ prefer: 'wasm' });
    const out = tf.tidy(() =>
      tf
        .sum(
          tf.tensor(
            [
              [1, 2],
              [3, 4],
              [5, 6],
            ],
            [3, 2],
            'int32',
          ),
          0,
        )
        .arraySync(),
    );
    assert.deepEqual(out, [9, 12]);
  });

  for (const c of CASES) {
    it(`mean's gradient over ${JSON.stringify(c.axis)} of ${JSON.stringify(c.shape)} is tfjs' (dy · 1) / n bit for bit, in one Tile`, async () => {
      await initBackend({ prefer: 'wasm' });
      const [ours, tfjs] = tf.tidy(() => {
        const x = tf.randomUniform(c.shape, -2, 2, 'float32', 3);
        const dy = tf.randomUniform(tf.mean(x, c.axis, c.keepDims).shape, -2, 2, 'float32', 4);
        const gradient = tf.grad((v: tf.Tensor) => tf.mean(v, c.axis, c.keepDims).mul(dy).sum())(x);
        const axes = tf.util.parseAxisParam(c.axis, c.shape);
        const kept = c.shape.map((size, axis) => (axes.includes(axis) ? 1 : size));
        const n = axes.reduce((product, axis) => product * c.shape[axis], 1);
        return [gradient, tf.div(tf.mul(dy.reshape(kept), tf.ones(c.shape)), n)].map((t) => t.dataSync());
      });
      assert.deepEqual(new Uint32Array(ours.buffer), new Uint32Array(tfjs.buffer));
      const x = tf.ones(c.shape);
      const kernels = (await tf.profile(() => tf.grad((v: tf.Tensor) => tf.mean(v, c.axis))(x))).kernels.map(
        (k) => k.name,
      );
      assert.ok(!kernels.includes('Multiply') && !kernels.includes('Fill'), kernels.join(', '));
      x.dispose();
    });
  }
});
