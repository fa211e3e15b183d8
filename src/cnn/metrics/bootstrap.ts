// Bootstrap confidence interval of the ROC AUC (percentile method): resample the cases with replacement,
// recompute the AUC, take the central quantiles. Stratified resampling keeps the number of positives and
// negatives fixed, so every resample has both classes (useful with few positives).
import { DISPLAY, type MimeBundle } from '../../common/display';
import { MetricsError } from './errors';
import { metricsBundle } from './display';
import { binaryInputs, type BinaryLabels, type NumericInput } from './inputs';
import { seededRandom } from '../../common/random';
import { quantileSorted } from './quantile';
import { rankScores, weightedAuc } from './ranking';
import type { TableView } from '../../common/metricsViews';

export interface BootstrapOptions {
  /** Number of resamples. Default 2000. */
  resamples?: number;
  /** Seed of the resampling: the same seed gives the same interval. Default 0. */
  seed?: number;
  /** Resample positives and negatives separately. Default false. */
  stratified?: boolean;
  /** Coverage of the interval. Default 0.95. */
  level?: number;
}

export class AucInterval {
  constructor(
    readonly auc: number,
    readonly lower: number,
    readonly upper: number,
    readonly level: number,
    /** Resamples that had both classes and entered the interval. */
    readonly resamples: number,
    /** Resamples left out because they held one class only (never with `stratified`). */
    readonly skipped: number,
  ) {}

  toTable(): TableView {
    const pct = Math.round(this.level * 100);
    return {
      kind: 'table',
      title: 'ROC AUC',
      columns: ['AUC', `${pct} % CI lower`, `${pct} % CI upper`, 'resamples'],
      rows: [[this.auc, this.lower, this.upper, this.resamples]],
      notes: this.skipped > 0 ? [`${this.skipped} resamples with one class only were left out`] : undefined,
    };
  }

  [DISPLAY](): MimeBundle {
    return metricsBundle(this.toTable());
  }
}

export function bootstrapAuc(labels: BinaryLabels, scores: NumericInput, options: BootstrapOptions = {}): AucInterval {
  const metric = 'bootstrapAuc';
  const { resamples = 2000, seed = 0, stratified = false, level = 0.95 } = options;
  if (!Number.isInteger(resamples) || resamples < 1)
    throw new MetricsError(metric, `resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new MetricsError(metric, `level must be in (0, 1), got ${level}`);
  const { y, s } = binaryInputs(metric, labels, scores);
  const ranking = rankScores(y, s);
  const random = seededRandom(seed);
  const n = y.length;
  const positives = Uint32Array.from(y.keys()).filter((i) => y[i] === 1);
  const negatives = Uint32Array.from(y.keys()).filter((i) => y[i] === 0);
  const weights = new Float64Array(n);
  const drawInto = (pool: Uint32Array): void => {
    for (let k = 0; k < pool.length; k++) weights[pool[Math.floor(random() * pool.length)]]++;
  };
  const all = Uint32Array.from(y.keys());
  const aucs: number[] = [];
  for (let r = 0; r < resamples; r++) {
    weights.fill(0);
    if (stratified) {
      drawInto(positives);
      drawInto(negatives);
    } else {
      drawInto(all);
    }
    const auc = weightedAuc(ranking, weights);
    if (!Number.isNaN(auc)) aucs.push(auc);
  }
  if (aucs.length === 0) throw new MetricsError(metric, 'no resample had both classes; use { stratified: true }');
  aucs.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return new AucInterval(
    weightedAuc(ranking),
    quantileSorted(aucs, tail),
    quantileSorted(aucs, 1 - tail),
    level,
    aucs.length,
    resamples - aucs.length,
  );
}
