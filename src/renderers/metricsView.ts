// Metric views (application/vnd.radnb.metrics+json): confusion matrix, ROC with AUC, precision–recall,
// calibration (reliability curve) and per-class tables. The shapes are read defensively — a curve may
// come as one series ({fpr, tpr, auc}) or several ({curves: [...]}) — and anything unknown is an error
// message, never a crash.
import { type ChartSeries, lineChart } from './chart';
import { formatNumber, h } from './dom';
import type { RenderedOutput } from './view';

type Json = Record<string, unknown>;

const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
const text = (v: unknown): string => (typeof v === 'number' ? formatNumber(v) : v === null || v === undefined ? '' : String(v));

class MetricsShapeError extends Error {}

function numbers(obj: Json, key: string, kind: string): number[] {
  const v = obj[key];
  if (!isNumbers(v)) throw new MetricsShapeError(`${kind} view: "${key}" must be an array of numbers`);
  return v;
}

/** The curves of a view: `curves: [{label, …}]` or the view itself as the only curve. */
function curvesOf(view: Json): Json[] {
  return Array.isArray(view.curves) ? (view.curves as Json[]) : [view];
}

function withScore(label: string, name: string, value: unknown, ci: unknown): string {
  if (typeof value !== 'number') return label;
  const interval = isNumbers(ci) && ci.length === 2 ? ` (95% CI ${formatNumber(ci[0])}–${formatNumber(ci[1])})` : '';
  return `${label} ${name} = ${formatNumber(value)}${interval}`.trim();
}

function rocView(view: Json): Node {
  const series: ChartSeries[] = curvesOf(view).map((c, i) => ({
    label: withScore(text(c.label ?? (i === 0 ? '' : `curve ${i + 1}`)), 'AUC', c.auc, c.aucCI ?? c.ci),
    x: numbers(c, 'fpr', 'roc'),
    y: numbers(c, 'tpr', 'roc'),
  }));
  return lineChart({ title: text(view.title ?? 'ROC curve'), xLabel: 'False positive rate (1 − specificity)', yLabel: 'True positive rate (sensitivity)', series, diagonal: true });
}

function prView(view: Json): Node {
  const series: ChartSeries[] = curvesOf(view).map((c, i) => ({
    label: withScore(text(c.label ?? (i === 0 ? '' : `curve ${i + 1}`)), 'AP', c.averagePrecision ?? c.ap, undefined),
    x: numbers(c, 'recall', 'pr'),
    y: numbers(c, 'precision', 'pr'),
  }));
  return lineChart({ title: text(view.title ?? 'Precision–recall curve'), xLabel: 'Recall (sensitivity)', yLabel: 'Precision (PPV)', series });
}

function calibrationView(view: Json): Node {
  let x: number[];
  let y: number[];
  if (Array.isArray(view.bins)) {
    const bins = (view.bins as Json[]).filter((b) => typeof b.meanPredicted === 'number' && typeof b.fractionPositive === 'number');
    x = bins.map((b) => b.meanPredicted as number);
    y = bins.map((b) => b.fractionPositive as number);
  } else {
    x = numbers(view, 'meanPredicted', 'calibration');
    y = numbers(view, 'fractionPositive', 'calibration');
  }
  const scores = [
    typeof view.ece === 'number' ? `ECE = ${formatNumber(view.ece)}` : '',
    typeof view.brier === 'number' ? `Brier = ${formatNumber(view.brier)}` : '',
  ].filter(Boolean).join(', ');
  return lineChart({
    title: text(view.title ?? 'Calibration (reliability curve)') + (scores ? ` — ${scores}` : ''),
    xLabel: 'Mean predicted probability',
    yLabel: 'Fraction of positives',
    series: [{ label: 'model', x, y, markers: true }],
    diagonal: true,
  });
}

function confusionView(view: Json): Node {
  const matrix = view.matrix;
  if (!Array.isArray(matrix) || !matrix.every(isNumbers)) throw new MetricsShapeError('confusion view: "matrix" must be rows of numbers');
  const labels = Array.isArray(view.labels) ? view.labels.map(text) : matrix.map((_, i) => String(i));
  const max = Math.max(1, ...matrix.flat());
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  return h('table', { class: 'radnb-confusion' },
    h('caption', {}, text(view.title ?? 'Confusion matrix (rows: actual, columns: predicted)')),
    h('thead', {}, h('tr', {}, h('th', {}, 'actual \\ predicted'), ...labels.map((l) => h('th', {}, l)))),
    h('tbody', {}, ...matrix.map((row, r) =>
      h('tr', {}, h('th', {}, labels[r] ?? String(r)), ...row.map((count, c) => {
        const cell = h('td', { class: 'num', title: `${formatNumber((100 * count) / Math.max(total, 1))}% of all` }, String(count));
        // Shade by count with the accent colour; text stays readable because the shade is translucent.
        cell.style.background = `color-mix(in srgb, var(--radnb-accent) ${Math.round((60 * count) / max)}%, transparent)`;
        if (r === c) cell.style.fontWeight = '600';
        return cell;
      })))));
}

function tableView(view: Json): Node {
  const columns = Array.isArray(view.columns) ? view.columns.map(text) : [];
  const rows = Array.isArray(view.rows) ? (view.rows as unknown[]) : undefined;
  if (!rows || !rows.every(Array.isArray)) throw new MetricsShapeError('table view: "rows" must be an array of rows');
  return h('table', { class: 'radnb-metrics-table' },
    view.title ? h('caption', {}, text(view.title)) : undefined,
    h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', {}, c)))),
    h('tbody', {}, ...(rows as unknown[][]).map((row) =>
      h('tr', {}, ...row.map((v) => h('td', { class: typeof v === 'number' ? 'num' : undefined }, text(v)))))));
}

const VIEWS: Record<string, (view: Json) => Node> = {
  roc: rocView,
  pr: prView,
  calibration: calibrationView,
  confusion: confusionView,
  table: tableView,
};

export function renderMetrics(json: unknown, element: HTMLElement): RenderedOutput {
  const views = Array.isArray(json) ? json : [json];
  const parts = views.map((view) => {
    const kind = typeof view === 'object' && view !== null ? (view as Json).kind : undefined;
    const draw = typeof kind === 'string' ? VIEWS[kind] : undefined;
    if (!draw) throw new MetricsShapeError(`unknown metrics view kind ${JSON.stringify(kind)}`);
    return h('div', { class: kind === 'confusion' || kind === 'table' ? 'radnb-metrics' : 'radnb-chart radnb-metrics', 'data-kind': String(kind) }, draw(view as Json));
  });
  element.replaceChildren(h('div', { class: 'radnb-metrics-list' }, ...parts));
  return { dispose(): void {} };
}
