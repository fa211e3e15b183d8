// VOI windowing shared by the Node snapshot (PNG) and the browser viewer's lookup table, so that the saved
// PNG and the interactive view show the same grey levels. Pure TypeScript.
import type { ViewerPixels } from '../common/viewer';

export interface VoiWindow {
  center: number;
  width: number;
}

/** Linear VOI function of DICOM PS3.3 C.11.2.1.2.1: real value → display level 0..255. */
export function windowLevel(value: number, window: VoiWindow): number {
  const width = Math.max(window.width, 1);
  const low = window.center - 0.5 - (width - 1) / 2;
  const high = window.center - 0.5 + (width - 1) / 2;
  if (value <= low) return 0;
  if (value > high) return 255;
  return Math.round(((value - (window.center - 0.5)) / (width - 1) + 0.5) * 255);
}

/** The window spanning all real values of the samples: used when the file names none. */
export function fullRangeWindow(storedMin: number, storedMax: number, slope: number, intercept: number): VoiWindow {
  const a = storedMin * slope + intercept;
  const b = storedMax * slope + intercept;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return { center: (lo + hi) / 2 + 0.5, width: Math.max(hi - lo + 1, 1) };
}

/** Windowed 8-bit grey levels of one frame of single-sample pixels. */
export function windowFrame(
  pixels: ViewerPixels,
  frameOffset: number,
  count: number,
  slope: number,
  intercept: number,
  window: VoiWindow,
  invert: boolean,
): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const level = windowLevel(pixels[frameOffset + i] * slope + intercept, window);
    out[i] = invert ? 255 - level : level;
  }
  return out;
}
