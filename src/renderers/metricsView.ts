// Metric views (application/vnd.radnb.metrics+json, shapes in src/common/metricsViews.ts): confusion matrix,
// ROC curves with AUC and operating points, precision–recall with the guessing baseline, reliability
// diagram, tables. A payload that does not match is reported as a message, never drawn half-way.
import type { CalibrationView, ConfusionView, MetricsView, PrView, RocView, TableView } from '../common/metricsViews';
import { lineChart } from './chart';
import { formatNumber, h } from './dom';
import type { RenderedOutput } from './view';

const text = (v: unknown): string =>
  typeof v === 'number' ? formatNumber(v) : v === null || v === undefined ? '' : String(v);

class MetricsShapeError extends Error {}

function requireArray<T>(value: T[] | undefined, what: string): T[] {
  if (!Array.isArray(value)) throw new MetricsShapeError(`${what} must be an array`);
  return value;
}

function withScore(label: string, name: string, value: number, ci?: [number, number]): string {
  const interval = ci ? ` (95% CI ${formatNumber(ci[0])}–${formatNumber(ci[1])})` : '';
  return `${label} ${name} = ${formatNumber(value)}${interval}`.trim();
}

function rocView(view: RocView): Node {
  return lineChart({
    title: view.title ?? 'ROC curve',
    xLabel: 'False positive rate (1 − specificity)',
    yLabel: 'True positive rate (sensitivity)',
    series: requireArray(view.curves, 'roc view: "curves"').map((c) => ({
      label: withScore(text(c.label), 'AUC', c.auc, c.ci),
      x: requireArray(c.fpr, 'roc curve: "fpr"'),
      y: requireArray(c.tpr, 'roc curve: "tpr"'),
    })),
    diagonal: true,
    points: view.operatingPoints?.map((p) => ({
      label: `${p.label} (t = ${formatNumber(p.threshold)})`,
      x: p.fpr,
      y: p.tpr,
    })),
  });
}

function prView(view: PrView): Node {
  const curves = requireArray(view.curves, 'pr view: "curves"');
  return lineChart({
    title: view.title ?? 'Precision–recall curve',
    xLabel: 'Recall (sensitivity)',
    yLabel: 'Precision (PPV)',
    series: curves.map((c) => ({
      label: withScore(text(c.label), 'AP', c.averagePrecision),
      x: requireArray(c.recall, 'pr curve: "recall"'),
      y: requireArray(c.precision, 'pr curve: "precision"'),
    })),
    baseline:
      curves.length === 1 && typeof curves[0].prevalence === 'number'
        ? { y: curves[0].prevalence, label: `guessing (prevalence ${formatNumber(curves[0].prevalence)})` }
        : undefined,
  });
}

function calibrationView(view: CalibrationView): Node {
  // Empty bins have no mean prediction: they are left out of the curve.
  const bins = requireArray(view.bins, 'calibration view: "bins"').filter(
    (b) => b.meanPredicted !== null && b.fractionPositive !== null,
  );
  return lineChart({
    title: `${view.title ?? 'Calibration (reliability)'} — ECE = ${formatNumber(view.ece)}, Brier = ${formatNumber(view.brier)}`,
    xLabel: 'Mean predicted probability',
    yLabel: 'Observed frequency',
    series: [
      {
        label: `${bins.reduce((n, b) => n + b.count, 0)} samples`,
        x: bins.map((b) => b.meanPredicted as number),
        y: bins.map((b) => b.fractionPositive as number),
        markers: true,
      },
    ],
    diagonal: true,
  });
}

function confusionView(view: ConfusionView): Node {
  const matrix = requireArray(view.matrix, 'confusion view: "matrix"');
  const labels = view.labels ?? matrix.map((_, i) => String(i));
  const max = Math.max(1, ...matrix.flat());
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  return h(
    'table',
    { class: 'radnb-confusion' },
    h('caption', {}, view.title ?? 'Confusion matrix (rows: actual, columns: predicted)'),
    h('thead', {}, h('tr', {}, h('th', {}, 'actual \\ predicted'), ...labels.map((l) => h('th', {}, text(l))))),
    h(
      'tbody',
      {},
      ...matrix.map((row, r) =>
        h(
          'tr',
          {},
          h('th', {}, text(labels[r] ?? r)),
          ...requireArray(row, 'confusion view: matrix row').map((count, c) => {
            const cell = h(
              'td',
              { class: 'num', title: `${formatNumber((100 * count) / Math.max(total, 1))}% of all` },
              String(count),
            );
            // Shade by count with the accent colour; translucent so the text stays readable in every theme.
            cell.style.background = `color-mix(in srgb, var(--radnb-accent) ${Math.round((60 * count) / max)}%, transparent)`;
            if (r === c) cell.style.fontWeight = '600';
            return cell;
          }),
        ),
      ),
    ),
  );
}

function tableView(view: TableView): Node {
  const rows = requireArray(view.rows, 'table view: "rows"');
  return h(
    'div',
    {},
    h(
      'table',
      { class: 'radnb-metrics-table' },
      view.title ? h('caption', {}, view.title) : undefined,
      h(
        'thead',
        {},
        h('tr', {}, ...requireArray(view.columns, 'table view: "columns"').map((c) => h('th', {}, text(c)))),
      ),
      h(
        'tbody',
        {},
        ...rows.map((row) =>
          h(
            'tr',
            {},
            ...requireArray(row, 'table view: row').map((v) =>
              h('td', { class: typeof v === 'number' ? 'num' : undefined }, v === null ? '—' : text(v)),
            ),
          ),
        ),
      ),
    ),
    ...(view.notes ?? []).map((note) => h('p', { class: 'radnb-note' }, text(note))),
  );
}

function draw(view: MetricsView): Node {
  switch (view.kind) {
    case 'roc':
      return rocView(view);
    case 'pr':
      return prView(view);
    case 'calibration':
      return calibrationView(view);
    case 'confusion':
      return confusionView(view);
    case 'table':
      return tableView(view);
    default:
      throw new MetricsShapeError(`unknown metrics view kind ${JSON.stringify((view as { kind?: unknown }).kind)}`);
  }
}

/** Draws one view or a list of views side by side. */
export function renderMetrics(json: unknown, element: HTMLElement): RenderedOutput {
  const views = (Array.isArray(json) ? json : [json]) as MetricsView[];
  const parts = views.map((view) => {
    const chart = view.kind === 'roc' || view.kind === 'pr' || view.kind === 'calibration';
    return h(
      'div',
      { class: chart ? 'radnb-chart radnb-metrics' : 'radnb-metrics', 'data-kind': String(view.kind) },
      draw(view),
    );
  });
  element.replaceChildren(h('div', { class: 'radnb-metrics-list' }, ...parts));
  return { dispose(): void {} };
}
