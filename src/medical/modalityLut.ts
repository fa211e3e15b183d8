// Modality LUT (pydicom's apply_modality_lut): stored values → real-world values, e.g. Hounsfield
// units for CT. A Modality LUT Sequence wins over Rescale Slope/Intercept; with neither, values stay.
import type { DataSet } from 'dicom-parser';
import { lookUp, readLookupTable, type LookupTable } from './lut';
import { shiftSixteenBit } from './modalityLutSimd';

export interface ModalityLut {
  slope: number;
  intercept: number;
  /** Present when the file has a Modality LUT Sequence (then slope/intercept are 1 and 0). */
  table?: LookupTable;
  /** Rescale Type (0028,1054) unless 'US' (unspecified); 'HU' for CT. */
  units: string;
}

export function readModalityLut(dataSet: DataSet, file: string): ModalityLut {
  const sequence = dataSet.elements.x00283000?.items?.[0]?.dataSet;
  const rescaleType = dataSet.string('x00281054');
  const units = rescaleType && rescaleType !== 'US' ? rescaleType : dataSet.string('x00080060') === 'CT' ? 'HU' : '';
  if (sequence)
    return { slope: 1, intercept: 0, table: readLookupTable(sequence, file, 'Modality LUT Sequence'), units };
  const slope = dataSet.floatString('x00281053');
  const intercept = dataSet.floatString('x00281052');
  return {
    slope: Number.isFinite(slope) ? (slope as number) : 1,
    intercept: Number.isFinite(intercept) ? (intercept as number) : 0,
    units,
  };
}

/** Real values of stored values, as float32 (exact for the integer HU of CT). */
export function applyModalityLut(stored: ArrayLike<number>, lut: ModalityLut): Float32Array {
  const { table, slope, intercept } = lut;
  if (table) {
    const out = new Float32Array(stored.length);
    for (let i = 0; i < stored.length; i++) out[i] = lookUp(table, stored[i]);
    return out;
  }
  // 16-bit values with an integer intercept (CT): SIMD. Otherwise the type conversion goes through
  // set(), which is native, and the loop always sees a Float32Array, which V8 keeps fast.
  if (slope === 1 && (stored instanceof Int16Array || stored instanceof Uint16Array)) {
    const fast = shiftSixteenBit(stored, intercept);
    if (fast) return fast;
  }
  const out = new Float32Array(stored.length);
  if (ArrayBuffer.isView(stored)) out.set(stored as unknown as ArrayLike<number>);
  else for (let i = 0; i < stored.length; i++) out[i] = stored[i];
  if (slope !== 1 || intercept !== 0) rescale(out, slope, intercept);
  return out;
}

function rescale(values: Float32Array, slope: number, intercept: number): void {
  for (let i = 0; i < values.length; i++) values[i] = values[i] * slope + intercept;
}
