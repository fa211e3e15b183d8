// ROC curve and its area. Tied scores form one point of the curve, so a tie between a positive and a
// negative counts one half — the Mann–Whitney U statistic, as scikit-learn's roc_auc_score computes it.
import { DISPLAY, type MimeBundle } from '../../common/display';
import { jsonNumber, metricsBundle } from './display';
import { binaryInputs, orderByDecreasing, type NumericInput } from './inputs';
import type { RocView, TableView } from './views';

export type BinaryLabels = NumericInput | ArrayLike<boolean>;

/** Samples sorted by decreasing score, cut into groups of equal score: the walk every curve makes. */
export interface ScoreRanking {
  y: Uint8Array;
  s: Float64Array;
  order: Uint32Array;
  /** Start of each group of tied scores in `order`, plus `order.length` at the end. */
  groupStarts: Uint32Array;
}

export function rankScores(y: Uint8Array, s: Float64Array): ScoreRanking {
  const order = orderByDecreasing(s);
  const starts: number[] = [];
  for (let i = 0; i < order.length; i++) if (i === 0 || s[order[i]] !== s[order[i - 1]]) starts.push(i);
  starts.push(order.length);
  return { y, s, order, groupStarts: Uint32Array.from(starts) };
}

/** AUC of a ranking where sample i counts `weights[i]` times (a bootstrap resample); NaN with one class. */
export function weightedAuc(ranking: ScoreRanking, weights?: ArrayLike<number>): number {
  const { y, order, groupStarts } = ranking;
  let positivesAbove = 0;
  let positives = 0;
  let negatives = 0;
  let pairs = 0;
  for (let g = 0; g + 1 < groupStarts.length; g++) {
    let groupPositives = 0;
    let groupNegatives = 0;
    for (let k = groupStarts[g]; k < groupStarts[g + 1]; k++) {
      const i = order[k];
      const w = weights === undefined ? 1 : weights[i];
      if (y[i] === 1) groupPositives += w;
      else groupNegatives += w;
    }
    pairs += groupNegatives * (positivesAbove + groupPositives / 2);
    positivesAbove += groupPositives;
    positives += groupPositives;
    negatives += groupNegatives;
  }
  return pairs / (positives * negatives);
}

/** Cumulative true and false positives at each distinct threshold, highest threshold first. */
export function cumulativeCounts(ranking: ScoreRanking): { thresholds: Float64Array; tps: Float64Array; fps: Float64Array } {
  const { y, s, order, groupStarts } = ranking;
  const points = groupStarts.length - 1;
  const thresholds = new Float64Array(points);
  const tps = new Float64Array(points);
  const fps = new Float64Array(points);
  let tp = 0;
  let fp = 0;
  for (let g = 0; g < points; g++) {
    for (let k = groupStarts[g]; k < groupStarts[g + 1]; k++) {
      if (y[order[k]] === 1) tp++;
      else fp++;
    }
    thresholds[g] = s[order[groupStarts[g]]];
    tps[g] = tp;
    fps[g] = fp;
  }
  return { thresholds, tps, fps };
}

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
  ) {}

  toView(label = 'all', ci?: [number, number]): RocView {
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
          ...(ci === undefined ? {} : { ci }),
        },
      ],
    };
  }

  toTable(): TableView {
    return {
      kind: 'table',
      title: 'ROC curve',
      columns: ['AUC', 'positives', 'negatives', 'points'],
      rows: [[this.auc, this.positives, this.negatives, this.fpr.length]],
    };
  }

  [DISPLAY](): MimeBundle {
    return metricsBundle(this.toTable(), this.toView());
  }
}

export function rocCurve(labels: BinaryLabels, scores: NumericInput): RocCurve {
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
  return new RocCurve(fpr, tpr, cut, weightedAuc(ranking), positives, negatives);
}

/** Area under the ROC curve (ties count one half). */
export function rocAuc(labels: BinaryLabels, scores: NumericInput): number {
  const { y, s } = binaryInputs('rocAuc', labels, scores);
  return weightedAuc(rankScores(y, s));
}
