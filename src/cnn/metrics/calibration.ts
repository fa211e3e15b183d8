// Calibration: do predicted probabilities match observed frequencies? Equal-width bins on [0, 1] (a value
// on an inner edge goes to the upper bin, 1 to the last — NumPy's searchsorted 'right', as scikit-learn's
// calibration_curve); ECE = Σ (nᵦ / n)·|observedᵦ − meanPredictedᵦ|; Brier = mean squared error.
// Binary: probabilities of the positive class against 0/1 labels. Multi-class (n × k probabilities):
// top-label calibration (Guo et al. 2017) — confidence of the predicted class against its correctness;
// the Brier score is then the multi-class one, Σₖ (pₖ − [y = k])² averaged over samples.
import { DISPLAY, type MimeBundle } from '../../common/display';
import { metricsBundle } from './display';
import { MetricsError } from './errors';
import { classLabels, shapeOf, toValues, type NumericInput } from './inputs';
import type { CalibrationBinView, CalibrationView, TableView } from '../../common/metricsViews';

export interface CalibrationOptions {
  /** Number of equal-width bins. Default 10. */
  bins?: number;
}

export class Calibration {
  constructor(
    readonly bins: CalibrationBinView[],
    readonly ece: number,
    readonly brier: number,
    /** 'binary' or 'top-label' (multi-class). */
    readonly mode: 'binary' | 'top-label',
  ) {}

  /** The largest gap over non-empty bins (maximum calibration error). */
  get mce(): number {
    return this.bins.reduce(
      (m, b) =>
        b.count === 0 ? m : Math.max(m, Math.abs((b.fractionPositive as number) - (b.meanPredicted as number))),
      0,
    );
  }

  toView(): CalibrationView {
    return {
      kind: 'calibration',
      title: `Reliability diagram (${this.mode})`,
      bins: this.bins,
      ece: this.ece,
      brier: this.brier,
    };
  }

  toTable(): TableView {
    return {
      kind: 'table',
      title: `Calibration (${this.mode}, ${this.bins.length} equal-width bins)`,
      columns: ['ECE', 'MCE', 'Brier score'],
      rows: [[this.ece, this.mce, this.brier]],
    };
  }

  [DISPLAY](): MimeBundle {
    return metricsBundle(this.toTable(), this.toView());
  }
}

/** Bin of probability p among `bins` equal-width bins, with edges i·(1/bins) as numpy.linspace makes them. */
function binOf(p: number, bins: number): number {
  const step = 1 / bins;
  let b = 0;
  while (b < bins - 1 && p >= (b + 1) * step) b++;
  return b;
}

function binned(
  confidence: Float64Array,
  event: Float64Array,
  bins: number,
): { bins: CalibrationBinView[]; ece: number } {
  const count = new Float64Array(bins);
  const sumConfidence = new Float64Array(bins);
  const sumEvent = new Float64Array(bins);
  confidence.forEach((p, i) => {
    const b = binOf(p, bins);
    count[b]++;
    sumConfidence[b] += p;
    sumEvent[b] += event[i];
  });
  let ece = 0;
  const views = Array.from(count, (n, b): CalibrationBinView => {
    const meanPredicted = n === 0 ? null : sumConfidence[b] / n;
    const fractionPositive = n === 0 ? null : sumEvent[b] / n;
    if (n > 0) ece += (n / confidence.length) * Math.abs((fractionPositive as number) - (meanPredicted as number));
    return { lower: b / bins, upper: (b + 1) / bins, count: n, meanPredicted, fractionPositive };
  });
  return { bins: views, ece };
}

export function calibration(
  labels: NumericInput,
  probabilities: NumericInput,
  options: CalibrationOptions = {},
): Calibration {
  const metric = 'calibration';
  const bins = options.bins ?? 10;
  if (!Number.isInteger(bins) || bins < 1)
    throw new MetricsError(metric, `bins must be a positive integer, got ${bins}`);
  const y = classLabels(metric, 'labels', labels);
  const p = toValues(metric, 'probabilities', probabilities);
  const bad = p.findIndex((v) => v < 0 || v > 1);
  if (bad >= 0) throw new MetricsError(metric, `probabilities[${bad}] is ${p[bad]}, outside [0, 1]`);
  const shape = shapeOf(probabilities);
  const k = shape.length === 2 ? shape[1] : 1;
  if (p.length !== y.length * k)
    throw new MetricsError(metric, `${y.length} labels but probabilities of shape [${shape.join(', ')}]`);
  if (y.length === 0) throw new MetricsError(metric, 'no samples');
  if (k === 1) {
    const event = Float64Array.from(y, (v, i) => {
      if (v > 1)
        throw new MetricsError(metric, `labels[${i}] is ${v}; with one probability per sample labels must be 0 or 1`);
      return v;
    });
    const brier = p.reduce((sum, v, i) => sum + (v - event[i]) ** 2, 0) / p.length;
    const { bins: views, ece } = binned(p, event, bins);
    return new Calibration(views, ece, brier, 'binary');
  }
  const confidence = new Float64Array(y.length);
  const correct = new Float64Array(y.length);
  let brier = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] >= k) throw new MetricsError(metric, `labels[${i}] is ${y[i]} but there are ${k} classes`);
    let top = 0;
    for (let c = 0; c < k; c++) {
      const v = p[i * k + c];
      if (v > p[i * k + top]) top = c;
      brier += (v - (c === y[i] ? 1 : 0)) ** 2;
    }
    confidence[i] = p[i * k + top];
    correct[i] = top === y[i] ? 1 : 0;
  }
  const { bins: views, ece } = binned(confidence, correct, bins);
  return new Calibration(views, ece, brier / y.length, 'top-label');
}
