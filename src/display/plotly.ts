// plotly figure outputs (training curves and other charts): the figure JSON for radnb's renderer, a PNG of
// its line traces for viewers without plotly, and a text line with the last value of each trace.
import { MIME, type MimeBundle } from '../common/display';
import { type LineTrace, lineChartPng } from './lineChartPng';

export interface PlotlyTrace {
  type?: string;
  name?: string;
  x?: number[];
  y?: number[];
  yaxis?: string;
  [key: string]: unknown;
}

export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout?: Record<string, unknown> & { title?: unknown; meta?: Record<string, unknown> };
  config?: Record<string, unknown>;
}

export interface PlotlyBundleOptions {
  /** Draw the PNG fallback (default true). Live updates skip it and add it to the final figure only. */
  png?: boolean;
}

const isLine = (t: PlotlyTrace): t is PlotlyTrace & { y: number[] } =>
  (t.type === undefined || t.type === 'scatter' || t.type === 'scattergl') && Array.isArray(t.y);

export function plotlyText(figure: PlotlyFigure): string {
  const title =
    typeof figure.layout?.title === 'string'
      ? figure.layout.title
      : (figure.layout?.title as { text?: string } | undefined)?.text;
  const last = figure.data.filter(isLine).map((t) => {
    const y = t.y[t.y.length - 1];
    return `${t.name ?? 'trace'} ${y === undefined ? '–' : Number(y.toPrecision(4))}`;
  });
  return [title ?? 'Chart', ...last].join(' · ');
}

export function plotlyBundle(figure: PlotlyFigure, options: PlotlyBundleOptions = {}): MimeBundle {
  const bundle: MimeBundle = { [MIME.plotly]: figure, [MIME.text]: plotlyText(figure) };
  const lines: LineTrace[] = figure.data.filter(isLine);
  if ((options.png ?? true) && lines.some((t) => t.y.length > 0)) bundle[MIME.png] = lineChartPng(lines);
  return bundle;
}
