// VOI windowing shared by the Node snapshot (PNG) and the browser viewer's lookup table, so that the saved
// PNG and the interactive view show the same grey levels. Pure TypeScript.
import type { ViewerPixels } from './viewer';

export interface VoiWindow {
  center: number;
  width: number;
}

/**
 * VOI windowing: real value → display level 0..255. Integer samples use DICOM's LINEAR function (PS3.3
 * C.11.2.1.2.1, with its −0.5 / −1 corrections for integer sampling); real-valued samples (float pixels: CNN
 * outputs, normalised images) use LINEAR_EXACT (C.11.2.1.3.2) — with LINEAR, a window 1 wide over 0…1 data
 * would be a threshold.
 */
export function windowLevel(value: number, window: VoiWindow, realValued = false): number {
  if (realValued) {
    const width = Math.max(window.width, Number.MIN_VALUE);
    if (value <= window.center - width / 2) return 0;
    if (value > window.center + width / 2) return 255;
    return Math.round(((value - window.center) / width + 0.5) * 255);
  }
  const width = Math.max(window.width, 1);
  const low = window.center - 0.5 - (width - 1) / 2;
  const high = window.center - 0.5 + (width - 1) / 2;
  if (value <= low) return 0;
  if (value > high) return 255;
  return Math.round(((value - (window.center - 0.5)) / (width - 1) + 0.5) * 255);
}

/** The window spanning all real values of the samples: used when the file names none. */
export function fullRangeWindow(
  storedMin: number,
  storedMax: number,
  slope: number,
  intercept: number,
  realValued = false,
): VoiWindow {
  const a = storedMin * slope + intercept;
  const b = storedMax * slope + intercept;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (realValued) return { center: (lo + hi) / 2, width: hi > lo ? hi - lo : 1 };
  return { center: (lo + hi) / 2 + 0.5, width: Math.max(hi - lo + 1, 1) };
}

/** Float samples are real values (CNN outputs, normalised images); every other pixel type holds integers. */
export function isRealValued(pixels: ViewerPixels): boolean {
  return pixels instanceof Float32Array;
}

/** The narrowest window a user can set: one stored step for integers, a thousandth of the range for reals. */
export function minimumWindowWidth(fullWindow: VoiWindow, realValued: boolean): number {
  return realValued ? fullWindow.width / 1000 : 1;
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
  const realValued = isRealValued(pixels);
  for (let i = 0; i < count; i++) {
    const level = windowLevel(pixels[frameOffset + i] * slope + intercept, window, realValued);
    out[i] = invert ? 255 - level : level;
  }
  return out;
}
