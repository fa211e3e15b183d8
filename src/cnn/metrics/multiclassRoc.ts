// One-vs-rest ROC for multi-class outputs (e.g. normal / bacterial / viral pneumonia): one curve per class
// (that class against all others, scored by its probability) and the macro average of the AUCs — what
// scikit-learn's roc_auc_score(multi_class='ovr', average='macro') reports.
import { DISPLAY, type MimeBundle } from '../../common/display';
import { metricsBundle } from './display';
import { MetricsError } from './errors';
import { classLabels, shapeOf, toValues, type NumericInput } from './inputs';
import { type RocCurve, rocCurve } from './roc';
import type { RocView, TableView } from '../../common/metricsViews';

export class MulticlassRoc {
  constructor(
    readonly labels: string[],
    readonly curves: RocCurve[],
  ) {}

  /** Unweighted mean of the per-class AUCs. */
  get macroAuc(): number {
    return this.curves.reduce((sum, c) => sum + c.auc, 0) / this.curves.length;
  }

  toView(): RocView {
    return {
      kind: 'roc',
      title: `ROC one-vs-rest — macro AUC ${this.macroAuc.toFixed(4)}`,
      curves: this.curves.flatMap((c, k) => c.toView(this.labels[k]).curves),
    };
  }

  toTable(): TableView {
    return {
      kind: 'table',
      title: 'ROC one-vs-rest',
      columns: ['class', 'AUC', 'positives', 'negatives'],
      rows: [
        ...this.curves.map((c, k) => [this.labels[k], c.auc, c.positives, c.negatives]),
        ['macro average', this.macroAuc, null, null],
      ],
    };
  }

  [DISPLAY](): MimeBundle {
    return metricsBundle(this.toTable(), this.toView());
  }
}

/** `probabilities` is n × k (a rank-2 tensor, or `{ shape, dataSync }`); `labels` are class indices. */
export function rocOneVsRest(labels: NumericInput, probabilities: NumericInput, classNames?: string[]): MulticlassRoc {
  const metric = 'rocOneVsRest';
  const y = classLabels(metric, 'labels', labels);
  const shape = shapeOf(probabilities);
  if (shape.length !== 2 || shape[0] !== y.length) {
    throw new MetricsError(metric, `probabilities must be [${y.length}, classes], got [${shape.join(', ')}]`);
  }
  const k = shape[1];
  if (classNames !== undefined && classNames.length !== k)
    throw new MetricsError(metric, `${classNames.length} class names for ${k} classes`);
  const p = toValues(metric, 'probabilities', probabilities);
  const curves = Array.from({ length: k }, (_, c) => {
    const scores = Float64Array.from(y, (_, i) => p[i * k + c]);
    try {
      return rocCurve(
        Uint8Array.from(y, (v) => (v === c ? 1 : 0)),
        scores,
      );
    } catch (error) {
      if (error instanceof MetricsError) throw new MetricsError(metric, `class ${c}: ${error.message}`);
      throw error;
    }
  });
  return new MulticlassRoc(classNames ?? curves.map((_, c) => String(c)), curves);
}
