// Diagnostic accuracy at a score threshold (score ≥ threshold → positive), and the two ways clinicians
// choose a threshold: the one reaching a required sensitivity (screening), and Youden's J optimum.
import { DISPLAY, type MimeBundle } from '../../common/display';
import { ConfusionMatrix } from './confusion';
import { metricsBundle } from './display';
import { MetricsError } from './errors';
import { binaryInputs, type BinaryLabels, type NumericInput } from './inputs';
import { cumulativeCounts, rankScores } from './ranking';
import type { TableView } from '../../common/metricsViews';

/** Undefined ratios (0/0, e.g. PPV with no predicted positives) are NaN. */
function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? NaN : numerator / denominator;
}

export class ThresholdMetrics {
  readonly sensitivity: number;
  readonly specificity: number;
  /** Positive predictive value (precision). */
  readonly ppv: number;
  /** Negative predictive value. */
  readonly npv: number;
  readonly accuracy: number;
  readonly f1: number;
  readonly prevalence: number;

  constructor(
    readonly threshold: number,
    readonly tp: number,
    readonly fp: number,
    readonly tn: number,
    readonly fn: number,
  ) {
    this.sensitivity = ratio(tp, tp + fn);
    this.specificity = ratio(tn, tn + fp);
    this.ppv = ratio(tp, tp + fp);
    this.npv = ratio(tn, tn + fn);
    this.accuracy = ratio(tp + tn, tp + fp + tn + fn);
    this.f1 = ratio(2 * tp, 2 * tp + fp + fn);
    this.prevalence = ratio(tp + fn, tp + fp + tn + fn);
  }

  /** Youden's J = sensitivity + specificity − 1. */
  get youden(): number {
    return this.sensitivity + this.specificity - 1;
  }

  confusion(): ConfusionMatrix {
    return new ConfusionMatrix(
      [
        [this.tn, this.fp],
        [this.fn, this.tp],
      ],
      ['negative', 'positive'],
    );
  }

  toTable(): TableView {
    return {
      kind: 'table',
      title: `At threshold ${this.threshold}`,
      columns: ['metric', 'value'],
      rows: [
        ['sensitivity', this.sensitivity],
        ['specificity', this.specificity],
        ['PPV', this.ppv],
        ['NPV', this.npv],
        ['accuracy', this.accuracy],
        ['F1', this.f1],
        ['TP / FP / TN / FN', `${this.tp} / ${this.fp} / ${this.tn} / ${this.fn}`],
      ],
    };
  }

  [DISPLAY](): MimeBundle {
    return metricsBundle(this.toTable(), this.confusion().toView());
  }
}

export function metricsAtThreshold(labels: BinaryLabels, scores: NumericInput, threshold: number): ThresholdMetrics {
  const { y, s } = binaryInputs('metricsAtThreshold', labels, scores, { bothClasses: false });
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    const called = s[i] >= threshold;
    if (y[i] === 1) {
      if (called) tp++;
      else fn++;
    } else if (called) fp++;
    else tn++;
  }
  return new ThresholdMetrics(threshold, tp, fp, tn, fn);
}

/** Every distinct score as a threshold, highest first, with the counts it gives. */
function candidates(metric: string, labels: BinaryLabels, scores: NumericInput): ThresholdMetrics[] {
  const { y, s } = binaryInputs(metric, labels, scores);
  const { thresholds, tps, fps } = cumulativeCounts(rankScores(y, s));
  const positives = tps[tps.length - 1];
  const negatives = fps[fps.length - 1];
  return Array.from(
    thresholds,
    (t, i) => new ThresholdMetrics(t, tps[i], fps[i], negatives - fps[i], positives - tps[i]),
  );
}

/** The highest threshold whose sensitivity reaches `target` — so the best specificity among them. */
export function thresholdForSensitivity(labels: BinaryLabels, scores: NumericInput, target: number): ThresholdMetrics {
  const metric = 'thresholdForSensitivity';
  if (!(target >= 0 && target <= 1))
    throw new MetricsError(metric, `target sensitivity must be in [0, 1], got ${target}`);
  const found = candidates(metric, labels, scores).find((c) => c.sensitivity >= target);
  // The lowest score always reaches sensitivity 1, so a candidate exists for any target in [0, 1].
  return found as ThresholdMetrics;
}

/** The threshold maximising Youden's J (the higher threshold on ties). */
export function youdenThreshold(labels: BinaryLabels, scores: NumericInput): ThresholdMetrics {
  return candidates('youdenThreshold', labels, scores).reduce((best, c) => (c.youden > best.youden ? c : best));
}
