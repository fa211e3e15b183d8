// Live training curves: a plotly figure shown once in the running cell's output and replaced as training
// goes (at most every `throttleMs`), with `layout.meta.radnbLive` true while training runs (the renderer
// then offers Stop) and false in the final update. Train loss/metrics per batch and per epoch,
// validation per epoch; the text/plain part is a one-line summary for plain-text front ends.
import { DISPLAY, MIME } from '../common/display';
import type { DisplayHandle, DisplayHost, MimeBundle } from '../common/display';
import { plotlyBundle, type PlotlyFigure, type PlotlyTrace } from '../display/plotly';

/** Per-batch series are thinned to at most this many points so that long runs stay small to send. */
const MAX_BATCH_POINTS = 2000;

const isLoss = (name: string) => /loss$/.test(name);

export class TrainingCurves {
  private readonly batchSeries = new Map<string, { x: number[]; y: number[] }>();
  private readonly epochSeries = new Map<string, { x: number[]; y: number[] }>();
  private handle: DisplayHandle | undefined;
  private lastShown = -Infinity;
  private status = '';

  constructor(
    private readonly host: DisplayHost | undefined,
    private readonly title: string,
    private readonly throttleMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  /** Train logs after a batch; `epochPosition` is fractional (epoch 2, half way: 2.5). */
  addBatch(epochPosition: number, logs: Record<string, number>, status: string): void {
    for (const [name, value] of Object.entries(logs)) {
      if (name === 'batch' || name === 'size') continue;
      const series = this.series(this.batchSeries, name);
      series.x.push(epochPosition);
      series.y.push(value);
      if (series.x.length > MAX_BATCH_POINTS) {
        series.x = series.x.filter((_, i) => i % 2 === 0);
        series.y = series.y.filter((_, i) => i % 2 === 0);
        this.batchSeries.set(name, series);
      }
    }
    this.status = status;
    this.show(false);
  }

  /** Epoch averages of the train logs and the validation logs (`val_*`), at the end of epoch `epoch` (1-based position). */
  addEpoch(epochEnd: number, logs: Record<string, number>, status: string): void {
    for (const [name, value] of Object.entries(logs)) {
      const series = this.series(this.epochSeries, name);
      series.x.push(epochEnd);
      series.y.push(value);
    }
    this.status = status;
    this.show(false);
  }

  /** The final update: always sent, and marks the figure as no longer live. */
  finish(status: string): void {
    this.status = status;
    this.show(true);
  }

  figure(live: boolean): PlotlyFigure {
    const data: PlotlyTrace[] = [];
    for (const [name, s] of this.batchSeries) {
      data.push({
        name: `${name} (batch)`,
        x: s.x,
        y: s.y,
        type: 'scatter',
        mode: 'lines',
        yaxis: isLoss(name) ? 'y' : 'y2',
        line: { width: 1 },
        opacity: 0.35,
      });
    }
    for (const [name, s] of this.epochSeries) {
      const validation = name.startsWith('val_');
      data.push({
        name,
        x: s.x,
        y: s.y,
        type: 'scatter',
        mode: 'lines+markers',
        yaxis: isLoss(name) ? 'y' : 'y2',
        line: validation ? { width: 2, dash: 'dot' } : { width: 2 },
      });
    }
    return {
      data,
      layout: {
        title: { text: this.title },
        xaxis: { title: { text: 'epoch' } },
        yaxis: { title: { text: 'loss' } },
        yaxis2: { title: { text: 'metric' }, overlaying: 'y', side: 'right', rangemode: 'tozero' },
        legend: { orientation: 'h' },
        meta: { radnbLive: live },
      },
    };
  }

  /** The final figure carries its PNG fallback, so that a notebook viewed without radnb (Jupyter, GitHub)
   *  shows the curves; live updates skip drawing it. */
  bundle(live: boolean): MimeBundle {
    return { ...plotlyBundle(this.figure(live), { png: !live }), [MIME.text]: `${this.title}: ${this.status}` };
  }

  private series(map: Map<string, { x: number[]; y: number[] }>, name: string): { x: number[]; y: number[] } {
    let s = map.get(name);
    if (s === undefined) map.set(name, (s = { x: [], y: [] }));
    return s;
  }

  private show(final: boolean): void {
    if (this.host === undefined) return;
    const t = this.now();
    if (!final && this.handle !== undefined && t - this.lastShown < this.throttleMs) return;
    this.lastShown = t;
    const bundle = this.bundle(!final);
    const value = { [DISPLAY]: () => bundle };
    if (this.handle === undefined) this.handle = this.host.display(value);
    else this.host.update(this.handle, value);
  }
}
