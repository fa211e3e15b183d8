// Adam on wasm runs as one radnb kernel per variable: the numbers must be exactly those of tfjs' own
// AdamOptimizer (here: on the cpu backend, whose element-wise float32 operations round the same way), for
// variables of any size (SIMD tails; the large one split between threads), over several steps, and the
// optimizer's saved state must still restore.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/cnn/backend';

const SHAPES: number[][] = [[3, 3, 1, 5], [7], [200_003]];

/** Three Adam steps on fixed variables and gradients; returns the variables' values and the optimizer's weights. */
async function threeSteps(backendName: string): Promise<{ values: Float32Array[]; weights: Float32Array[] }> {
  await tf.setBackend(backendName);
  const variables = SHAPES.map((shape, i) =>
    tf.variable(tf.randomUniform(shape, -1, 1, 'float32', i), true, `adam-test-${backendName}-${i}`),
  );
  const adam = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
  for (let step = 0; step < 3; step++) {
    const gradients = variables.map((v, i) => ({
      name: v.name,
      tensor: tf.randomUniform(v.shape, -2, 2, 'float32', 10 * step + i),
    }));
    adam.applyGradients(gradients);
    tf.dispose(gradients.map((g) => g.tensor));
  }
  const values = variables.map((v) => v.dataSync() as Float32Array);
  const weights = (await adam.getWeights()).map((w) => w.tensor.dataSync() as Float32Array);
  adam.dispose();
  tf.dispose(variables);
  return { values, weights };
}

describe('Adam as one kernel on wasm', () => {
  before(async () => {
    assert.equal((await initBackend({ prefer: 'wasm' })).name, 'wasm');
  });

  it("gives exactly tfjs' AdamOptimizer numbers, moments included", async () => {
    const cpu = await threeSteps('cpu');
    const wasm = await threeSteps('wasm');
    assert.ok(tf.getKernel('RadnbAdamStep', 'wasm') !== undefined);
    for (const [which, a, b] of [
      ['value', wasm.values, cpu.values],
      ['optimizer weight', wasm.weights, cpu.weights],
    ] as const) {
      a.forEach((array, i) => {
        const mismatch = array.findIndex((x, k) => x !== b[i][k]);
        assert.equal(mismatch, -1, `${which} ${i}[${mismatch}]: ${array[mismatch]} vs ${b[i][mismatch]}`);
      });
    }
  });

  it('runs one kernel per variable (tfjs runs fourteen)', async () => {
    await tf.setBackend('wasm');
    const variables = SHAPES.map((shape, i) => tf.variable(tf.zeros(shape), true, `adam-count-${i}`));
    // as a map of names (the first test passes a list)
    const gradients = Object.fromEntries(variables.map((v) => [v.name, tf.onesLike(v)])) as unknown as Record<
      string,
      tf.Variable
    >;
    const adam = tf.train.adam(0.01);
    adam.applyGradients(gradients); // the first step also creates the moments
    const { kernels } = await tf.profile(() => adam.applyGradients(gradients));
    // one step per variable, then β1^t and β2^t
    assert.deepEqual(
      kernels.map((k) => k.name),
      [...SHAPES.map(() => 'RadnbAdamStep'), 'Multiply', 'Multiply'],
    );
    adam.dispose();
    tf.dispose([...variables, ...Object.values(gradients)]);
  });

  it('trains a model and leaves no tensor behind', async () => {
    await tf.setBackend('wasm');
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'relu' }), tf.layers.dense({ units: 1 })],
    });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    const x = tf.randomUniform([64, 4], -1, 1, 'float32', 1);
    const y = x.sum(1, true);
    const first = (await model.fit(x, y, { epochs: 1, verbose: 0 })).history.loss[0] as number;
    const tensors = tf.memory().numTensors;
    const last = (await model.fit(x, y, { epochs: 30, verbose: 0 })).history.loss.at(-1) as number;
    assert.equal(tf.memory().numTensors, tensors);
    assert.ok(last < first / 2, `loss ${first} → ${last}`);
    tf.dispose([x, y]);
    model.dispose();
  });
});
