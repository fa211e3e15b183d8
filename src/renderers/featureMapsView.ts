// Feature maps: a layer picker over all conv layers of the output, a grid of the chosen layer's channels
// in a colour map (channel and range on hover/focus, click or Enter to enlarge), and the first layer's filters.
import { decodeFeatureMapsPayload, type FeatureMapsLayerHeader } from '../common/featureMapsPayload';
import { type ColormapName, COLORMAPS, colormapLut } from '../common/colormaps';
import { formatNumber, h } from './dom';
import { inflate } from './inflate';
import type { RenderedOutput } from './view';

function channelCanvas(
  levels: Uint8Array,
  offset: number,
  width: number,
  height: number,
  colors: 1 | 3,
  lut: Uint32Array,
): HTMLCanvasElement {
  const canvas = h('canvas', { width, height });
  const context = canvas.getContext('2d');
  if (!context) return canvas;
  const image = context.createImageData(width, height);
  const out = new Uint32Array(image.data.buffer);
  for (let i = 0; i < width * height; i++) {
    const j = offset + i * colors;
    out[i] =
      colors === 3 ? (0xff000000 | (levels[j + 2] << 16) | (levels[j + 1] << 8) | levels[j]) >>> 0 : lut[levels[j]];
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

export async function renderFeatureMaps(bytes: Uint8Array, element: HTMLElement): Promise<RenderedOutput> {
  const { header, layers, filters } = await decodeFeatureMapsPayload(bytes, inflate);
  let colormap: ColormapName = 'viridis';
  let layerIndex = 0;

  const layerSelect = h(
    'select',
    { class: 'radnb-fmaps-layer', 'aria-label': 'Layer' },
    ...header.layers.map((l, i) => h('option', { value: i }, `${l.name} — ${l.height}×${l.width}×${l.channels}`)),
  );
  const colormapSelect = h(
    'select',
    { 'aria-label': 'Colour map' },
    ...COLORMAPS.map((name) => h('option', { value: name, selected: name === colormap }, name)),
  );
  const status = h('div', { class: 'radnb-fmaps-status', 'aria-live': 'polite' });
  const grid = h('div', { class: 'radnb-fmaps-grid', role: 'list' });
  const large = h('figure', { class: 'radnb-fmaps-large', hidden: true });

  function describe(layer: FeatureMapsLayerHeader, c: number): string {
    const [min, max] = layer.ranges[c];
    return `${layer.name} channel ${c} — range ${formatNumber(min)} … ${formatNumber(max)}`;
  }
  function enlarge(layer: FeatureMapsLayerHeader, c: number): void {
    const canvas = channelCanvas(
      layers[layerIndex],
      c * layer.height * layer.width,
      layer.width,
      layer.height,
      1,
      colormapLut(colormap),
    );
    canvas.setAttribute('aria-label', describe(layer, c));
    large.replaceChildren(canvas, h('figcaption', {}, describe(layer, c)));
    large.hidden = false;
  }
  function showLayer(): void {
    const layer = header.layers[layerIndex];
    const lut = colormapLut(colormap);
    const size = layer.height * layer.width;
    grid.style.setProperty('--radnb-tile', `${Math.max(40, Math.min(96, layer.width * 2))}px`);
    large.hidden = true;
    grid.replaceChildren(
      ...layer.ranges.map((_, c) => {
        const tile = h(
          'div',
          { class: 'radnb-fmaps-tile', role: 'listitem', tabindex: 0, 'data-channel': c, title: describe(layer, c) },
          channelCanvas(layers[layerIndex], c * size, layer.width, layer.height, 1, lut),
        );
        const hover = (): void => {
          status.textContent = describe(layer, c);
        };
        tile.addEventListener('pointerenter', hover);
        tile.addEventListener('focus', hover);
        tile.addEventListener('click', () => enlarge(layer, c));
        tile.addEventListener('keydown', (event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            enlarge(layer, c);
          }
        });
        return tile;
      }),
    );
    status.textContent = `${layer.name}: ${layer.channels} channels, each normalised to its own range`;
  }
  layerSelect.addEventListener('change', () => {
    layerIndex = Number(layerSelect.value);
    showLayer();
  });
  colormapSelect.addEventListener('change', () => {
    colormap = colormapSelect.value as ColormapName;
    showLayer();
  });

  let filterPanel: HTMLElement | undefined;
  if (header.filters && filters) {
    const f = header.filters;
    const per = f.kernelHeight * f.kernelWidth * f.displayChannels;
    filterPanel = h(
      'details',
      { class: 'radnb-fmaps-filters-panel', open: true },
      h('summary', {}, `Filters of ${f.layer} (${f.outChannels} × ${f.kernelHeight}×${f.kernelWidth}×${f.inChannels})`),
      h(
        'div',
        { class: 'radnb-fmaps-filters' },
        ...Array.from({ length: f.outChannels }, (_, o) => {
          const canvas = channelCanvas(
            filters,
            o * per,
            f.kernelWidth,
            f.kernelHeight,
            f.displayChannels,
            colormapLut('grey'),
          );
          canvas.title = `filter ${o}`;
          return canvas;
        }),
      ),
    );
  }

  element.replaceChildren(
    h(
      'div',
      { class: 'radnb-fmaps' },
      header.title ? h('div', { class: 'radnb-title' }, header.title) : undefined,
      h('div', { class: 'radnb-toolbar' }, layerSelect, colormapSelect),
      status,
      large,
      grid,
      filterPanel,
    ),
  );
  showLayer();
  return { dispose(): void {} };
}
