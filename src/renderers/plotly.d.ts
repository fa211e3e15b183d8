// The part of plotly.js radnb's renderer uses (plotly.js-dist-min ships no types).
declare module 'plotly.js-dist-min' {
  export interface Figure {
    data: Record<string, unknown>[];
    layout?: Record<string, unknown> & { meta?: Record<string, unknown> };
    config?: Record<string, unknown>;
  }
  export interface PlotlyStatic {
    react(root: HTMLElement, data: Figure['data'], layout?: Figure['layout'], config?: Figure['config']): Promise<HTMLElement>;
    purge(root: HTMLElement): void;
    Plots: { resize(root: HTMLElement): void };
  }
  const Plotly: PlotlyStatic;
  export default Plotly;
}
