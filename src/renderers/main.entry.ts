// radnb's notebook renderer (id radnb.renderer): draws the MIME types of src/common/display.ts. Each output
// is rendered into its own root with the theme stylesheet; outputs that are replaced while live (training
// curves) reuse what is already drawn.
import type { ActivationFunction, OutputItem, RendererContext } from 'vscode-notebook-renderer';
import { MIME } from '../common/display';
import { renderDicom } from './dicomViewer';
import { errorBox } from './dom';
import { renderFeatureMaps } from './featureMapsView';
import { renderMetrics } from './metricsView';
import { renderModelSummary } from './modelView';
import { renderPlotly } from './plotlyView';
import styles from './styles.css';
import type { RenderedOutput, RendererHost } from './view';

type View = (
  item: OutputItem,
  element: HTMLElement,
  host: RendererHost,
  previous: RenderedOutput | undefined,
) => Promise<RenderedOutput>;

const VIEWS: Record<string, View> = {
  [MIME.dicom]: (item, element) => renderDicom(item.data(), element),
  [MIME.featureMaps]: (item, element) => renderFeatureMaps(item.data(), element),
  [MIME.plotly]: (item, element, host, previous) => renderPlotly(item.json(), element, host, previous),
  [MIME.metrics]: async (item, element) => renderMetrics(item.json(), element),
  [MIME.model]: async (item, element) => renderModelSummary(item.json(), element),
};

function ensureStyles(): void {
  if (document.getElementById('radnb-renderer-styles')) return;
  const style = document.createElement('style');
  style.id = 'radnb-renderer-styles';
  style.textContent = styles;
  document.head.append(style);
}

export const activate: ActivationFunction = (context: RendererContext<unknown>) => {
  ensureStyles();
  const rendered = new Map<string, { root: HTMLElement; output: RenderedOutput }>();
  const host: RendererHost = {
    interrupt: context.postMessage ? () => context.postMessage?.({ type: 'interrupt' }) : undefined,
  };
  function dispose(id: string): void {
    rendered.get(id)?.output.dispose();
    rendered.delete(id);
  }
  return {
    async renderOutputItem(item: OutputItem, element: HTMLElement, signal: AbortSignal): Promise<void> {
      const view = VIEWS[item.mime];
      const previous = rendered.get(item.id);
      // A replaced item (live update) keeps its root when the view can reuse it; otherwise start clean.
      const root = previous && element.contains(previous.root) ? previous.root : document.createElement('div');
      root.className = 'radnb-output';
      if (root.parentElement !== element) element.replaceChildren(root);
      try {
        if (!view) throw new Error(`no radnb view for ${item.mime}`);
        const output = await view(item, root, host, previous?.output);
        if (previous && previous.output !== output) previous.output.dispose();
        if (signal.aborted) {
          output.dispose();
          return;
        }
        rendered.set(item.id, { root, output });
      } catch (err) {
        dispose(item.id);
        root.replaceChildren(errorBox(`radnb could not show this output: ${(err as Error).message}`));
      }
    },
    disposeOutputItem(id?: string): void {
      if (id === undefined) [...rendered.keys()].forEach(dispose);
      else dispose(id);
    },
  };
};
