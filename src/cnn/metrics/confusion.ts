// Confusion matrix of class predictions (binary or multi-class) with per-class precision, recall and F1.
import { DISPLAY, type MimeBundle } from '../../common/display';
import { metricsBundle } from './display';
import { MetricsError } from './errors';
import { classLabels, shapeOf, toValues, type NumericInput } from './inputs';
import type { ConfusionView, TableView } from '../../common/metricsViews';

export interface ClassScores {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of samples of this true class. */
  support: number;
}

export class ConfusionMatrix {
  /** `matrix[t][p]`: samples of true class t predicted as p. */
  constructor(
    readonly matrix: number[][],
    readonly labels: string[],
  ) {}

  get total(): number {
    return this.matrix.reduce((n, row) => n + row.reduce((a, b) => a + b, 0), 0);
  }

  get accuracy(): number {
    return this.matrix.reduce((n, row, i) => n + row[i], 0) / this.total;
  }

  perClass(): ClassScores[] {
    return this.labels.map((label, k) => {
      const tp = this.matrix[k][k];
      const support = this.matrix[k].reduce((a, b) => a + b, 0);
      const predicted = this.matrix.reduce((n, row) => n + row[k], 0);
      const precision = predicted === 0 ? NaN : tp / predicted;
      const recall = support === 0 ? NaN : tp / support;
      const f1 = predicted + support === 0 ? NaN : (2 * tp) / (predicted + support);
      return { label, precision, recall, f1, support };
    });
  }

  toView(): ConfusionView {
    return {
      kind: 'confusion',
      title: 'Confusion matrix (rows: true class, columns: predicted)',
      labels: this.labels,
      matrix: this.matrix,
    };
  }

  toTable(): TableView {
    return {
      kind: 'table',
      title: `Confusion matrix — accuracy ${this.accuracy.toFixed(4)}`,
      columns: ['true \\ predicted', ...this.labels],
      rows: this.matrix.map((row, t) => [this.labels[t], ...row]),
    };
  }

  [DISPLAY](): MimeBundle {
    return metricsBundle(this.toTable(), this.toView());
  }
}

export interface ConfusionOptions {
  /** Class names; their number fixes the number of classes. Default "0", "1", … up to the largest label. */
  labels?: string[];
}

/** Index of the largest value in each row of an n × k matrix given flat. */
function argmaxRows(values: Float64Array, k: number): Int32Array {
  return Int32Array.from({ length: values.length / k }, (_, r) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (values[r * k + c] > values[r * k + best]) best = c;
    return best;
  });
}

/** `predicted` holds class indices, or per-class scores (a rank-2 tensor n × k) whose argmax is taken. */
export function confusionMatrix(
  truth: NumericInput,
  predicted: NumericInput,
  options: ConfusionOptions = {},
): ConfusionMatrix {
  const metric = 'confusionMatrix';
  const t = classLabels(metric, 'truth', truth);
  const shape = shapeOf(predicted);
  const p =
    shape.length === 2
      ? argmaxRows(toValues(metric, 'predicted', predicted), shape[1])
      : classLabels(metric, 'predicted', predicted);
  if (t.length !== p.length) throw new MetricsError(metric, `${t.length} true labels but ${p.length} predictions`);
  // A loop, not Math.max(...t): spreading a large array overflows the call stack.
  const largest = [t, p].reduce((m, xs) => xs.reduce((a, b) => Math.max(a, b), m), 0);
  const classes = options.labels?.length ?? Math.max(2, largest + 1);
  if (largest >= classes) throw new MetricsError(metric, `class ${largest} found but only ${classes} labels given`);
  const labels = options.labels ?? Array.from({ length: classes }, (_, k) => String(k));
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < t.length; i++) matrix[t[i]][p[i]]++;
  return new ConfusionMatrix(matrix, labels);
}
