// Turns metric results into MIME bundles: plain text and a small HTML table for any notebook, plus the
// JSON view (src/common/metricsViews.ts) for radnb's metrics renderer.
import { MIME, type MimeBundle } from '../../common/display';
import { escapeHtml } from '../../common/escapeHtml';
import type { MetricsView, TableView } from '../../common/metricsViews';

export type Cell = string | number | null;

/** Numbers as people read them in a table: 4 significant decimals, "—" for undefined. */
export function formatCell(value: Cell): string {
  if (value === null || (typeof value === 'number' && Number.isNaN(value))) return '—';
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1000 || Math.abs(value) < 1e-3 ? value.toPrecision(4) : value.toFixed(4);
}

/** JSON cannot hold NaN or ±Infinity: they become null. */
export function jsonNumber(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export function tableText(table: TableView): string {
  const cells = [table.columns, ...table.rows.map((row) => row.map(formatCell))];
  const widths = table.columns.map((_, c) => Math.max(...cells.map((row) => String(row[c]).length)));
  const lines = cells.map((row) =>
    row
      .map((cell, c) => String(cell).padEnd(widths[c]))
      .join('  ')
      .trimEnd(),
  );
  return [table.title, ...lines, ...(table.notes ?? [])].filter((l) => l !== undefined).join('\n');
}

export function tableHtml(table: TableView): string {
  const head = table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = table.rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(formatCell(cell))}</td>`).join('')}</tr>`)
    .join('');
  const caption = table.title === undefined ? '' : `<caption>${escapeHtml(table.title)}</caption>`;
  const notes = (table.notes ?? []).map((n) => `<p>${escapeHtml(n)}</p>`).join('');
  return `<table class="radnb-metrics">${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${notes}`;
}

/** The bundle of a metric result: its summary table as text and HTML, and the renderer's view when
 *  the result is a curve or matrix (`view`), else the table itself. */
export function metricsBundle(table: TableView, view?: MetricsView): MimeBundle {
  return {
    [MIME.metrics]: view ?? table,
    [MIME.html]: tableHtml(table),
    [MIME.text]: tableText(table),
  };
}
