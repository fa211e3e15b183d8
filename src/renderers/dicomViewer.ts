// The interactive DICOM viewer: window/level (drag, presets, keys), invert, zoom/pan, slice scroll, real
// value under the cursor, scale bar, orientation labels, overlays, metadata with PHI hidden by default.
import type { ViewerMetadataEntry } from '../common/viewer';
import { openDicomPayload } from '../common/dicomPayload';
import { fullRangeWindow, isRealValued, minimumWindowWidth, type VoiWindow } from '../common/windowing';
import { COLORMAPS } from '../common/colormaps';
import { DicomRaster, type OverlayLayer, type RasterSource, valueAt } from './dicomRaster';
import { errorBox, formatNumber, h } from './dom';
import { inflate } from './inflate';
import type { RenderedOutput } from './view';

interface Preset {
  label: string;
  window: VoiWindow;
}

const CT_PRESETS: Preset[] = [
  { label: 'Brain', window: { center: 40, width: 80 } },
  { label: 'Soft tissue', window: { center: 40, width: 400 } },
  { label: 'Lung', window: { center: -600, width: 1500 } },
  { label: 'Bone', window: { center: 400, width: 1800 } },
];

const SCALE_BAR_MM = [1, 2, 5, 10, 20, 50, 100, 200, 500];
const ZOOM_STEP = 1.25;

export async function renderDicom(bytes: Uint8Array, element: HTMLElement): Promise<RenderedOutput> {
  const { header, frames, overlays } = await openDicomPayload(bytes, inflate);
  const source: RasterSource = { ...header, pixels: frames.pixels };
  const raster = new DicomRaster(source);
  const realValued = isRealValued(frames.pixels);
  const fullWindow = fullRangeWindow(
    header.storedRange[0],
    header.storedRange[1],
    header.slope,
    header.intercept,
    realValued,
  );
  const narrowestWidth = minimumWindowWidth(fullWindow, realValued);
  const initialWindow = header.window ?? fullWindow;
  const presets: Preset[] = [
    ...(header.window ? [{ label: 'File', window: header.window }] : []),
    { label: 'Full range', window: fullWindow },
    ...(header.units === 'HU' ? CT_PRESETS : []),
  ];
  const state = {
    frame: Math.floor(header.frames / 2),
    window: { ...initialWindow },
    invert: header.invert ?? false,
    zoom: 1,
    pan: { x: 0, y: 0 },
  };
  const layers: OverlayLayer[] = overlays.map(({ overlay, data }) => ({
    overlay,
    data,
    visible: true,
    opacity: overlay.opacity ?? 0.4,
    colormap: overlay.colormap ?? (overlay.kind === 'heatmap' ? 'jet' : '#ff4040'),
  }));

  // --- DOM -------------------------------------------------------------------------------------------
  const canvas = h('canvas', { class: 'radnb-dicom-canvas', width: header.columns, height: header.rows });
  const spacing = header.pixelSpacing ?? [1, 1];
  canvas.style.aspectRatio = `${header.columns * spacing[1]} / ${header.rows * spacing[0]}`;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('DICOM viewer: the webview offers no 2D canvas');
  const imageData = context.createImageData(header.columns, header.rows);
  const rgba = new Uint32Array(imageData.data.buffer);

  const readout = h('div', { class: 'radnb-dicom-readout', 'aria-live': 'polite' }, '');
  const windowLabel = h('div', { class: 'radnb-dicom-window' });
  const sliceLabel = h('div', { class: 'radnb-dicom-slice' });
  const scaleBar = h('div', { class: 'radnb-dicom-scalebar' });
  const scaleLabel = h('span', { class: 'radnb-dicom-scalebar-label' });
  const scale = h('div', { class: 'radnb-dicom-scale' }, scaleBar, scaleLabel);
  const labels = header.orientationLabels;
  const orientation = labels
    ? (['top', 'bottom', 'left', 'right'] as const).map((side) =>
        h('div', { class: `radnb-dicom-orient radnb-dicom-orient-${side}` }, labels[side]),
      )
    : [];
  const stage = h('div', { class: 'radnb-dicom-stage' }, canvas);
  const viewport = h(
    'div',
    {
      class: 'radnb-dicom-viewport',
      tabindex: 0,
      role: 'application',
      'aria-label': `${header.title ?? 'DICOM image'}: drag to change window/level, wheel or arrow keys for slices, + and - to zoom, I to invert, R to reset`,
    },
    stage,
    ...orientation,
    sliceLabel,
    windowLabel,
    readout,
    header.pixelSpacing ? scale : undefined,
  );

  const presetSelect = h(
    'select',
    { class: 'radnb-dicom-preset', 'aria-label': 'Window preset' },
    h('option', { value: '' }, 'Window…'),
    ...presets.map((p, i) =>
      h('option', { value: i }, `${p.label} (C${formatNumber(p.window.center)} W${formatNumber(p.window.width)})`),
    ),
  );
  const invertBox = h('input', { type: 'checkbox', class: 'radnb-dicom-invert', checked: state.invert });
  const zoomOut = h('button', { type: 'button', 'aria-label': 'Zoom out' }, '−');
  const zoomIn = h('button', { type: 'button', 'aria-label': 'Zoom in' }, '+');
  const reset = h('button', { type: 'button', class: 'radnb-dicom-reset' }, 'Reset');
  const slider = h('input', {
    type: 'range',
    class: 'radnb-dicom-slider',
    min: 0,
    max: header.frames - 1,
    value: state.frame,
    'aria-label': 'Slice',
  });
  const toolbar = h(
    'div',
    { class: 'radnb-toolbar' },
    presetSelect,
    h('label', {}, invertBox, 'Invert'),
    zoomOut,
    zoomIn,
    reset,
    header.frames > 1 ? slider : undefined,
  );
  const overlayPanel =
    layers.length > 0
      ? h('div', { class: 'radnb-dicom-overlays' }, ...layers.map((layer) => overlayControls(layer, schedule)))
      : undefined;
  const metadataPanel = header.metadata?.length ? metadataView(header.metadata) : undefined;
  const root = h(
    'div',
    { class: 'radnb-dicom' },
    header.title ? h('div', { class: 'radnb-title' }, header.title) : undefined,
    toolbar,
    viewport,
    overlayPanel,
    metadataPanel,
  );
  element.replaceChildren(root);

  // --- drawing -----------------------------------------------------------------------------------------
  let pending = 0;
  function draw(): void {
    pending = 0;
    sliceLabel.textContent = header.frames > 1 ? `slice ${state.frame + 1} / ${header.frames}` : '';
    slider.value = String(state.frame);
    if (!frames.isReady(state.frame)) {
      // Large volumes decode in the background; a slice the user jumps to is decoded next.
      sliceLabel.textContent += ' (decoding…)';
      frames.decode(state.frame).then(schedule, showError);
      return;
    }
    const started = performance.now();
    raster.draw(rgba, state.frame, state.window, state.invert, layers);
    context!.putImageData(imageData, 0, 0);
    // User Timing entry: lets tools (and the benchmark) read the cost of a frame without instrumenting code.
    performance.measure('radnb.dicom.frame', { start: started });
    windowLabel.textContent =
      header.samplesPerPixel === 3
        ? ''
        : `C ${formatNumber(state.window.center)}  W ${formatNumber(state.window.width)}`;
    invertBox.checked = state.invert;
  }
  function schedule(): void {
    if (!pending) pending = requestAnimationFrame(draw);
  }
  function placeStage(): void {
    stage.style.transform = `translate(${state.pan.x}px, ${state.pan.y}px) scale(${state.zoom})`;
    updateScaleBar();
  }
  function updateScaleBar(): void {
    if (!header.pixelSpacing) return;
    const cssPerPixel = (canvas.clientWidth * state.zoom) / header.columns;
    const cssPerMm = cssPerPixel / header.pixelSpacing[1];
    if (!(cssPerMm > 0)) return;
    const limit = viewport.clientWidth * 0.25;
    const mm = [...SCALE_BAR_MM].reverse().find((v) => v * cssPerMm <= limit) ?? SCALE_BAR_MM[0];
    scaleBar.style.width = `${mm * cssPerMm}px`;
    scaleLabel.textContent = mm >= 10 ? `${mm / 10} cm` : `${mm} mm`;
  }

  const setFrame = (frame: number): void => {
    state.frame = Math.max(0, Math.min(header.frames - 1, frame));
    schedule();
  };
  const setZoom = (zoom: number): void => {
    state.zoom = Math.max(0.25, Math.min(16, zoom));
    placeStage();
  };
  const setWindow = (center: number, width: number): void => {
    state.window = { center, width: Math.max(narrowestWidth, width) };
    schedule();
  };
  function resetView(): void {
    state.window = { ...initialWindow };
    state.invert = header.invert ?? false;
    state.zoom = 1;
    state.pan = { x: 0, y: 0 };
    presetSelect.value = '';
    placeStage();
    schedule();
  }

  // --- input -------------------------------------------------------------------------------------------
  const dragPerPixel = realValued ? fullWindow.width / 512 : Math.max(fullWindow.width / 512, 0.1);
  let drag:
    | { mode: 'window' | 'pan'; x: number; y: number; center: number; width: number; panX: number; panY: number }
    | undefined;
  function showValueAt(event: PointerEvent): void {
    const rect = canvas.getBoundingClientRect();
    const x = Math.floor(((event.clientX - rect.left) / rect.width) * header.columns);
    const y = Math.floor(((event.clientY - rect.top) / rect.height) * header.rows);
    if (x < 0 || y < 0 || x >= header.columns || y >= header.rows || !frames.isReady(state.frame)) {
      readout.textContent = '';
      return;
    }
    const values = valueAt(source, state.frame, x, y).map(formatNumber).join(' ');
    readout.textContent = `(${x}, ${y})  ${values}${header.units ? ` ${header.units}` : ''}`;
  }
  viewport.addEventListener('pointerdown', (event) => {
    viewport.focus();
    const mode = event.button === 0 && !event.shiftKey ? 'window' : 'pan';
    drag = { mode, x: event.clientX, y: event.clientY, ...state.window, panX: state.pan.x, panY: state.pan.y };
    viewport.setPointerCapture?.(event.pointerId);
    event.preventDefault();
  });
  viewport.addEventListener('pointermove', (event) => {
    showValueAt(event);
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (drag.mode === 'window') {
      presetSelect.value = '';
      setWindow(drag.center + dy * dragPerPixel, drag.width + dx * dragPerPixel);
    } else {
      state.pan = { x: drag.panX + dx, y: drag.panY + dy };
      placeStage();
    }
  });
  const endDrag = (): void => {
    drag = undefined;
  };
  viewport.addEventListener('pointerup', endDrag);
  viewport.addEventListener('pointercancel', endDrag);
  viewport.addEventListener('pointerleave', () => {
    if (!drag) readout.textContent = '';
  });
  viewport.addEventListener('contextmenu', (event) => event.preventDefault());
  viewport.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      const direction = Math.sign(event.deltaY);
      if (header.frames > 1 && !event.ctrlKey) setFrame(state.frame + direction);
      else setZoom(state.zoom * (direction < 0 ? ZOOM_STEP : 1 / ZOOM_STEP));
    },
    { passive: false },
  );
  viewport.addEventListener('keydown', (event) => {
    const step = event.shiftKey ? 10 : 1;
    const windowStep = dragPerPixel * 10 * step;
    const handled = ((): boolean => {
      switch (event.key) {
        case 'ArrowUp':
        case 'PageUp':
          setFrame(state.frame - step);
          return true;
        case 'ArrowDown':
        case 'PageDown':
          setFrame(state.frame + step);
          return true;
        case 'Home':
          setFrame(0);
          return true;
        case 'End':
          setFrame(header.frames - 1);
          return true;
        case 'ArrowLeft':
          setWindow(state.window.center, state.window.width - windowStep);
          return true;
        case 'ArrowRight':
          setWindow(state.window.center, state.window.width + windowStep);
          return true;
        case '[':
          setWindow(state.window.center - windowStep, state.window.width);
          return true;
        case ']':
          setWindow(state.window.center + windowStep, state.window.width);
          return true;
        case '+':
        case '=':
          setZoom(state.zoom * ZOOM_STEP);
          return true;
        case '-':
        case '_':
          setZoom(state.zoom / ZOOM_STEP);
          return true;
        case 'i':
        case 'I':
          state.invert = !state.invert;
          schedule();
          return true;
        case 'r':
        case 'R':
        case '0':
          resetView();
          return true;
        default:
          return false;
      }
    })();
    if (handled) event.preventDefault();
  });
  presetSelect.addEventListener('change', () => {
    const preset = presets[Number(presetSelect.value)];
    if (presetSelect.value !== '' && preset) setWindow(preset.window.center, preset.window.width);
  });
  invertBox.addEventListener('change', () => {
    state.invert = invertBox.checked;
    schedule();
  });
  zoomIn.addEventListener('click', () => setZoom(state.zoom * ZOOM_STEP));
  zoomOut.addEventListener('click', () => setZoom(state.zoom / ZOOM_STEP));
  reset.addEventListener('click', resetView);
  slider.addEventListener('input', () => setFrame(Number(slider.value)));

  function showError(err: unknown): void {
    root.replaceChildren(errorBox(`radnb could not decode this image: ${(err as Error).message}`));
  }

  const resizeObserver = new ResizeObserver(updateScaleBar);
  resizeObserver.observe(viewport);
  const background = new AbortController();
  await frames.decode(state.frame);
  placeStage();
  draw();
  frames
    .decodeAll(state.frame, background.signal)
    .then(() => performance.mark('radnb.dicom.decoded', { detail: { frames: header.frames } }), showError);
  return {
    dispose(): void {
      background.abort();
      resizeObserver.disconnect();
      if (pending) cancelAnimationFrame(pending);
    },
  };
}

function overlayControls(layer: OverlayLayer, redraw: () => void): HTMLElement {
  const visible = h('input', { type: 'checkbox', checked: layer.visible });
  const opacity = h('input', {
    type: 'range',
    min: 0,
    max: 100,
    value: Math.round(layer.opacity * 100),
    'aria-label': `${layer.overlay.label} opacity`,
  });
  visible.addEventListener('change', () => {
    layer.visible = visible.checked;
    redraw();
  });
  opacity.addEventListener('input', () => {
    layer.opacity = Number(opacity.value) / 100;
    redraw();
  });
  let colormap: HTMLElement | undefined;
  if (layer.overlay.kind === 'heatmap') {
    const select = h(
      'select',
      { 'aria-label': `${layer.overlay.label} colour map` },
      ...COLORMAPS.map((name) => h('option', { value: name, selected: name === layer.colormap }, name)),
    );
    select.addEventListener('change', () => {
      layer.colormap = select.value;
      redraw();
    });
    colormap = select;
  }
  return h('div', { class: 'radnb-dicom-overlay' }, h('label', {}, visible, layer.overlay.label), opacity, colormap);
}

/** Metadata table; values of PHI tags stay out of the DOM until the user asks to see them. */
function metadataView(entries: ViewerMetadataEntry[]): HTMLElement {
  const hasPhi = entries.some((e) => e.phi);
  let showPhi = false;
  const body = h('tbody');
  const toggle = h('button', { type: 'button', class: 'radnb-dicom-phi-toggle', 'aria-pressed': 'false' }, 'Show PHI');
  function fill(): void {
    body.replaceChildren(
      ...entries.map((e) =>
        h(
          'tr',
          { class: e.phi ? 'radnb-phi' : undefined },
          h('td', {}, e.tag),
          h('td', {}, e.name),
          h('td', {}, e.phi && !showPhi ? h('span', { class: 'radnb-phi-hidden' }, 'hidden (PHI)') : e.value),
        ),
      ),
    );
    toggle.textContent = showPhi ? 'Hide PHI' : 'Show PHI';
    toggle.setAttribute('aria-pressed', String(showPhi));
  }
  toggle.addEventListener('click', () => {
    showPhi = !showPhi;
    fill();
  });
  fill();
  return h(
    'details',
    { class: 'radnb-dicom-metadata' },
    h('summary', {}, `Metadata (${entries.length} tags)`),
    hasPhi ? toggle : undefined,
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Tag'), h('th', {}, 'Name'), h('th', {}, 'Value'))), body),
  );
}
