// Precision–recall curve and average precision, as scikit-learn defines them: AP = Σ (Rₙ − Rₙ₋₁)·Pₙ over
// the distinct thresholds (a step function, no interpolation). With rare positives (most findings in
// radiology) the PR curve shows what the ROC curve hides: how many alarms are false.
import { DISPLAY, type MimeBundle } from '../../common/display';
import { jsonNumber, metricsBundle } from './display';
import { binaryInputs, type BinaryLabels, type NumericInput } from './inputs';
import { cumulativeCounts, rankScores } from './ranking';
import type { PrView, TableView } from '../../common/metricsViews';

/** Point 0 is (recall 0, precision 1) at threshold +Infinity, then one point per distinct score, decreasing. */
export class PrecisionRecallCurve {
  constructor(
    readonly recall: Float64Array,
    readonly precision: Float64Array,
    readonly thresholds: Float64Array,
    readonly averagePrecision: number,
    readonly prevalence: number,
  ) {}

  toView(label = 'all'): PrView {
    return {
      kind: 'pr',
      title: 'Precision–recall curve',
      curves: [
        {
          label,
          recall: Array.from(this.recall),
          precision: Array.from(this.precision),
          thresholds: Array.from(this.thresholds, jsonNumber),
          averagePrecision: this.averagePrecision,
          prevalence: this.prevalence,
        },
      ],
    };
  }

  toTable(): TableView {
    return {
      kind: 'table',
      title: 'Precision–recall curve',
      columns: ['average precision', 'prevalence', 'points'],
      rows: [[this.averagePrecision, this.prevalence, this.recall.length]],
    };
  }

  [DISPLAY](): MimeBundle {
    return metricsBundle(this.toTable(), this.toView());
  }
}

export function precisionRecallCurve(labels: BinaryLabels, scores: NumericInput): PrecisionRecallCurve {
  const { y, s } = binaryInputs('precisionRecallCurve', labels, scores);
  const { thresholds, tps, fps } = cumulativeCounts(rankScores(y, s));
  const positives = tps[tps.length - 1];
  const n = thresholds.length + 1;
  const recall = new Float64Array(n);
  const precision = new Float64Array(n);
  const cut = new Float64Array(n);
  precision[0] = 1;
  cut[0] = Infinity;
  let ap = 0;
  for (let i = 1; i < n; i++) {
    recall[i] = tps[i - 1] / positives;
    precision[i] = tps[i - 1] / (tps[i - 1] + fps[i - 1]);
    cut[i] = thresholds[i - 1];
    ap += (recall[i] - recall[i - 1]) * precision[i];
  }
  return new PrecisionRecallCurve(recall, precision, cut, ap, positives / y.length);
}

export function averagePrecision(labels: BinaryLabels, scores: NumericInput): number {
  return precisionRecallCurve(labels, scores).averagePrecision;
}
