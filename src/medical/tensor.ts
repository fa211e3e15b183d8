// DICOM → tf.Tensor shaped for a CNN: channels-last, optionally resized, normalised by a window
// (display values in [0, 1]), min–max, z-score or fixed statistics. Greyscale can be repeated into 3
// channels for networks pretrained on RGB.
import * as tf from '@tensorflow/tfjs';
import type { DicomImage } from './image';
import { resolveWindow, type WindowPreset } from './presets';
import { DicomSeries } from './series';
import { applyWindow, type WindowSpec } from './voiLut';
import { DicomVolume } from './volume';

export type Normalization = 'window' | 'minmax' | 'zscore' | 'none' | { mean: number; std: number };

export interface TensorOptions {
  /** One frame (default 0) or all frames / slices stacked on the first axis. */
  frame?: number | 'all';
  /** [height, width] to resize to (bilinear). */
  size?: [number, number];
  /** Window for 'window' normalisation; default: the file's own window. */
  window?: WindowSpec | WindowPreset;
  /** Default 'window' when a window is given or the file has one, else 'minmax'. Colour is always scaled to [0, 1]. */
  normalize?: Normalization;
  /** 3 repeats greyscale into RGB channels (default: the image's own channel count). */
  channels?: 1 | 3;
}

/** [height, width, channels] for one frame, [frames, height, width, channels] with frame: 'all' or for a volume/series. */
export function toTensor(
  source: DicomImage | DicomSeries | DicomVolume,
  options: TensorOptions = {},
): tf.Tensor3D | tf.Tensor4D {
  if (source instanceof DicomSeries) return volumeTensor(source.toVolume(), options);
  if (source instanceof DicomVolume) return volumeTensor(source, options);
  const frames = options.frame === 'all' ? Array.from({ length: source.frames }, (_, i) => i) : [options.frame ?? 0];
  const colour = source.samplesPerPixel === 3 || source.photometric === 'PALETTE COLOR';
  const window = resolveWindow(options.window) ?? source.voi.windows[0];
  const mode = options.normalize ?? (window ? 'window' : 'minmax');
  const planes = frames.map((f) =>
    colour ? scaleBytes(source.rgb(f)) : normalise(source.modalityValues(f), mode, window),
  );
  // MONOCHROME1 shows low values bright: flip values that are display intensities in [0, 1]
  if (!colour && source.photometric === 'MONOCHROME1' && (mode === 'window' || mode === 'minmax'))
    for (const p of planes) invertUnit(p);
  const stacked = stack(planes, source.rows, source.columns, colour ? 3 : 1, options);
  return options.frame === 'all' ? stacked : tf.tidy(() => stacked.squeeze([0]) as tf.Tensor3D);
}

function volumeTensor(volume: DicomVolume, options: TensorOptions): tf.Tensor4D {
  const size = volume.rows * volume.columns;
  const window = resolveWindow(options.window) ?? volume.window;
  const all = normalise(volume.data, options.normalize ?? (window ? 'window' : 'minmax'), window);
  const planes = Array.from({ length: volume.depth }, (_, z) => all.subarray(z * size, (z + 1) * size));
  return stack(planes, volume.rows, volume.columns, 1, options);
}

function normalise(values: Float32Array, chosen: Normalization, window: WindowSpec | undefined): Float32Array {
  if (chosen === 'window') {
    if (!window)
      throw new RangeError("normalize: 'window' needs a window (the file has none): pass window or a preset");
    return applyWindow(values, window);
  }
  if (chosen === 'none') return values;
  if (chosen === 'minmax') {
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) [min, max] = [v < min ? v : min, v > max ? v : max];
    const span = max - min || 1;
    return values.map((v) => (v - min) / span);
  }
  const { mean, std } = chosen === 'zscore' ? statistics(values) : chosen;
  return values.map((v) => (v - mean) / (std || 1));
}

function statistics(values: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length) };
}

function scaleBytes(rgb: Uint8Array): Float32Array {
  return Float32Array.from(rgb, (v) => v / 255);
}

function invertUnit(values: Float32Array): void {
  for (let i = 0; i < values.length; i++) values[i] = 1 - values[i];
}

function stack(
  planes: Float32Array[],
  rows: number,
  columns: number,
  channels: 1 | 3,
  options: TensorOptions,
): tf.Tensor4D {
  const data = new Float32Array(planes.length * rows * columns * channels);
  planes.forEach((p, i) => data.set(p, i * p.length));
  return tf.tidy(() => {
    let t: tf.Tensor4D = tf.tensor4d(data, [planes.length, rows, columns, channels]);
    if (options.size) t = tf.image.resizeBilinear(t, options.size, false, true);
    if (options.channels === 3 && channels === 1) t = tf.tile(t, [1, 1, 1, 3]);
    if (options.channels === 1 && channels === 3) t = tf.mean(t, -1, true) as tf.Tensor4D;
    return t;
  });
}
