// Segmentation and image-quality metrics: hand-computed shapes and NumPy references (brute-force surface
// distances for HD95, SSIM by the formula with a NumPy Gaussian filter).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { DISPLAY, MIME } from '../../../src/common/display';
import {
  MetricsError,
  dice,
  diceByCase,
  hausdorff95,
  imageQuality,
  iou,
  psnr,
  segmentationMetrics,
  ssim,
  ssimWithMap,
} from '../../../src/cnn/metrics';
import { seededRandom } from '../../../src/common/random';
import { needNumpy, reference } from '../reference/python';

/** A rows × cols mask with the box [r0, r1) × [c0, c1) set. */
function box(rows: number, cols: number, r0: number, r1: number, c0: number, c1: number): Uint8Array {
  const m = new Uint8Array(rows * cols);
  for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) m[r * cols + c] = 1;
  return m;
}

/** A blob: voxels within `radius` of a centre, roughened by noise so surfaces are irregular. */
function blob(shape: number[], centre: number[], radius: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return Uint8Array.from({ length: size }, (_, i) => {
    let rest = i;
    let d2 = 0;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      d2 += ((rest % shape[axis]) - centre[axis]) ** 2;
      rest = Math.floor(rest / shape[axis]);
    }
    return Math.sqrt(d2) + random() * 1.5 < radius ? 1 : 0;
  });
}

function close(actual: number, expected: number, tolerance = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} differs from ${expected}`);
}

describe('Dice and IoU', () => {
  it('hand case: two 4×4 squares overlapping in 2×4', () => {
    const a = box(8, 8, 0, 4, 0, 4);
    const b = box(8, 8, 2, 6, 0, 4);
    assert.equal(dice(a, b), (2 * 8) / 32);
    assert.equal(iou(a, b), 8 / 24);
    assert.equal(dice(a, a), 1);
    assert.equal(dice(new Uint8Array(4), new Uint8Array(4)), 1);
  });

  it('thresholds probability maps and selects one label of a label map', () => {
    assert.equal(dice([0.9, 0.6, 0.4, 0], [1, 1, 1, 0]), (2 * 2) / 5);
    assert.equal(dice([0.9, 0.6, 0.4, 0], [1, 1, 1, 0], { threshold: 0.3 }), 1);
    assert.equal(dice([2, 1, 2, 0], [2, 2, 1, 0], { label: 2 }), 0.5);
    assert.throws(
      () => dice([1, 0], [1, 0, 0]),
      (e: unknown) => e instanceof MetricsError && /dice: prediction has 2 values but truth has 3/.test(e.message),
    );
  });

  it("diceByCase pools each case's slices before dividing, cases in order of appearance", () => {
    // four 2-pixel slices: case 7 = slices 0 and 2, case 3 = slices 1 and 3 (empty in both masks)
    const prediction = [1, 0, 0, 0, 1, 1, 0, 0];
    const truth = [1, 1, 0, 0, 0, 1, 0, 0];
    assert.deepEqual(diceByCase(prediction, truth, [7, 3, 7, 3]), [
      { caseIndex: 7, dice: (2 * 2) / 6 },
      { caseIndex: 3, dice: 1 },
    ]);
    assert.throws(
      () => diceByCase([1, 0, 1], [1, 0, 1], [0, 1]),
      (e: unknown) => e instanceof MetricsError && /3 mask values do not split into 2 slices/.test(e.message),
    );
  });
});

describe('Hausdorff distance 95', () => {
  it('hand case: a square shifted by 3 columns with anisotropic spacing', () => {
    const a = box(20, 20, 5, 10, 5, 10);
    const b = box(20, 20, 5, 10, 8, 13);
    // Surface of a 5×5 box: 16 pixels. Each direction: 5 rows × 2 columns at distance 3 columns, the rest
    // are nearer (≤ 2): the 95th percentile of 32 distances sits among the 3-column ones. Column step 0.5 mm.
    assert.equal(hausdorff95(a, b, { shape: [20, 20] }), 3);
    assert.equal(hausdorff95(a, b, { shape: [20, 20], spacing: [1, 0.5] }), 1.5);
    assert.equal(hausdorff95(a, a, { shape: [20, 20] }), 0);
  });

  it('agrees with brute-force NumPy surface distances in 2-D and 3-D', (t) => {
    if (!needNumpy(t)) return;
    const cases = [
      { shape: [40, 36], spacing: [0.7, 1.3], a: blob([40, 36], [18, 17], 10, 1), b: blob([40, 36], [21, 15], 8, 2) },
      {
        shape: [14, 18, 16],
        spacing: [2.5, 0.8, 0.8],
        a: blob([14, 18, 16], [7, 9, 8], 6, 3),
        b: blob([14, 18, 16], [6, 10, 7], 5, 4),
      },
    ];
    for (const { shape, spacing, a, b } of cases) {
      const expected = reference<number>({ task: 'hd95', a: Array.from(a), b: Array.from(b), shape, spacing });
      close(hausdorff95(a, b, { shape, spacing }), expected);
    }
  });

  it('takes the grid from a tensor and names empty masks and bad shapes', () => {
    const [a, b] = [box(12, 12, 2, 6, 2, 6), box(12, 12, 3, 7, 2, 6)].map((m) => tf.tensor3d(m, [12, 12, 1]));
    assert.equal(hausdorff95(a, b), 1);
    tf.dispose([a, b]);
    assert.throws(
      () => hausdorff95(new Uint8Array(16), box(4, 4, 0, 2, 0, 2), { shape: [4, 4] }),
      /prediction mask is empty/,
    );
    assert.throws(() => hausdorff95([1, 0, 1], [1, 1, 0]), /needs a 2-D or 3-D grid/);
    assert.throws(
      () => hausdorff95(box(4, 4, 0, 2, 0, 2), box(4, 4, 0, 2, 0, 2), { shape: [4, 4], spacing: [1] }),
      /one positive step per axis/,
    );
  });

  it('segmentationMetrics reports all three and displays them; HD95 is NaN for an empty prediction', () => {
    const m = segmentationMetrics(box(8, 8, 0, 4, 0, 4), box(8, 8, 0, 4, 0, 4), { shape: [8, 8], spacing: [0.5, 0.5] });
    assert.deepEqual([m.dice, m.iou, m.hausdorff95], [1, 1, 0]);
    assert.match(m[DISPLAY]()[MIME.text] as string, /HD95 \(mm\)/);
    assert.ok(
      Number.isNaN(segmentationMetrics(new Uint8Array(64), box(8, 8, 0, 4, 0, 4), { shape: [8, 8] }).hausdorff95),
    );
  });
});

describe('PSNR and SSIM', () => {
  const random = seededRandom(21);
  const [h, w] = [32, 40];
  const clean = Float64Array.from(
    { length: h * w },
    (_, i) => 100 + 80 * Math.sin(i / 17) + 40 * Math.cos((i % w) / 5),
  );
  const noisy = clean.map((v) => v + (random() - 0.5) * 60);

  it('PSNR hand case: MSE 1 at range 255 is 48.13 dB; identical images are Infinity', () => {
    close(psnr([1, 2, 3, 4], [2, 3, 4, 5], { dataRange: 255 }), 10 * Math.log10(255 * 255));
    assert.equal(psnr([1, 2], [1, 2], { dataRange: 1 }), Infinity);
    assert.throws(() => psnr([1, 1], [1, 1]), /data range must be positive/);
  });

  it('SSIM hand case: flat images compare by luminance only, (2ab + C1) / (a² + b² + C1)', () => {
    const a = new Float64Array(16 * 16).fill(0.5);
    const b = new Float64Array(16 * 16).fill(0.25);
    close(ssim(a, b, { shape: [16, 16], dataRange: 1 }), (2 * 0.5 * 0.25 + 1e-4) / (0.25 + 0.0625 + 1e-4), 1e-12);
  });

  it('SSIM is 1 for identical images and falls with noise; the map has the image size', () => {
    assert.equal(ssim(clean, clean, { shape: [h, w], dataRange: 255 }), 1);
    const { ssim: s, map } = ssimWithMap(noisy, clean, { shape: [h, w], dataRange: 255 });
    const noisier = ssim(
      noisy.map((v, i) => v + (v - clean[i]) * 3),
      clean,
      { shape: [h, w], dataRange: 255 },
    );
    assert.ok(s < 0.97 && noisier < s - 0.1, `ssim ${s}, with 4× the noise ${noisier}`);
    assert.equal(map.length, h * w);
    assert.throws(
      () => ssim(new Float64Array(100), new Float64Array(100), { shape: [10, 10], dataRange: 1 }),
      /smaller than the 11×11 window/,
    );
  });

  it('agrees with the NumPy references (Wang et al. 2004 SSIM, PSNR)', (t) => {
    if (!needNumpy(t)) return;
    const request = { x: Array.from(noisy), y: Array.from(clean), shape: [h, w], dataRange: 255 };
    close(
      ssim(noisy, clean, { shape: [h, w], dataRange: 255 }),
      reference<number>({ task: 'ssim', ...request }),
      1e-12,
    );
    close(psnr(noisy, clean, { dataRange: 255 }), reference<number>({ task: 'psnr', ...request }), 1e-9);
  });

  it('imageQuality reads tensors and defaults the data range to the reference range', () => {
    const [x, y] = [noisy, clean].map((v) => tf.tensor3d(Float32Array.from(v), [h, w, 1]));
    const q = imageQuality(x, y);
    tf.dispose([x, y]);
    const range = Math.max(...clean) - Math.min(...clean);
    close(q.dataRange, range, 1e-3);
    close(q.psnr, psnr(noisy, clean, { dataRange: range }), 1e-3);
    assert.match(q[DISPLAY]()[MIME.html] as string, /PSNR \(dB\)/);
  });
});
