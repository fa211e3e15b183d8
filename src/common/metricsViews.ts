// The JSON shape of `application/vnd.radnb.metrics+json` outputs: what the metrics renderer draws.
// Every number is finite or null (JSON has no Infinity/NaN): null means "not defined" (e.g. precision
// with no predicted positives) or, for a curve's first threshold, "above every score".

/** Confusion matrix: `matrix[t][p]` counts samples of true class `t` predicted as class `p`. */
export interface ConfusionView {
  kind: 'confusion';
  title?: string;
  /** Class names, in the order of the matrix rows and columns. */
  labels: string[];
  matrix: number[][];
}

export interface RocCurveView {
  /** Legend label, e.g. "all" or a subgroup name. */
  label: string;
  fpr: number[];
  tpr: number[];
  /** Score threshold of each point (score ≥ threshold → positive); the first one is null: nothing positive. */
  thresholds: (number | null)[];
  auc: number;
  /** Bootstrap 95 % confidence interval of the AUC, when computed. */
  ci?: [number, number];
}

/** A chosen threshold marked on a curve. */
export interface OperatingPointView {
  label: string;
  threshold: number;
  /** ROC coordinates. */
  fpr: number;
  tpr: number;
}

/** One or more ROC curves on the same axes (e.g. one per subgroup). */
export interface RocView {
  kind: 'roc';
  title?: string;
  curves: RocCurveView[];
  operatingPoints?: OperatingPointView[];
}

export interface PrCurveView {
  label: string;
  /** Decreasing thresholds; recall rises from 0 to 1 along the curve. */
  recall: number[];
  precision: number[];
  thresholds: (number | null)[];
  averagePrecision: number;
  /** Fraction of positives: the precision of a classifier that guesses. */
  prevalence: number;
}

export interface PrView {
  kind: 'pr';
  title?: string;
  curves: PrCurveView[];
}

export interface CalibrationBinView {
  /** Bin edges on the predicted-probability axis: [lower, upper), the last bin includes 1. */
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability in the bin; null when the bin is empty. */
  meanPredicted: number | null;
  /** Observed frequency of the event: fraction of positives (binary), or of correct predictions (top-label). */
  fractionPositive: number | null;
}

/** Reliability diagram: bars of observed frequency against mean prediction per bin, and the summaries. */
export interface CalibrationView {
  kind: 'calibration';
  title?: string;
  bins: CalibrationBinView[];
  /** Expected calibration error over the equal-width bins. */
  ece: number;
  /** Brier score (mean squared error of the probabilities). */
  brier: number;
}

/** A small table: one row per metric, subgroup or step. */
export interface TableView {
  kind: 'table';
  title?: string;
  columns: string[];
  rows: (string | number | null)[][];
  /** Short notes shown under the table (e.g. the disparity summary of a bias audit). */
  notes?: string[];
}

export type MetricsView = ConfusionView | RocView | PrView | CalibrationView | TableView;
