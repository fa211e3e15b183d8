// Explainability on a hand-built model whose answer is known: a 3×3 mean filter with bias −0.5 fires on
// a bright square only, so "square present" is what the output measures. Grad-CAM, occlusion and
// saliency must point at the square; the randomisation check must see the explanation fall apart; no
// method may leave tensors behind. Runs on cpu and on wasm (radnb's gradient kernels).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/cnn/backend';
import type { BackendName } from '../../src/cnn/backend';
import { DISPLAY, MIME } from '../../src/common/display';
import {
  ExplainError,
  type Explanation,
  featureMaps,
  featureMapsView,
  firstLayerFilters,
  gradCam,
  listConvLayers,
  occlusion,
  sanityCheck,
  smoothGrad,
  spearman,
  vanillaGradient,
} from '../../src/cnn/explain';

const SIZE = 16;
const SQUARE = { row: 9, col: 3, side: 4 };

/** A SIZE×SIZE×1 image, 0 except a bright side×side square at (row, col). */
function image(square = SQUARE): tf.Tensor3D {
  const data = new Float32Array(SIZE * SIZE);
  for (let r = square.row; r < square.row + square.side; r++)
    data.fill(1, r * SIZE + square.col, r * SIZE + square.col + square.side);
  return tf.tensor3d(data, [SIZE, SIZE, 1]);
}

function inSquare(i: number, square = SQUARE, margin = 0): boolean {
  const r = Math.floor(i / SIZE);
  const c = i % SIZE;
  return (
    r >= square.row - margin &&
    r < square.row + square.side + margin &&
    c >= square.col - margin &&
    c < square.col + square.side + margin
  );
}

function argmax(values: Float32Array): number {
  return values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
}

function meanWhere(values: Float32Array, keep: (i: number) => boolean): number {
  let sum = 0;
  let n = 0;
  values.forEach((v, i) => {
    if (keep(i)) {
      sum += v;
      n++;
    }
  });
  return sum / n;
}

/**
 * detector: conv 3×3, filter 0 = mean − 0.5 (fires inside the square), filter 1 dead (zeros) → ReLU →
 * 2×2 max pool → features: 1×1 conv, identity → ReLU → global average pool → output. `classes` 1: one
 * sigmoid unit "square present"; 2: softmax [absent, present].
 */
function squareModel(classes: 1 | 2): tf.LayersModel {
  const input = tf.input({ shape: [SIZE, SIZE, 1] });
  const detector = tf.layers.conv2d({
    name: 'detector',
    filters: 2,
    kernelSize: 3,
    padding: 'same',
    activation: 'relu',
  });
  const pool = tf.layers.maxPooling2d({ poolSize: 2 });
  const features = tf.layers.conv2d({ name: 'features', filters: 2, kernelSize: 1, activation: 'relu' });
  const gap = tf.layers.globalAveragePooling2d({});
  const head = tf.layers.dense({ name: 'output', units: classes, activation: classes === 1 ? 'sigmoid' : 'softmax' });
  const output = head.apply(gap.apply(features.apply(pool.apply(detector.apply(input))))) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: 'square' });
  const mean = new Float32Array(3 * 3 * 2).map((_, i) => (i % 2 === 0 ? 1 / 9 : 0));
  detector.setWeights([tf.tensor4d(mean, [3, 3, 1, 2]), tf.tensor1d([-0.5, 0])]);
  features.setWeights([tf.tensor4d([1, 0, 0, 1], [1, 1, 2, 2]), tf.zeros([2])]);
  // The square's mean detector response after pooling is ≈ 0.03: weight 100 makes "present" ≈ 0.9 likely.
  const dense =
    classes === 1
      ? [tf.tensor2d([[100], [0]]), tf.tensor1d([-1])]
      : [
          tf.tensor2d([
            [-100, 100],
            [0, 0],
          ]),
          tf.tensor1d([1, -1]),
        ];
  head.setWeights(dense);
  return model;
}

/** Runs `fn` and checks it left no tensor behind. */
function noLeak<T>(fn: () => T): T {
  const before = tf.memory().numTensors;
  const result = fn();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  return result;
}

function pointsAtSquare(e: Explanation, square = SQUARE): void {
  assert.equal(e.values.length, SIZE * SIZE);
  assert.ok(
    e.values.every((v) => v >= 0 && v <= 1),
    'values in [0, 1]',
  );
  assert.ok(inSquare(argmax(e.values), square), `${e.method} peaks at pixel ${argmax(e.values)}, outside the square`);
  const inside = meanWhere(e.values, (i) => inSquare(i, square));
  const outside = meanWhere(e.values, (i) => !inSquare(i, square, 2));
  assert.ok(inside > 5 * outside, `${e.method}: mean heat inside ${inside}, outside ${outside}`);
}

for (const backendName of ['cpu', 'wasm'] as BackendName[]) {
  describe(`explainability on ${backendName}`, () => {
    let sigmoid: tf.LayersModel;
    let softmax: tf.LayersModel;
    let x: tf.Tensor3D;

    before(async () => {
      await initBackend({ prefer: backendName });
      sigmoid = squareModel(1);
      softmax = squareModel(2);
      x = image();
    });

    after(() => {
      tf.dispose([x, ...sigmoid.getWeights(), ...softmax.getWeights()]);
    });

    it('feature maps of a named layer, conv layers listed, first filters read', () => {
      const before = tf.memory().numTensors;
      const maps = featureMaps(sigmoid, 'detector', x);
      assert.equal(tf.memory().numTensors, before + 1, 'only the returned maps are new');
      assert.deepEqual(maps.shape, [SIZE, SIZE, 2]);
      const values = maps.arraySync() as number[][][];
      maps.dispose();
      assert.ok(Math.abs(values[10][4][0] - 0.5) < 1e-6, 'fully inside the square: mean 1 − 0.5');
      assert.equal(values[2][12][0], 0);
      assert.deepEqual(
        listConvLayers(sigmoid).map((l) => [l.name, l.outputShape]),
        [
          ['detector', [16, 16, 2]],
          ['features', [8, 8, 2]],
        ],
      );
      const filters = firstLayerFilters(sigmoid);
      assert.deepEqual(
        [filters.layer, filters.kernelHeight, filters.inChannels, filters.outChannels],
        ['detector', 3, 1, 2],
      );
      assert.ok(Math.abs(filters.values[0] - 1 / 9) < 1e-7);
      assert.throws(
        () => featureMaps(sigmoid, 'nope', x),
        (e: unknown) => e instanceof ExplainError && /no layer "nope"/.test(e.message),
      );
    });

    it('the feature-map view shows every conv layer (or the layers named) with the first filters', () => {
      const bundle = noLeak(() => featureMapsView(sigmoid, x)[DISPLAY]());
      assert.equal(bundle[MIME.text], 'Feature maps of square: detector 16×16×2, features 8×8×2');
      assert.ok((bundle[MIME.featureMaps] as Uint8Array).length > 0);
      const dense = noLeak(() => featureMapsView(sigmoid, x, ['output']));
      assert.deepEqual([dense.maps.layers[0].height, dense.maps.layers[0].channels], [1, 1]);
    });

    it('Grad-CAM picks the last conv layer, upsamples to the image and peaks at the square', () => {
      const cam = noLeak(() => gradCam(sigmoid, x));
      assert.equal(cam.details.layer, 'features');
      pointsAtSquare(cam);
      const moved = { row: 2, col: 10, side: 4 };
      const elsewhere = image(moved);
      pointsAtSquare(
        noLeak(() => gradCam(sigmoid, elsewhere, { layer: 'detector' })),
        moved,
      );
      elsewhere.dispose();
    });

    it('Grad-CAM explains the class asked for: "present" at the square, "absent" not there', () => {
      const batch = x.expandDims(0);
      const present = noLeak(() => gradCam(softmax, batch));
      batch.dispose();
      assert.equal(present.details.class, 1);
      pointsAtSquare(present);
      const absent = noLeak(() => gradCam(softmax, x, { classIndex: 0 }));
      assert.equal(
        meanWhere(absent.values, (i) => inSquare(i)),
        0,
      );
      assert.throws(() => gradCam(softmax, x, { classIndex: 2 }), /classIndex 2 is outside the model's 2 output units/);
    });

    it('occlusion agrees with Grad-CAM', () => {
      const occluded = noLeak(() => occlusion(sigmoid, x, { patch: 4, stride: 2 }));
      pointsAtSquare(occluded);
      const cam = gradCam(sigmoid, x);
      const rho = spearman(occluded.values, cam.values);
      assert.ok(rho > 0.5, `Spearman ρ(occlusion, Grad-CAM) = ${rho}`);
    });

    it('gradient saliency and SmoothGrad are non-zero where the input matters and zero far from it', () => {
      for (const e of [
        noLeak(() => vanillaGradient(sigmoid, x)),
        noLeak(() => smoothGrad(sigmoid, x, { samples: 8, noise: 0.1, seed: 3 })),
      ]) {
        assert.ok(inSquare(argmax(e.values), SQUARE, 1), `${e.method} peaks at ${argmax(e.values)}`);
        assert.ok(meanWhere(e.values, (i) => inSquare(i)) > 0.1, `${e.method} is near zero on the square`);
      }
      // Only the detector's 3×3 neighbourhood of the square reaches the output: farther pixels have no gradient.
      const plain = vanillaGradient(sigmoid, x);
      assert.ok(plain.values.every((v, i) => inSquare(i, SQUARE, 2) || v === 0));
    });

    it('the randomisation sanity check sees Grad-CAM fall apart and restores the weights', () => {
      const weightsBefore = sigmoid.getWeights().map((w) => Array.from(w.dataSync()));
      const check = noLeak(() =>
        sanityCheck(sigmoid, x, (m, input) => gradCam(m, input, { layer: 'detector' }), { seed: 1 }),
      );
      assert.deepEqual(
        check.steps.map((s) => s.layer),
        ['output', 'features', 'detector'],
      );
      const last = check.steps[check.steps.length - 1];
      assert.ok(last.spearman < 0.5, `Spearman after randomising everything: ${last.spearman}`);
      assert.ok(last.ssim < 0.5, `SSIM after randomising everything: ${last.ssim}`);
      assert.deepEqual(
        sigmoid.getWeights().map((w) => Array.from(w.dataSync())),
        weightsBefore,
      );
      assert.match(check[DISPLAY]()[MIME.text] as string, /Cascading randomisation/);
    });

    it('the sanity check keeps full similarity for an "explanation" that ignores the model', () => {
      const cam = gradCam(sigmoid, x);
      const sameEveryTime = (): Explanation => cam;
      const check = sanityCheck(sigmoid, x, sameEveryTime);
      assert.ok(check.steps.every((s) => s.spearman === 1 && s.ssim === 1));
    });

    it('explanations are overlays for the viewer and display as a PNG', () => {
      const cam = gradCam(sigmoid, x);
      const overlay = cam.toOverlay({ opacity: 0.3 });
      assert.deepEqual(
        [overlay.kind, overlay.colormap, overlay.opacity, overlay.data.length],
        ['heatmap', 'jet', 0.3, SIZE * SIZE],
      );
      const viewerImage = {
        rows: SIZE,
        columns: SIZE,
        frames: 1,
        samplesPerPixel: 1 as const,
        pixels: new Uint8Array(SIZE * SIZE),
        slope: 1,
        intercept: 0,
        units: '',
      };
      assert.equal(cam.overlayOn(viewerImage).overlays?.[0].label, 'Grad-CAM (class 0, layer features)');
      assert.throws(
        () => cam.overlayOn({ ...viewerImage, rows: 8, pixels: new Uint8Array(8 * SIZE) }),
        /heat-map is 16×16, image is 8×16/,
      );
      const bundle = cam[DISPLAY]();
      assert.deepEqual([...(bundle[MIME.png] as Buffer).subarray(1, 4)], [...Buffer.from('PNG')]);
      assert.match(bundle[MIME.text] as string, /peak at row (9|10|11|12)/);
      const t = cam.toTensor();
      assert.deepEqual(t.shape, [SIZE, SIZE]);
      t.dispose();
    });
  });
}
