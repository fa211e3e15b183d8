// Samples ranked by decreasing score and cut into groups of tied scores: the walk that the ROC curve, its
// area (a tie between a positive and a negative counts one half — the Mann–Whitney U statistic, as
// scikit-learn's roc_auc_score computes it), the bootstrap and the precision–recall curve all make.
import { orderByDecreasing } from './inputs';

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
export function cumulativeCounts(ranking: ScoreRanking): {
  thresholds: Float64Array;
  tps: Float64Array;
  fps: Float64Array;
} {
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
