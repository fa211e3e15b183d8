// Augmentation: flips, rotations, zoom and shifts move image and mask together, intensity jitter stays in its range,
// noise has the asked spread, the same seed repeats, and nothing leaks.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/cnn/backend';
import { augment } from '../../src/cnn/augment';

/** side×side images with one bright pixel at (row, column); the mask marks the same pixel. */
function marked(n: number, [row, column] = [1, 2], side = 8): tf.Tensor4D {
  const buffer = tf.buffer([n, side, side, 1]);
  for (let i = 0; i < n; i++) buffer.set(1, i, row, column, 0);
  return buffer.toTensor() as tf.Tensor4D;
}

function brightest(image: tf.Tensor, i: number): [number, number] {
  const side = image.shape[2]!;
  const flat = tf.tidy(() => image.slice([i, 0, 0, 0], [1, -1, -1, 1]).reshape([-1]).argMax().dataSync()[0]);
  return [Math.floor(flat / side), flat % side];
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
    assert.deepEqual(
      [...seen].sort(),
      ['1,2', '1,5', '6,2', '6,5'],
      'all four flip combinations occur across 16 images',
    );
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

  it('zooms in and out about the centre by at most the given factor', () => {
    // (2, 2) is 5.5 px up and left of the centre (7.5, 7.5): a zoom z puts it 5.5·z px away, z in [0.7, 1.3]
    const x = marked(24, [2, 2], 16);
    const out = augment(x, { zoom: 0.3 }, 5);
    const rows = new Set<number>();
    for (let i = 0; i < 24; i++) {
      const [r, c] = brightest(out.x, i);
      assert.equal(r, c, `image ${i}: the pixel stays on the diagonal through the centre`);
      assert.ok(r >= 0 && r <= 4, `image ${i}: row ${r} within 7.5 − 5.5 × (0.7…1.3)`);
      rows.add(r);
    }
    assert.ok(
      [...rows].some((r) => r < 2) && [...rows].some((r) => r > 2),
      `both magnified and shrunk: rows ${[...rows]}`,
    );
    tf.dispose([x, out.x]);
  });

  it('shifts by at most the given fraction of each side and moves the mask the same way', () => {
    const x = marked(24, [8, 8], 16);
    const mask = marked(24, [8, 8], 16);
    const out = augment(x, { translate: 0.25 }, 9, mask);
    const seen = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const [r, c] = brightest(out.x, i);
      assert.deepEqual(brightest(out.target!, i), [r, c], `image ${i}: mask follows the image`);
      assert.ok(Math.abs(r - 8) <= 4 && Math.abs(c - 8) <= 4, `image ${i}: (${r}, ${c}) within ±4 px`);
      seen.add(`${r},${c}`);
    }
    assert.ok(seen.size > 12, `each image gets its own shift (${seen.size} distinct positions)`);
    tf.dispose([x, mask, out.x, out.target!]);
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
