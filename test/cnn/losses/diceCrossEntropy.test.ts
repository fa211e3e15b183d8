// The Dice + cross-entropy loss notebook 03 trains with: hand-computed values, and the property it is chosen for —
// missing a small structure costs about a whole unit of loss, where plain cross-entropy barely notices.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { diceCrossEntropy } from '../../../src/cnn/losses/diceCrossEntropy';

const value = (t: tf.Tensor): number => t.dataSync()[0];

test('equals mean binary cross-entropy plus one minus the smoothed soft Dice, by hand', () => {
  const truth = tf.tensor4d([1, 0, 1, 0], [1, 2, 2, 1]);
  const predicted = tf.tensor4d([0.9, 0.2, 0.6, 0.1], [1, 2, 2, 1]);
  const bce = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.6) + Math.log(0.9)) / 4;
  const softDice = (2 * (0.9 + 0.6) + 1) / (2 + 1.8 + 1);
  assert.ok(Math.abs(value(diceCrossEntropy(truth, predicted)) - (bce + 1 - softDice)) < 1e-5);
});

test('a perfect mask costs next to nothing, and so does an empty slice predicted empty', () => {
  const truth = tf.tensor4d([1, 0, 0, 1, 1, 0, 0, 0], [2, 2, 2, 1]);
  assert.ok(value(diceCrossEntropy(truth, truth)) < 1e-4);
  const empty = tf.zeros([2, 2, 2, 1]);
  assert.ok(value(diceCrossEntropy(empty, empty)) < 1e-4, 'smoothing keeps a batch without foreground defined');
});

test('missing a 2-pixel nodule in a 64×64 slice costs about 1, where plain cross-entropy gives about 0.01', () => {
  const mask = new Float32Array(64 * 64);
  mask[2000] = mask[2001] = 1;
  const truth = tf.tensor4d(mask, [1, 64, 64, 1]);
  const missed = tf.fill([1, 64, 64, 1], 0.01);
  const loss = value(diceCrossEntropy(truth, missed));
  const bceOnly = value(tf.metrics.binaryCrossentropy(truth.flatten(), missed.flatten()));
  assert.ok(bceOnly < 0.02, `cross-entropy alone ${bceOnly}`);
  assert.ok(loss > 0.9, `Dice + cross-entropy ${loss}`);
});

test('its gradient is finite and pushes a missed nodule pixel up and background down', () => {
  const truth = tf.tensor4d([1, 0, 0, 0], [1, 2, 2, 1]);
  const grad = tf.grad((p: tf.Tensor) => diceCrossEntropy(truth, p))(tf.tensor4d([0.1, 0.1, 0.1, 0.1], [1, 2, 2, 1]));
  const g = grad.dataSync();
  assert.ok(Array.from(g).every(Number.isFinite));
  assert.ok(g[0] < 0, 'raising the nodule pixel lowers the loss');
  assert.ok(g[1] > 0 && g[2] > 0 && g[3] > 0, 'raising a background pixel raises it');
});
