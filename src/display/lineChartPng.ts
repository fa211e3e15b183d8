// Draws the line traces of a plotly figure into an RGB PNG without a canvas package: the fallback image
// saved next to a training-curve figure, so notebooks on GitHub or in Jupyter still show the curves.
// One panel per y axis (loss and accuracy have different scales), min/max labels in a 3×5 digit font.
import { encodePng } from '../common/png';

export interface LineTrace {
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
  /** plotly axis id: 'y', 'y2', … */
  yaxis?: string;
}

type Rgb = [number, number, number];

// plotly's default trace colours, so the PNG matches the interactive plot.
const COLORS: Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
];
const GLYPHS: Record<string, string> = {
  '0': '111101101101111',
  '1': '010110010010111',
  '2': '111001111100111',
  '3': '111001111001111',
  '4': '101101111001001',
  '5': '111100111001111',
  '6': '111100111101111',
  '7': '111001001001001',
  '8': '111101111101111',
  '9': '111101111001111',
  '.': '000000000000010',
  '-': '000000111000000',
  e: '000111111100111',
};

const WIDTH = 640;
const PANEL_HEIGHT = 180;
const MARGIN = { left: 64, right: 16, top: 12, bottom: 28 };

class Raster {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height * 3).fill(255);
  }
  dot(x: number, y: number, c: Rgb): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    this.pixels.set(c, (yi * this.width + xi) * 3);
  }
  /** A 2-pixel-wide line: sampled densely enough to leave no gaps. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb): void {
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2));
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      this.dot(x, y, c);
      this.dot(x + 1, y, c);
      this.dot(x, y + 1, c);
    }
  }
  text(x: number, y: number, value: string, c: Rgb, alignRight = false): void {
    const scale = 2;
    const advance = 4 * scale;
    let cx = alignRight ? x - value.length * advance : x;
    for (const ch of value) {
      const glyph = GLYPHS[ch];
      if (glyph) {
        for (let i = 0; i < 15; i++) {
          if (glyph[i] !== '1') continue;
          for (let dy = 0; dy < scale; dy++)
            for (let dx = 0; dx < scale; dx++)
              this.dot(cx + (i % 3) * scale + dx, y + Math.floor(i / 3) * scale + dy, c);
        }
      }
      cx += advance;
    }
  }
}

function label(v: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  return abs >= 1e4 || abs < 1e-3 ? v.toExponential(1).replace('+', '') : String(Number(v.toPrecision(3)));
}

function finiteRange(values: number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/** Renders traces (at least one point each is not required; empty traces are skipped) as a PNG. */
export function lineChartPng(traces: LineTrace[]): Buffer {
  const axes = [...new Set(traces.map((t) => t.yaxis ?? 'y'))].sort();
  const xOf = (t: LineTrace, i: number): number => (t.x ? t.x[i] : i + 1);
  const [xMin, xMax] = finiteRange(traces.flatMap((t) => Array.from({ length: t.y.length }, (_, i) => xOf(t, i))));
  const raster = new Raster(WIDTH, Math.max(1, axes.length) * PANEL_HEIGHT);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const axisColor: Rgb = [120, 120, 120];
  axes.forEach((axis, p) => {
    const top = p * PANEL_HEIGHT + MARGIN.top;
    const bottom = (p + 1) * PANEL_HEIGHT - MARGIN.bottom;
    const panel = traces.filter((t) => (t.yaxis ?? 'y') === axis);
    const [yMin, yMax] = finiteRange(panel.flatMap((t) => Array.from(t.y)));
    const px = (x: number): number => MARGIN.left + ((x - xMin) / (xMax - xMin)) * plotW;
    const py = (y: number): number => bottom - ((y - yMin) / (yMax - yMin)) * (bottom - top);
    raster.line(MARGIN.left, top, MARGIN.left, bottom, axisColor);
    raster.line(MARGIN.left, bottom, WIDTH - MARGIN.right, bottom, axisColor);
    raster.text(MARGIN.left - 6, top, label(yMax), axisColor, true);
    raster.text(MARGIN.left - 6, bottom - 10, label(yMin), axisColor, true);
    raster.text(MARGIN.left, bottom + 8, label(xMin), axisColor);
    raster.text(WIDTH - MARGIN.right, bottom + 8, label(xMax), axisColor, true);
    for (const trace of panel) {
      const color = COLORS[traces.indexOf(trace) % COLORS.length];
      let previous: [number, number] | undefined;
      for (let i = 0; i < trace.y.length; i++) {
        const x = xOf(trace, i);
        const y = trace.y[i];
        if (!Number.isFinite(x) || !Number.isFinite(y)) {
          previous = undefined;
          continue;
        }
        const point: [number, number] = [px(x), py(y)];
        if (previous) raster.line(previous[0], previous[1], point[0], point[1], color);
        else raster.dot(point[0], point[1], color);
        previous = point;
      }
    }
  });
  return encodePng(raster.pixels, raster.width, raster.height, 3);
}
