// Turns one frame of stored DICOM values into RGBA pixels for a canvas: the hot path of window/level drags
// and slice scrolling. Integer images go through a lookup table indexed by stored value (rebuilt only when
// the window changes), so a frame costs one table read per pixel.
import type { ViewerPixels } from '../common/viewer';
import type { DicomPayloadOverlay } from '../common/dicomPayload';
import { isRealValued, type VoiWindow, windowLevel } from '../common/windowing';
import { colormapLut, isColormapName, packRgba, parseHexColor } from '../common/colormaps';

export interface RasterSource {
  pixels: ViewerPixels;
  rows: number;
  columns: number;
  samplesPerPixel: 1 | 3;
  slope: number;
  intercept: number;
  storedRange: [number, number];
}

export interface OverlayLayer {
  overlay: DicomPayloadOverlay;
  data: Uint8Array | Float32Array;
  visible: boolean;
  opacity: number;
  colormap: string;
}

/** Lookup tables larger than this (e.g. 32-bit data spanning millions of values) are computed per pixel. */
const MAX_LUT_ENTRIES = 1 << 20;

const MASK_PALETTE: [number, number, number][] = [
  [255, 64, 64],
  [64, 200, 64],
  [64, 128, 255],
  [255, 200, 0],
  [200, 64, 255],
  [0, 220, 220],
];

export class DicomRaster {
  private lut: Uint32Array | undefined;
  private lutKey = '';

  constructor(private readonly source: RasterSource) {}

  private greyLut(window: VoiWindow, invert: boolean): Uint32Array | undefined {
    const { pixels, storedRange, slope, intercept } = this.source;
    const size = storedRange[1] - storedRange[0] + 1;
    if (isRealValued(pixels) || size > MAX_LUT_ENTRIES) return undefined;
    const key = `${window.center}|${window.width}|${invert}`;
    if (this.lut && this.lutKey === key) return this.lut;
    const lut = this.lut ?? new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      const level = windowLevel((storedRange[0] + i) * slope + intercept, window);
      const g = invert ? 255 - level : level;
      lut[i] = packRgba(g, g, g);
    }
    this.lut = lut;
    this.lutKey = key;
    return lut;
  }

  /** Writes frame `frame` into `out` (rows × columns packed RGBA). */
  draw(out: Uint32Array, frame: number, window: VoiWindow, invert: boolean, overlays: readonly OverlayLayer[]): void {
    const { pixels, rows, columns, samplesPerPixel, slope, intercept, storedRange } = this.source;
    const count = rows * columns;
    const offset = frame * count * samplesPerPixel;
    if (samplesPerPixel === 3) {
      for (let i = 0, j = offset; i < count; i++, j += 3) {
        const [r, g, b] = [pixels[j], pixels[j + 1], pixels[j + 2]];
        out[i] = invert ? packRgba(255 - r, 255 - g, 255 - b) : packRgba(r, g, b);
      }
    } else {
      const lut = this.greyLut(window, invert);
      if (lut) {
        const min = storedRange[0];
        for (let i = 0; i < count; i++) out[i] = lut[pixels[offset + i] - min];
      } else {
        const realValued = isRealValued(pixels);
        for (let i = 0; i < count; i++) {
          const level = windowLevel(pixels[offset + i] * slope + intercept, window, realValued);
          const g = invert ? 255 - level : level;
          out[i] = packRgba(g, g, g);
        }
      }
    }
    for (const layer of overlays)
      if (layer.visible && layer.opacity > 0) blendOverlay(out, layer, frame * count, count);
  }
}

function blend(base: number, r: number, g: number, b: number, alpha: number): number {
  const keep = 1 - alpha;
  return packRgba(
    (base & 0xff) * keep + r * alpha,
    ((base >>> 8) & 0xff) * keep + g * alpha,
    ((base >>> 16) & 0xff) * keep + b * alpha,
  );
}

function blendOverlay(out: Uint32Array, layer: OverlayLayer, offset: number, count: number): void {
  const { data, opacity, overlay } = layer;
  if (overlay.kind === 'mask') {
    const single = parseHexColor(layer.colormap, MASK_PALETTE[0]);
    for (let i = 0; i < count; i++) {
      const label = data[offset + i];
      if (label === 0) continue;
      const [r, g, b] = label === 1 ? single : MASK_PALETTE[(label - 1) % MASK_PALETTE.length];
      out[i] = blend(out[i], r, g, b, opacity);
    }
    return;
  }
  const lut = colormapLut(isColormapName(layer.colormap) ? layer.colormap : 'jet');
  for (let i = 0; i < count; i++) {
    const v = data[offset + i];
    if (!(v > 0)) continue;
    const c = lut[Math.min(255, Math.round(v * 255))];
    out[i] = blend(out[i], c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, opacity);
  }
}

/** Real value (e.g. HU) of the stored sample at a pixel; for RGB, the three samples. */
export function valueAt(source: RasterSource, frame: number, x: number, y: number): number[] {
  const { pixels, rows, columns, samplesPerPixel, slope, intercept } = source;
  const i = (frame * rows * columns + y * columns + x) * samplesPerPixel;
  if (samplesPerPixel === 3) return [pixels[i], pixels[i + 1], pixels[i + 2]];
  return [pixels[i] * slope + intercept];
}
