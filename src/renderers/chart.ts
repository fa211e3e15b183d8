// A small SVG line chart for metric curves (ROC, PR, calibration): no plotly needed for a few hundred
// points on a unit square. Labels are text nodes.
import { formatNumber, svg } from './dom';

export interface ChartSeries {
  label: string;
  x: number[];
  y: number[];
  /** Draw points as markers too (calibration bins). */
  markers?: boolean;
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Dashed reference line from (0,0) to (1,1): chance for ROC, perfect calibration. */
  diagonal?: boolean;
  /** Dashed horizontal reference line (the precision of guessing, at the prevalence). */
  baseline?: { y: number; label: string };
  /** Marked points with a label (operating points at chosen thresholds). */
  points?: { label: string; x: number; y: number }[];
}

const SERIES_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
const W = 360;
const H = 300;
const M = { left: 48, right: 12, top: 24, bottom: 40 };

export function lineChart(spec: LineChartSpec): SVGSVGElement {
  const px = (x: number): number => M.left + x * (W - M.left - M.right);
  const py = (y: number): number => H - M.bottom - y * (H - M.top - M.bottom);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': spec.title });
  root.append(svg('text', { x: W / 2, y: 14, 'text-anchor': 'middle' }, spec.title));
  for (const t of ticks) {
    root.append(
      svg('line', { class: 'grid', x1: px(t), x2: px(t), y1: py(0), y2: py(1) }),
      svg('line', { class: 'grid', x1: px(0), x2: px(1), y1: py(t), y2: py(t) }),
      svg('text', { x: px(t), y: py(0) + 14, 'text-anchor': 'middle' }, formatNumber(t)),
      svg('text', { x: px(0) - 4, y: py(t) + 4, 'text-anchor': 'end' }, formatNumber(t)),
    );
  }
  root.append(
    svg('line', { class: 'axis', x1: px(0), x2: px(1), y1: py(0), y2: py(0) }),
    svg('line', { class: 'axis', x1: px(0), x2: px(0), y1: py(0), y2: py(1) }),
    svg('text', { x: px(0.5), y: H - 6, 'text-anchor': 'middle' }, spec.xLabel),
    svg('text', { x: 12, y: py(0.5), 'text-anchor': 'middle', transform: `rotate(-90 12 ${py(0.5)})` }, spec.yLabel),
  );
  if (spec.diagonal)
    root.append(svg('line', { class: 'axis', x1: px(0), y1: py(0), x2: px(1), y2: py(1), 'stroke-dasharray': '4 4' }));
  if (spec.baseline) {
    const y = py(spec.baseline.y);
    root.append(
      svg('line', { class: 'axis', x1: px(0), x2: px(1), y1: y, y2: y, 'stroke-dasharray': '4 4' }),
      svg('text', { x: px(0) + 4, y: y - 4 }, spec.baseline.label),
    );
  }
  spec.series.forEach((s, k) => {
    const color = SERIES_COLORS[k % SERIES_COLORS.length];
    const points = s.x.map((x, i) => `${px(x).toFixed(1)},${py(s.y[i]).toFixed(1)}`).join(' ');
    root.append(svg('polyline', { points, fill: 'none', stroke: color, 'stroke-width': 2, 'data-series': s.label }));
    if (s.markers) s.x.forEach((x, i) => root.append(svg('circle', { cx: px(x), cy: py(s.y[i]), r: 3, fill: color })));
    root.append(
      svg('text', { x: px(1) - 4, y: py(0) - 8 - 14 * k, 'text-anchor': 'end', style: `fill: ${color}` }, s.label),
    );
  });
  for (const p of spec.points ?? []) {
    root.append(
      svg('circle', {
        class: 'radnb-operating-point',
        cx: px(p.x),
        cy: py(p.y),
        r: 4,
        fill: 'none',
        stroke: 'currentColor',
        'stroke-width': 2,
      }),
      svg('text', { x: px(p.x) + 6, y: py(p.y) + 12 }, p.label),
    );
  }
  return root;
}
