// Classification metrics: hand-computed small cases and NumPy references (Mann–Whitney AUC, ROC points,
// average precision, equal-width-bin calibration) on random data with many ties.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { DISPLAY, MIME, type MimeBundle } from '../../../src/common/display';
import {
  MetricsError,
  averagePrecision,
  bootstrapAuc,
  calibration,
  confusionMatrix,
  metricsAtThreshold,
  precisionRecallCurve,
  rocAuc,
  rocCurve,
  rocOneVsRest,
  thresholdForSensitivity,
  youdenThreshold,
  type CalibrationView,
  type ConfusionView,
  type RocView,
} from '../../../src/cnn/metrics';
import { seededRandom } from '../../../src/common/random';
import { needNumpy, reference } from '../reference/python';

/** Labels and scores rounded to 1 decimal, so that many scores tie across classes. */
function randomCase(n: number, seed: number): { labels: number[]; scores: number[] } {
  const random = seededRandom(seed);
  const labels = Array.from({ length: n }, () => (random() < 0.3 ? 1 : 0));
  const scores = labels.map((y) => Math.round((random() * 0.7 + y * 0.3) * 10) / 10);
  return { labels, scores };
}

function close(actual: number, expected: number, tolerance = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} differs from ${expected}`);
}

const LABELS = [0, 0, 1, 1, 0, 1, 0, 1, 1, 0];
const SCORES = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.2, 0.4, 0.6, 0.05];

describe('ROC and AUC', () => {
  it('hand case: ties between a positive and negatives count one half', () => {
    // Positives 0.35, 0.8, 0.9, 0.4, 0.6 against negatives 0.1, 0.4, 0.4, 0.2, 0.05:
    // 0.35 beats 3 negatives; 0.4 beats 3 and ties 2 (→ 4); 0.6, 0.8, 0.9 beat all 5 → (3 + 4 + 15) / 25.
    assert.equal(rocAuc(LABELS, SCORES), 22 / 25);
    const curve = rocCurve(LABELS, SCORES);
    assert.equal(curve.thresholds[0], Infinity);
    assert.deepEqual(Array.from(curve.thresholds.slice(1)), [0.9, 0.8, 0.6, 0.4, 0.35, 0.2, 0.1, 0.05]);
    assert.deepEqual(Array.from(curve.tpr), [0, 0.2, 0.4, 0.6, 0.8, 1, 1, 1, 1]);
    assert.deepEqual(Array.from(curve.fpr), [0, 0, 0, 0, 0.4, 0.4, 0.6, 0.8, 1]);
  });

  it('agrees with the Mann–Whitney U reference on 500 samples with heavy ties', (t) => {
    if (!needNumpy(t)) return;
    for (const seed of [1, 2, 3]) {
      const { labels, scores } = randomCase(500, seed);
      close(rocAuc(labels, scores), reference<number>({ task: 'auc', labels, scores }));
      const expected = reference<{ fpr: number[]; tpr: number[]; thresholds: number[] }>({
        task: 'roc',
        labels,
        scores,
      });
      const curve = rocCurve(labels, scores);
      assert.deepEqual(Array.from(curve.thresholds.slice(1)), expected.thresholds);
      assert.deepEqual(Array.from(curve.fpr), expected.fpr);
      assert.deepEqual(Array.from(curve.tpr), expected.tpr);
    }
  });

  it('accepts tensors and booleans, and names bad input', () => {
    const auc = tf.tidy(() => rocAuc(tf.tensor1d(LABELS), tf.tensor2d(SCORES, [10, 1])));
    assert.equal(auc, 22 / 25);
    assert.equal(
      rocAuc(
        LABELS.map((y) => y === 1),
        SCORES,
      ),
      22 / 25,
    );
    assert.throws(
      () => rocAuc([1, 1], [0.2, 0.3]),
      (e: unknown) => e instanceof MetricsError && /only positives/.test(e.message),
    );
    assert.throws(() => rocAuc([0, 2], [0.2, 0.3]), /rocAuc: labels\[1\] is 2/);
    assert.throws(() => rocAuc([0, 1], [0.2]), /2 labels but 1 scores/);
    assert.throws(() => rocAuc([0, 1], [0.2, NaN]), /scores\[1\] is NaN/);
  });

  it('displays a table and a ROC view with JSON-safe thresholds', () => {
    const bundle = rocCurve(LABELS, SCORES)[DISPLAY]() as MimeBundle;
    const view = bundle[MIME.metrics] as RocView;
    assert.equal(view.kind, 'roc');
    assert.equal(view.curves[0].thresholds[0], null);
    assert.equal(view.curves[0].auc, 0.88);
    assert.deepEqual(JSON.parse(JSON.stringify(view)), view);
    assert.match(bundle[MIME.html] as string, /<table[^>]*>.*<td>0\.8800<\/td>/);
    assert.match(bundle[MIME.text] as string, /AUC\s+positives/);
  });

  it('carries the bootstrap interval and marked thresholds into its table and view', () => {
    const { labels, scores } = randomCase(200, 4);
    const youden = youdenThreshold(labels, scores);
    const curve = rocCurve(labels, scores, { ci: { seed: 3, resamples: 500 } }).mark(youden);
    const interval = bootstrapAuc(labels, scores, { seed: 3, resamples: 500 });
    const view = curve[DISPLAY]()[MIME.metrics] as RocView;
    assert.deepEqual(view.curves[0].ci, [interval.lower, interval.upper]);
    assert.deepEqual(view.operatingPoints?.[0], {
      label: `all at ${youden.threshold}`,
      threshold: youden.threshold,
      fpr: 1 - youden.specificity,
      tpr: youden.sensitivity,
    });
    const point = view.operatingPoints?.[0];
    assert.ok(
      view.curves[0].fpr.some((f, i) => f === point?.fpr && view.curves[0].tpr[i] === point?.tpr),
      'the mark lies on the curve',
    );
    assert.match(curve[DISPLAY]()[MIME.text] as string, /95 % CI/);
  });
});

describe('one-vs-rest ROC for multi-class outputs', () => {
  it('gives each class its own curve (that class against the rest) and the macro AUC', () => {
    const labels = [0, 0, 1, 1, 2, 2];
    const probs = [
      [0.8, 0.1, 0.1],
      [0.3, 0.6, 0.1],
      [0.2, 0.7, 0.1],
      [0.5, 0.4, 0.1],
      [0.1, 0.2, 0.7],
      [0.3, 0.3, 0.4],
    ];
    const tensor = tf.tensor2d(probs);
    const roc = rocOneVsRest(labels, tensor, ['normal', 'bacterial', 'viral']);
    tensor.dispose();
    roc.curves.forEach((curve, c) => {
      const expected = rocAuc(
        labels.map((y) => (y === c ? 1 : 0)),
        probs.map((row) => row[c]),
      );
      close(curve.auc, expected, 1e-7);
    });
    // Class 0: positives .8, .3 against .2 .5 .1 .3 → (4 + 2.5) / 8; class 1: .7, .4 against .1 .6 .2 .3 → (4 + 3) / 8; class 2: 1.
    close(roc.macroAuc, (6.5 / 8 + 7 / 8 + 1) / 3, 1e-7);
    const view = roc[DISPLAY]()[MIME.metrics] as RocView;
    assert.deepEqual(
      view.curves.map((c) => c.label),
      ['normal', 'bacterial', 'viral'],
    );
    assert.throws(() => rocOneVsRest([0, 1], [0.5, 0.5]), /probabilities must be \[2, classes\]/);
  });
});

describe('bootstrap confidence interval of the AUC', () => {
  const { labels, scores } = randomCase(300, 7);

  it('is reproducible for a seed, brackets the AUC, and has the width the Hanley–McNeil error predicts', () => {
    const a = bootstrapAuc(labels, scores, { seed: 11 });
    const b = bootstrapAuc(labels, scores, { seed: 11 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(bootstrapAuc(labels, scores, { seed: 12 }).lower, a.lower);
    assert.ok(a.lower < a.auc && a.auc < a.upper);
    const p = labels.filter((y) => y === 1).length;
    const n = labels.length - p;
    const A = a.auc;
    const q1 = A / (2 - A);
    const q2 = (2 * A * A) / (1 + A);
    const se = Math.sqrt((A * (1 - A) + (p - 1) * (q1 - A * A) + (n - 1) * (q2 - A * A)) / (p * n));
    const ratio = (a.upper - a.lower) / (2 * 1.96 * se);
    assert.ok(ratio > 0.8 && ratio < 1.25, `bootstrap width / normal width = ${ratio}`);
  });

  it('stratified resampling never skips; plain resampling of a tiny set skips one-class resamples', () => {
    const tinyLabels = [1, 0, 0, 0, 0, 0, 0, 0];
    const tinyScores = [0.9, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.95];
    const plain = bootstrapAuc(tinyLabels, tinyScores, { resamples: 500 });
    assert.ok(plain.skipped > 100, `skipped ${plain.skipped}`);
    assert.equal(plain.resamples + plain.skipped, 500);
    const stratified = bootstrapAuc(tinyLabels, tinyScores, { resamples: 500, stratified: true });
    assert.equal(stratified.skipped, 0);
    // The one positive (0.9) is always drawn: the AUC only moves with how often the 0.95 negative is drawn.
    assert.ok(stratified.upper <= 1 && stratified.lower >= 0.5, `[${stratified.lower}, ${stratified.upper}]`);
  });
});

describe('metrics at a threshold and choosing a threshold', () => {
  it('hand case at 0.4: TP 4, FP 2, TN 3, FN 1', () => {
    const m = metricsAtThreshold(LABELS, SCORES, 0.4);
    assert.deepEqual([m.tp, m.fp, m.tn, m.fn], [4, 2, 3, 1]);
    assert.equal(m.sensitivity, 0.8);
    assert.equal(m.specificity, 0.6);
    assert.equal(m.ppv, 4 / 6);
    assert.equal(m.npv, 3 / 4);
    assert.equal(m.accuracy, 0.7);
    assert.equal(m.f1, 8 / 11);
    const c = m.confusion();
    assert.deepEqual(c.matrix, [
      [3, 2],
      [1, 4],
    ]);
  });

  it('undefined ratios are NaN, not a division error', () => {
    const m = metricsAtThreshold([0, 0, 1], [0.1, 0.2, 0.3], 0.9);
    assert.ok(Number.isNaN(m.ppv));
    assert.equal(m.npv, 2 / 3);
  });

  it('threshold for a target sensitivity is the highest one reaching it', () => {
    const m = thresholdForSensitivity(LABELS, SCORES, 0.9);
    assert.equal(m.threshold, 0.35);
    assert.equal(m.sensitivity, 1);
    assert.equal(m.specificity, 0.6);
    assert.equal(thresholdForSensitivity(LABELS, SCORES, 0.6).threshold, 0.6);
    assert.throws(() => thresholdForSensitivity(LABELS, SCORES, 1.2), /target sensitivity must be in \[0, 1\]/);
  });

  it('Youden threshold maximises sensitivity + specificity − 1', () => {
    const m = youdenThreshold(LABELS, SCORES);
    // At 0.6: sens 0.6, spec 1 → J 0.6; at 0.35: sens 1, spec 0.6 → 0.6; at 0.4: 0.8 + 0.6 − 1 = 0.4. Higher wins ties.
    assert.equal(m.threshold, 0.6);
    assert.ok(Math.abs(m.youden - 0.6) < 1e-12);
  });
});

describe('confusion matrix', () => {
  it('multi-class from labels or from per-class scores, with per-class precision/recall', () => {
    const truth = [0, 0, 1, 1, 2, 2, 2];
    const predicted = [0, 1, 1, 1, 2, 0, 2];
    const c = confusionMatrix(truth, predicted, { labels: ['normal', 'bacterial', 'viral'] });
    assert.deepEqual(c.matrix, [
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 2],
    ]);
    assert.equal(c.accuracy, 5 / 7);
    const viral = c.perClass()[2];
    assert.deepEqual([viral.precision, viral.recall, viral.support], [1, 2 / 3, 3]);
    const probs = tf.tensor2d(predicted.map((k) => [0, 1, 2].map((j) => (j === k ? 0.8 : 0.1))));
    assert.deepEqual(confusionMatrix(truth, probs).matrix, c.matrix);
    probs.dispose();
    const view = c[DISPLAY]()[MIME.metrics] as ConfusionView;
    assert.deepEqual(view.labels, ['normal', 'bacterial', 'viral']);
    assert.throws(() => confusionMatrix([0, 3], [0, 1], { labels: ['a', 'b'] }), /class 3 found but only 2 labels/);
  });
});

describe('precision–recall and average precision', () => {
  it('hand case: AP sums precision at each recall step', () => {
    // Distinct thresholds 0.9, 0.8, 0.6 (P = 1 each, R .2 .4 .6), 0.4 (tp 4 fp 2 → P 2/3, R .8), 0.35 (P 5/7, R 1).
    const expected = 0.6 * 1 + 0.2 * (2 / 3) + 0.2 * (5 / 7);
    close(averagePrecision(LABELS, SCORES), expected);
    const pr = precisionRecallCurve(LABELS, SCORES);
    assert.equal(pr.precision[0], 1);
    assert.equal(pr.recall[0], 0);
    assert.equal(pr.prevalence, 0.5);
  });

  it('agrees with the NumPy reference', (t) => {
    if (!needNumpy(t)) return;
    const { labels, scores } = randomCase(400, 5);
    close(averagePrecision(labels, scores), reference<number>({ task: 'ap', labels, scores }));
  });
});

describe('calibration', () => {
  it('hand case: two bins', () => {
    // Bin [0, .5): p .1 .2 .3, y 0 0 1 → |1/3 − .2| · 3/5; bin [.5, 1]: p .5 1, y 1 1 → |1 − .75| · 2/5.
    const c = calibration([0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.5, 1], { bins: 2 });
    close(c.ece, (3 / 5) * Math.abs(1 / 3 - 0.2) + (2 / 5) * 0.25);
    close(c.brier, (0.01 + 0.04 + 0.49 + 0.25 + 0) / 5);
    assert.deepEqual(
      c.bins.map((b) => b.count),
      [3, 2],
    );
  });

  it('agrees with the NumPy reference (equal-width bins, edges on bin boundaries)', (t) => {
    if (!needNumpy(t)) return;
    const random = seededRandom(9);
    // Values on 0.05 steps put many probabilities exactly on the 10-bin edges.
    const probs = Array.from({ length: 600 }, () => Math.round(random() * 20) / 20);
    const labels = probs.map((p) => (random() < p * 0.8 + 0.1 ? 1 : 0));
    const expected = reference<{ ece: number; brier: number; count: number[]; fractionPositive: (number | null)[] }>({
      task: 'calibration',
      labels,
      probs,
      bins: 10,
    });
    const c = calibration(labels, probs);
    assert.deepEqual(
      c.bins.map((b) => b.count),
      expected.count,
    );
    close(c.ece, expected.ece);
    close(c.brier, expected.brier);
    c.bins.forEach((b, i) =>
      b.fractionPositive === null
        ? assert.equal(expected.fractionPositive[i], null)
        : close(b.fractionPositive, expected.fractionPositive[i] as number),
    );
    const view = c[DISPLAY]()[MIME.metrics] as CalibrationView;
    assert.equal(view.kind, 'calibration');
    assert.equal(view.bins.length, 10);
  });

  it('multi-class: top-label confidence against correctness, multi-class Brier', () => {
    const probs = tf.tensor2d([
      [0.7, 0.2, 0.1],
      [0.1, 0.6, 0.3],
      [0.2, 0.2, 0.6],
    ]);
    const c = calibration([0, 2, 2], probs, { bins: 2 });
    probs.dispose();
    assert.equal(c.mode, 'top-label');
    // All confidences in [.5, 1]: mean .633…, accuracy 2/3. The tensor holds float32: 1e-6.
    close(c.ece, Math.abs(2 / 3 - (0.7 + 0.6 + 0.6) / 3), 1e-6);
    close(c.brier, (0.09 + 0.04 + 0.01 + (0.01 + 0.36 + 0.49) + (0.04 + 0.04 + 0.16)) / 3, 1e-6);
    assert.throws(() => calibration([0, 1], [0.5, 1.5]), /probabilities\[1\] is 1.5, outside \[0, 1\]/);
  });
});
