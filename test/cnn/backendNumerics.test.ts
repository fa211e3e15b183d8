// The same seeded model gives the same numbers on every backend available here (cpu and wasm, both with
// radnb's gradient kernels): predictions within 1e-5 and weights after three SGD steps within 1e-4
// (absolute; float32 summation order differs between XNNPACK and plain JavaScript).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/cnn/backend';
import type { BackendName } from '../../src/cnn/backend';
import { smallCnn } from '../../src/cnn/models';

const PREDICTION_TOLERANCE = 1e-5;
const WEIGHT_TOLERANCE = 1e-4;

interface Run {
  predictions: Float32Array;
  weights: Float32Array[];
}

async function runOn(name: BackendName): Promise<Run> {
  await initBackend({ prefer: name });
  const model = smallCnn({ inputShape: [24, 24, 1], filters: [4, 8], denseUnits: 8, dropout: 0, seed: 7 });
  const x = tf.randomUniform([6, 24, 24, 1], 0, 1, 'float32', 11);
  const y = tf.tensor2d([[0], [1], [1], [0], [1], [0]]);
  const predictions = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'binaryCrossentropy' });
  await model.fit(x, y, { epochs: 3, batchSize: 6, shuffle: false, verbose: 0 });
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose([x, y, ...model.getWeights()]);
  return { predictions, weights };
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('numerics across backends', () => {
  it(`cpu and wasm agree: predictions ±${PREDICTION_TOLERANCE}, weights after training ±${WEIGHT_TOLERANCE}`, async () => {
    const cpu = await runOn('cpu');
    const wasm = await runOn('wasm');
    assert.ok(maxDifference(cpu.predictions, wasm.predictions) <= PREDICTION_TOLERANCE);
    assert.equal(cpu.weights.length, wasm.weights.length);
    cpu.weights.forEach((w, i) => {
      const d = maxDifference(w, wasm.weights[i]);
      assert.ok(d <= WEIGHT_TOLERANCE, `weight ${i}: max difference ${d}`);
    });
    // training moved the weights, so the comparison above covers the gradients
    const initial = smallCnn({
      inputShape: [24, 24, 1],
      filters: [4, 8],
      denseUnits: 8,
      dropout: 0,
      seed: 7,
    }).getWeights()[0];
    assert.ok(maxDifference(initial.dataSync(), wasm.weights[0]) > 1e-3);
  });
});
