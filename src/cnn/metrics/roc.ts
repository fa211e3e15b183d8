// ROC curve and its area (ties count one half, see ranking.ts), optionally with the bootstrap 95 %
// interval of the AUC and chosen operating points marked on the curve.
import { DISPLAY, type MimeBundle } from '../../common/display';
import { type AucInterval, type BootstrapOptions, bootstrapAuc } from './bootstrap';
import { jsonNumber, metricsBundle } from './display';
import { binaryInputs, type BinaryLabels, type NumericInput } from './inputs';
import { cumulativeCounts, rankScores, weightedAuc } from './ranking';
import type { ThresholdMetrics } from './threshold';
import type { RocView, TableView } from '../../common/metricsViews';

/** A ROC curve: point 0 is (0, 0) at threshold +Infinity (nothing called positive), then one point per
 *  distinct score, decreasing; score ≥ threshold is called positive. */
export class RocCurve {
  constructor(
    readonly fpr: Float64Array,
    readonly tpr: Float64Array,
    readonly thresholds: Float64Array,
    readonly auc: number,
    readonly positives: number,
    readonly negatives: number,
    /** Bootstrap interval of the AUC, when asked for. */
    readonly ci?: AucInterval,
    /** Thresholds marked on the curve (e.g. Youden's, or the one reaching a target sensitivity). */
    readonly marks: readonly ThresholdMetrics[] = [],
  ) {}

  /** The same curve with `points` marked on it. */
  mark(...points: ThresholdMetrics[]): RocCurve {
    return new RocCurve(this.fpr, this.tpr, this.thresholds, this.auc, this.positives, this.negatives, this.ci, [
      ...this.marks,
      ...points,
    ]);
  }

  toView(label = 'all'): RocView {
    return {
      kind: 'roc',
      title: 'ROC curve',
      curves: [
        {
          label,
          fpr: Array.from(this.fpr),
          tpr: Array.from(this.tpr),
          thresholds: Array.from(this.thresholds, jsonNumber),
          auc: this.auc,
          ...(this.ci === undefined ? {} : { ci: [this.ci.lower, this.ci.upper] as [number, number] }),
        },
      ],
      ...(this.marks.length === 0
        ? {}
        : {
            operatingPoints: this.marks.map((m) => ({
              label: `${label} at ${m.threshold}`,
              threshold: m.threshold,
              fpr: 1 - m.specificity,
              tpr: m.sensitivity,
            })),
          }),
    };
  }

  toTable(): TableView {
    const ci = this.ci;
    const pct = ci === undefined ? '' : `${Math.round(ci.level * 100)} % CI`;
    return {
      kind: 'table',
      title: 'ROC curve',
      columns: ['AUC', ...(ci === undefined ? [] : [pct]), 'positives', 'negatives'],
      rows: [
        [
          this.auc,
          ...(ci === undefined ? [] : [`${ci.lower.toFixed(4)}–${ci.upper.toFixed(4)}`]),
          this.positives,
          this.negatives,
        ],
      ],
      notes: this.marks.map(
        (m) =>
          `threshold ${m.threshold}: sensitivity ${m.sensitivity.toFixed(4)}, specificity ${m.specificity.toFixed(4)}`,
      ),
    };
  }

  [DISPLAY](): MimeBundle {
    return metricsBundle(this.toTable(), this.toView());
  }
}

export interface RocOptions {
  /** Also compute the bootstrap interval of the AUC (`true`: the defaults of bootstrapAuc). */
  ci?: boolean | BootstrapOptions;
}

export function rocCurve(labels: BinaryLabels, scores: NumericInput, options: RocOptions = {}): RocCurve {
  const { y, s } = binaryInputs('rocCurve', labels, scores);
  const ranking = rankScores(y, s);
  const { thresholds, tps, fps } = cumulativeCounts(ranking);
  const positives = tps[tps.length - 1];
  const negatives = fps[fps.length - 1];
  const n = thresholds.length + 1;
  const fpr = new Float64Array(n);
  const tpr = new Float64Array(n);
  const cut = new Float64Array(n);
  cut[0] = Infinity;
  for (let i = 1; i < n; i++) {
    fpr[i] = fps[i - 1] / negatives;
    tpr[i] = tps[i - 1] / positives;
    cut[i] = thresholds[i - 1];
  }
  const ci =
    options.ci === undefined || options.ci === false
      ? undefined
      : bootstrapAuc(y, s, options.ci === true ? {} : options.ci);
  return new RocCurve(fpr, tpr, cut, weightedAuc(ranking), positives, negatives, ci);
}

/** Area under the ROC curve (ties count one half). */
export function rocAuc(labels: BinaryLabels, scores: NumericInput): number {
  const { y, s } = binaryInputs('rocAuc', labels, scores);
  return weightedAuc(rankScores(y, s));
}
