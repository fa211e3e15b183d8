// plotly figures (training curves): plotly.js is loaded on first use from its minified dist, copied beside
// this bundle by esbuild.js. A live figure (layout.meta.radnbLive) is replaced many times while training runs:
// the same plot is updated with Plotly.react instead of being rebuilt, and a Stop button interrupts the kernel.
import { h } from './dom';
import type { RenderedOutput, RendererHost } from './view';

export interface Figure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown> & { meta?: Record<string, unknown> };
  config?: Record<string, unknown>;
}

/** The part of plotly.js this view uses. */
interface PlotlyStatic {
  react(
    root: HTMLElement,
    data: Figure['data'],
    layout?: Figure['layout'],
    config?: Figure['config'],
  ): Promise<HTMLElement>;
  purge(root: HTMLElement): void;
  Plots: { resize(root: HTMLElement): void };
}

let plotly: Promise<PlotlyStatic> | undefined;

/** plotly's dist is a UMD script, not an ES module: imported, it exports nothing and sets window.Plotly. */
function loadPlotly(): Promise<PlotlyStatic> {
  plotly ??= import(new URL('./plotly.min.js', import.meta.url).href).then(() => {
    const loaded = (globalThis as { Plotly?: PlotlyStatic }).Plotly;
    if (loaded === undefined) throw new Error('plotly.min.js did not define Plotly');
    return loaded;
  });
  return plotly;
}

function themeColor(element: HTMLElement, variable: string, fallback: string): string {
  return getComputedStyle(element).getPropertyValue(variable).trim() || fallback;
}

/** The figure's own layout wins; radnb only fills in theme colours and a responsive width. */
function themedLayout(figure: Figure, element: HTMLElement): Record<string, unknown> {
  const foreground = themeColor(element, '--vscode-foreground', '#333');
  const grid = themeColor(element, '--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  const layout = figure.layout ?? {};
  const axes = Object.fromEntries(
    Object.entries(layout)
      .filter(([key]) => /^[xy]axis\d*$/.test(key))
      .map(([key, value]) => [key, { gridcolor: grid, zerolinecolor: grid, ...(value as object) }]),
  );
  return {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    autosize: true,
    ...layout,
    font: { color: foreground, ...(layout.font as object) },
    xaxis: { gridcolor: grid, zerolinecolor: grid, ...(layout.xaxis as object) },
    yaxis: { gridcolor: grid, zerolinecolor: grid, ...(layout.yaxis as object) },
    ...axes,
  };
}

export interface PlotlyOutput extends RenderedOutput {
  readonly kind: 'plotly';
  update(figure: Figure): Promise<void>;
}

function isPlotlyOutput(output: RenderedOutput | undefined): output is PlotlyOutput {
  return (output as PlotlyOutput | undefined)?.kind === 'plotly';
}

export async function renderPlotly(
  json: unknown,
  element: HTMLElement,
  host: RendererHost,
  previous: RenderedOutput | undefined,
): Promise<RenderedOutput> {
  const figure = json as Figure;
  if (!figure || !Array.isArray(figure.data)) throw new Error('plotly figure: "data" must be an array of traces');
  if (isPlotlyOutput(previous) && element.querySelector('.radnb-plotly')) {
    await previous.update(figure);
    return previous;
  }
  const Plotly = await loadPlotly();
  const plot = h('div', { class: 'radnb-plotly' });
  const stop = h('button', { type: 'button', class: 'radnb-stop' }, 'Stop');
  const live = h(
    'div',
    { class: 'radnb-live', hidden: true },
    h('span', {}, 'Training…'),
    host.interrupt ? stop : undefined,
  );
  stop.addEventListener('click', () => {
    host.interrupt?.();
    stop.disabled = true;
    stop.textContent = 'Stopping…';
  });
  element.replaceChildren(live, plot);
  const resizeObserver = new ResizeObserver(() => Plotly.Plots.resize(plot));
  const output: PlotlyOutput = {
    kind: 'plotly',
    async update(next: Figure): Promise<void> {
      live.hidden = next.layout?.meta?.radnbLive !== true;
      await Plotly.react(plot, next.data, themedLayout(next, element), {
        responsive: true,
        displaylogo: false,
        ...next.config,
      });
    },
    dispose(): void {
      resizeObserver.disconnect();
      Plotly.purge(plot);
    },
  };
  await output.update(figure);
  resizeObserver.observe(plot);
  return output;
}
