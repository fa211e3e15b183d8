// Models save to and load from a folder (model.json + weights.bin) without tfjs-node; broken folders
// give errors that name the file and the reason.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/cnn/backend';
import { resnet18 } from '../../src/cnn/models';
import { ModelFileError, loadModel, saveModel } from '../../src/cnn/modelIO';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'radnb-model-'));

describe('saveModel / loadModel', () => {
  before(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('round-trips architecture and weights: the loaded model predicts the same', async () => {
    const model = resnet18({ inputShape: [32, 32, 1], width: 4, classes: 3, seed: 1 });
    const dir = tempDir();
    await saveModel(model, dir);
    const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
    assert.deepEqual(json.weightsManifest[0].paths, ['./weights.bin']);
    const loaded = await loadModel(dir);
    const x = tf.randomUniform([2, 32, 32, 1], 0, 1, 'float32', 2);
    const [a, b] = [model, loaded].map((m) => tf.tidy(() => Array.from((m.predict(x) as tf.Tensor).dataSync())));
    assert.deepEqual(b, a);
    assert.equal(loaded.layers.length, model.layers.length);
    tf.dispose(x);
    model.dispose();
    loaded.dispose();
  });

  it('keeps the compiled optimizer and loss when asked', async () => {
    const model = resnet18({ inputShape: [16, 16, 1], width: 2, seed: 3 });
    model.compile({ optimizer: tf.train.adam(0.002), loss: 'binaryCrossentropy' });
    const dir = tempDir();
    await saveModel(model, dir, { includeOptimizer: true });
    const loaded = await loadModel(dir);
    assert.equal(loaded.optimizer.getClassName(), 'Adam');
    assert.equal(loaded.loss, 'binaryCrossentropy');
    model.dispose();
    loaded.dispose();
  });

  it('names the file and the reason when a folder is broken', async () => {
    const empty = tempDir();
    await assert.rejects(
      loadModel(empty),
      (err: Error) =>
        err instanceof ModelFileError &&
        err.message === `${path.join(empty, 'model.json')}: no such file (is this a saved model folder?)`,
    );

    const model = resnet18({ inputShape: [16, 16, 1], width: 2, seed: 4 });
    const dir = tempDir();
    await saveModel(model, dir);
    truncateSync(path.join(dir, 'weights.bin'), 100);
    await assert.rejects(
      loadModel(dir),
      (err: Error) =>
        err instanceof ModelFileError &&
        err.message.startsWith(path.join(dir, 'weights.bin')) &&
        /holds 100 bytes but model.json describes \d+/.test(err.message),
    );

    writeFileSync(path.join(dir, 'model.json'), '{"format": ');
    await assert.rejects(loadModel(dir), /model\.json: not valid JSON/);
    writeFileSync(path.join(dir, 'model.json'), '{"format": "graph-model"}');
    await assert.rejects(loadModel(dir), /model\.json: no modelTopology: not a tfjs-layers model/);
    model.dispose();
  });
});
