// Same seed, same numbers: training on wasm repeats bit for bit, in one process and across processes with 1,
// 2 or 3 threads (radnb's kernels sum each chunk of work in its own buffer and add the buffers in a fixed
// order, so which thread took a chunk must not matter); the cpu backend repeats too.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../support/env';

/**
 * Trains a U-Net (batch norm, Winograd and direct convolutions, transposed convolutions, Adam) for two epochs
 * on 32 images of TEST_SIZE² in one batch — at 32², enough work for the kernels to split sums between
 * threads — and prints the SHA-256 of its weights and the backend's thread count.
 */
const TRAIN = `
const { createHash } = require('node:crypto');
const tf = require('@tensorflow/tfjs');
const { initBackend } = require('./src/cnn/backend');
const { unet2d } = require('./src/cnn/models');
const { train } = require('./src/cnn/train');
const { blobImages } = require('./test/cnn/support/blobs');
initBackend({ prefer: process.env.TEST_BACKEND }).then(async (info) => {
  const size = Number(process.env.TEST_SIZE);
  const images = blobImages(64, size, 7);
  const masks = tf.tidy(() => images.x.greater(0.5).cast('float32'));
  const model = unet2d({ inputShape: [size, size, 1], baseFilters: 8, depth: 2, seed: 3 });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
  await train(model, { x: images.x, y: masks }, { epochs: 3, batchSize: 32, display: false, seed: 4, augment: { rotateDegrees: 10 } });
  const hash = createHash('sha256');
  for (const w of model.getWeights()) hash.update(Buffer.from(w.dataSync().buffer));
  const threads = info.name === 'wasm' ? require('@tensorflow/tfjs-backend-wasm').getThreadsCount() : 1;
  console.log(JSON.stringify({ backend: info.name, threads, weights: hash.digest('hex') }));
});`;

interface Trained {
  backend: string;
  threads: number;
  weights: string;
}

function trainIn(env: Record<string, string>): Trained {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', TRAIN], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, ...env },
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Trained;
}

describe('same seed, same numbers', () => {
  it('wasm: two runs and 1, 2 or 3 threads train to bit-identical weights', { timeout: 600_000 }, () => {
    const runs = ['1', '2', '2', '3'].map((threads) =>
      trainIn({ TEST_BACKEND: 'wasm', TEST_SIZE: '32', RADNB_WASM_THREADS: threads }),
    );
    assert.deepEqual(
      runs.map((r) => `${r.backend} ${r.threads}`),
      ['wasm 1', 'wasm 2', 'wasm 2', 'wasm 3'],
    );
    for (const run of runs.slice(1)) assert.equal(run.weights, runs[0].weights, `${run.threads} threads vs 1 thread`);
  });

  it('cpu: two runs train to bit-identical weights', { timeout: 600_000 }, () => {
    // 16² images: the cpu backend trains ~20× slower than wasm
    const [a, b] = [
      trainIn({ TEST_BACKEND: 'cpu', TEST_SIZE: '16' }),
      trainIn({ TEST_BACKEND: 'cpu', TEST_SIZE: '16' }),
    ];
    assert.equal(a.backend, 'cpu');
    assert.equal(a.weights, b.weights);
  });
});
