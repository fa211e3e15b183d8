// The WebGPU backend (npm `webgpu`, Dawn for Node) agrees with wasm on the same seeded model. Runs on
// any Vulkan driver; here a software one (Mesa ≥ 25 lavapipe, Debian bookworm-backports), which auto
// selection rejects as slower than wasm — so the test forces webgpu. The `webgpu` package (132 MB) is
// not a dependency: the extension installs it on demand, CI into $RADNB_BACKEND_PACKAGES.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/cnn/backend';
import type { BackendName } from '../../src/cnn/backend';
import { requireOptional } from '../../src/cnn/backendProbes';
import { smallCnn } from '../../src/cnn/models';
import { need } from '../support/env';

const packagePaths = process.env.RADNB_BACKEND_PACKAGES ? [process.env.RADNB_BACKEND_PACKAGES] : [];
const TOLERANCE = 1e-4;

async function run(prefer: BackendName): Promise<{ predictions: Float32Array; gradients: Float32Array[] }> {
  await initBackend({ prefer, packagePaths });
  const model = smallCnn({ inputShape: [16, 16, 1], filters: [4, 8], denseUnits: 8, dropout: 0, seed: 3 });
  const x = tf.randomUniform([4, 16, 16, 1], 0, 1, 'float32', 5);
  const y = tf.tensor2d([[0], [1], [1], [0]]);
  const predictions = (await (model.predict(x) as tf.Tensor).data()) as Float32Array;
  const { grads } = tf.variableGrads(() => tf.losses.sigmoidCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar);
  const gradients = await Promise.all(Object.values(grads).map(async (g) => (await g.data()) as Float32Array));
  return { predictions, gradients };
}

describe('WebGPU backend', () => {
  after(() => {
    // Dawn keeps the process alive while its device exists
    if (tf.findBackend('webgpu')) tf.removeBackend('webgpu');
  });

  it(`agrees with wasm on predictions and gradients within ${TOLERANCE}`, { timeout: 120_000 }, async (t) => {
    if (
      !need(
        t,
        !('reason' in requireOptional('webgpu', packagePaths)),
        'the npm package webgpu (set RADNB_BACKEND_PACKAGES to the folder it is installed in)',
      )
    )
      return;
    const wasm = await run('wasm');
    let webgpu: Awaited<ReturnType<typeof run>>;
    try {
      webgpu = await run('webgpu');
    } catch (err) {
      if (!need(t, false, `a Vulkan driver for Dawn (Mesa ≥ 25 from bookworm-backports): ${(err as Error).message}`))
        return;
      throw err;
    }
    const worst = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    assert.ok(worst(webgpu.predictions, wasm.predictions) <= TOLERANCE);
    assert.equal(webgpu.gradients.length, wasm.gradients.length);
    webgpu.gradients.forEach((g, i) => assert.ok(worst(g, wasm.gradients[i]) <= TOLERANCE, `gradient ${i}`));
  });
});
