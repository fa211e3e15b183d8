// Augmentation: flips and rotations move image and mask together, intensity jitter stays in its range,
// noise has the asked spread, the same seed repeats, and nothing leaks.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/cnn/backend';
import { augment } from '../../src/cnn/augment';

/** 8×8 images with one bright pixel at (row 1, column 2); the mask marks the same pixel. */
function marked(n: number): tf.Tensor4D {
  const buffer = tf.buffer([n, 8, 8, 1]);
  for (let i = 0; i < n; i++) buffer.set(1, i, 1, 2, 0);
  return buffer.toTensor() as tf.Tensor4D;
}

function brightest(image: tf.Tensor, i: number): [number, number] {
  const flat = tf.tidy(() => image.slice([i, 0, 0, 0], [1, 8, 8, 1]).reshape([-1]).argMax().dataSync()[0]);
  return [Math.floor(flat / 8), flat % 8];
}

describe('augment', () => {
  before(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('flips each image (or not) and moves its mask the same way', () => {
    const x = marked(16);
    const mask = marked(16);
    const out = augment(x, { flipHorizontal: true, flipVertical: true }, 7, mask);
    const seen = new Set<string>();
    for (let i = 0; i < 16; i++) {
      const at = brightest(out.x, i);
      assert.deepEqual(brightest(out.target!, i), at, `image ${i}: mask follows the image`);
      seen.add(at.join());
    }
    assert.deepEqual([...seen].sort(), ['1,2', '1,5', '6,2', '6,5'], 'all four flip combinations occur across 16 images');
    tf.dispose([x, mask, out.x, out.target!]);
  });

  it('rotates by at most the given angle', () => {
    const x = marked(8);
    const out = augment(x, { rotateDegrees: 10 }, 3);
    for (let i = 0; i < 8; i++) {
      const [r, c] = brightest(out.x, i);
      // (1, 2) is 4.3 px from the centre (3.5, 3.5): a 10° turn moves it by < 0.8 px
      assert.ok(Math.abs(r - 1) <= 1 && Math.abs(c - 2) <= 1, `image ${i}: (${r}, ${c})`);
    }
    tf.dispose([x, out.x]);
  });

  it('jitters intensity within its range and adds noise of the given spread', () => {
    const x = tf.fill([64, 4, 4, 1], 0.5) as tf.Tensor4D;
    const jittered = augment(x, { intensity: { scale: 0.2, shift: 0.1 } }, 1).x;
    const values = jittered.dataSync();
    assert.ok(values.every((v) => v >= 0.5 * 0.8 - 0.1 - 1e-6 && v <= 0.5 * 1.2 + 0.1 + 1e-6));
    assert.ok(new Set(values).size > 32, 'each image gets its own scale and shift');
    const noisy = augment(x, { noiseStd: 0.1 }, 2).x;
    const std = tf.tidy(() => tf.moments(noisy.sub(0.5)).variance.sqrt().dataSync()[0]);
    assert.ok(Math.abs(std - 0.1) < 0.01, `noise std ${std}`);
    tf.dispose([x, jittered, noisy]);
  });

  it('repeats for the same seed and leaks no tensors', () => {
    const x = marked(4);
    const before = tf.memory().numTensors;
    const options = { flipHorizontal: true, rotateDegrees: 15, intensity: { scale: 0.1 }, noiseStd: 0.05 };
    const a = augment(x, options, 42);
    const b = augment(x, options, 42);
    const c = augment(x, options, 43);
    assert.deepEqual(a.x.dataSync(), b.x.dataSync());
    assert.notDeepEqual(a.x.dataSync(), c.x.dataSync());
    tf.dispose([a.x, b.x, c.x]);
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
});
