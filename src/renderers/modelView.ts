// Model summary view: one row per layer with its type, output shape and parameters, and the totals.
import { formatShape, type ModelSummaryView } from '../common/modelSummaryView';
import { h } from './dom';
import type { RenderedOutput } from './view';

export function renderModelSummary(json: unknown, element: HTMLElement): RenderedOutput {
  const view = json as ModelSummaryView;
  if (!view || !Array.isArray(view.layers)) throw new Error('model summary: "layers" is missing');
  const count = (n: number): string => n.toLocaleString('en-US');
  element.replaceChildren(
    h(
      'div',
      { class: 'radnb-model' },
      h(
        'table',
        {},
        h('caption', {}, `Model: ${String(view.name ?? '')}`),
        h(
          'thead',
          {},
          h('tr', {}, h('th', {}, 'Layer'), h('th', {}, 'Type'), h('th', {}, 'Output shape'), h('th', {}, 'Params')),
        ),
        h(
          'tbody',
          {},
          ...view.layers.map((l) =>
            h(
              'tr',
              { class: l.trainable ? undefined : 'radnb-frozen' },
              h('td', {}, String(l.name)),
              h('td', {}, String(l.className)),
              h('td', {}, formatShape(l.outputShape)),
              h('td', { class: 'num' }, count(l.params)),
            ),
          ),
        ),
        h(
          'tfoot',
          {},
          h('tr', {}, h('th', { colspan: 3 }, 'Total params'), h('td', { class: 'num' }, count(view.totalParams))),
          h(
            'tr',
            {},
            h('th', { colspan: 3 }, 'Trainable params'),
            h('td', { class: 'num' }, count(view.trainableParams)),
          ),
          h(
            'tr',
            {},
            h('th', { colspan: 3 }, 'Non-trainable params'),
            h('td', { class: 'num' }, count(view.totalParams - view.trainableParams)),
          ),
        ),
      ),
    ),
  );
  return { dispose(): void {} };
}
