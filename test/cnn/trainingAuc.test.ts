// The acceptance test of training: on the wasm backend a small CNN learns to find a faint blob in noise
// (synthetic, generated here) to a held-out ROC AUC ≥ 0.95 within 8 epochs, in under 60 s.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/cnn/backend';
import { smallCnn } from '../../src/cnn/models';
import { train } from '../../src/cnn/train';
import { blobImages, rocAuc } from './support/blobs';

const TARGET_AUC = 0.95;
const MAX_EPOCHS = 8;

describe('training on wasm', () => {
  it(`a small CNN reaches held-out AUC ≥ ${TARGET_AUC} within ${MAX_EPOCHS} epochs`, { timeout: 60_000 }, async () => {
    const info = await initBackend({ prefer: 'wasm' });
    assert.equal(info.name, 'wasm');
    const trainSet = blobImages(256, 32, 1);
    const test = blobImages(128, 32, 2);
    const model = smallCnn({ inputShape: [32, 32, 1], filters: [8, 16], denseUnits: 16, dropout: 0, seed: 3 });
    let auc = 0;
    let epochs = 0;
    const result = await train(
      model,
      { x: trainSet.x, y: trainSet.y },
      {
        epochs: MAX_EPOCHS,
        batchSize: 32,
        learningRate: 3e-3,
        seed: 4,
        augment: { flipHorizontal: true, flipVertical: true },
        onProgress: (p) => {
          if (p.phase !== 'epoch') return;
          epochs = p.epoch + 1;
          const scores = tf.tidy(() => (model.predict(test.x) as tf.Tensor).dataSync());
          auc = rocAuc(scores, test.labels);
          if (auc >= TARGET_AUC) model.stopTraining = true;
        },
      },
    );
    console.log(
      `held-out AUC ${auc.toFixed(3)} after ${epochs} epochs, ${(result.elapsedMs / 1000).toFixed(1)} s on wasm`,
    );
    assert.ok(auc >= TARGET_AUC, `AUC ${auc} after ${epochs} epochs`);
    tf.dispose([trainSet.x, trainSet.y, test.x, test.y]);
    model.dispose();
  });
});
