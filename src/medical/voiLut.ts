// VOI LUT (pydicom's apply_voi_lut / apply_windowing): real values → display values in an output range,
// by a VOI LUT Sequence table or by window centre/width with the LINEAR, LINEAR_EXACT or SIGMOID function.
import type { DataSet } from 'dicom-parser';
import { lookUp, readLookupTable, type LookupTable } from './lut';
import type { VoiWindow } from './presets';

export type VoiFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

export interface WindowSpec extends VoiWindow {
  fn?: VoiFunction;
}

export interface OutputRange {
  min: number;
  max: number;
}

/** The VOI attributes of a file: its windows (a file may offer several) and VOI LUTs. */
export interface VoiInfo {
  windows: WindowSpec[];
  tables: LookupTable[];
}

export function readVoi(dataSet: DataSet, file: string): VoiInfo {
  const centers = numbers(dataSet, 'x00281050');
  const widths = numbers(dataSet, 'x00281051');
  const fnText = (dataSet.string('x00281056') ?? 'LINEAR').toUpperCase();
  const fn: VoiFunction = fnText === 'LINEAR_EXACT' || fnText === 'SIGMOID' ? fnText : 'LINEAR';
  const windows: WindowSpec[] = [];
  for (let i = 0; i < Math.min(centers.length, widths.length); i++) {
    // a window the function cannot use (LINEAR needs width ≥ 1, the others > 0) is ignored, not fatal
    const usable = Number.isFinite(centers[i]) && widths[i] >= (fn === 'LINEAR' ? 1 : Number.MIN_VALUE);
    if (usable) windows.push({ center: centers[i], width: widths[i], fn });
  }
  const items = dataSet.elements.x00283010?.items ?? [];
  const tables = items.flatMap((item) =>
    item.dataSet ? [readLookupTable(item.dataSet, file, 'VOI LUT Sequence')] : [],
  );
  return { windows, tables };
}

function numbers(dataSet: DataSet, tag: string): number[] {
  const count = dataSet.numStringValues(tag) ?? 0;
  return Array.from({ length: count }, (_, i) => dataSet.floatString(tag, i) ?? NaN);
}

/** Windowing exactly as pydicom: LINEAR shifts the centre by ½ and narrows the width by 1 (PS3.3 C.11.2.1.2). */
export function applyWindow(
  values: ArrayLike<number>,
  window: WindowSpec,
  range: OutputRange = { min: 0, max: 1 },
): Float32Array {
  const fn = window.fn ?? 'LINEAR';
  let { center, width } = window;
  if (fn === 'LINEAR') {
    if (width < 1) throw new RangeError(`window width must be ≥ 1 for LINEAR, got ${width}`);
    center -= 0.5;
    width -= 1;
  } else if (width <= 0) throw new RangeError(`window width must be > 0 for ${fn}, got ${width}`);
  const out = new Float32Array(values.length);
  const span = range.max - range.min;
  if (fn === 'SIGMOID') {
    for (let i = 0; i < values.length; i++)
      out[i] = span / (1 + Math.exp((-4 * (values[i] - center)) / width)) + range.min;
    return out;
  }
  const low = center - width / 2;
  const high = center + width / 2;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v <= low ? range.min : v > high ? range.max : ((v - center) / width + 0.5) * span + range.min;
  }
  return out;
}

/** A VOI LUT table, its output scaled from the table's bit depth into `range`. */
export function applyVoiTable(
  values: ArrayLike<number>,
  table: LookupTable,
  range: OutputRange = { min: 0, max: 1 },
): Float32Array {
  const out = new Float32Array(values.length);
  const scale = (range.max - range.min) / (2 ** table.bits - 1);
  for (let i = 0; i < values.length; i++) out[i] = lookUp(table, values[i]) * scale + range.min;
  return out;
}

/** MONOCHROME1 shows low values white: mirror display values within their range. */
export function invertInPlace(values: Float32Array, range: OutputRange): Float32Array {
  for (let i = 0; i < values.length; i++) values[i] = range.max - (values[i] - range.min);
  return values;
}
