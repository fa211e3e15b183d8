// Colour: YBR_FULL → RGB with pydicom's arithmetic (float32 matrix, round half up, clip to 0…255),
// YBR_FULL_422 expansion, and palette colour lookup (pydicom's apply_color_lut, non-segmented LUTs).
import type { DataSet } from 'dicom-parser';
import { DicomError } from './errors';
import { readLut } from './lut';

/** In place: interleaved 8-bit YBR_FULL → RGB, exactly as pydicom.convert_color_space. */
export function ybrFullToRgb(
  pixels: Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array,
): void {
  const f = Math.fround;
  const gCb = f((-0.114 * 1.772) / 0.587);
  const gCr = f((-0.299 * 1.402) / 0.587);
  const bCb = f(1.772);
  const rCr = f(1.402);
  for (let i = 0; i + 2 < pixels.length; i += 3) {
    const y = pixels[i];
    const cb = pixels[i + 1] - 128;
    const cr = pixels[i + 2] - 128;
    // float32 products and sums, in numpy's order, so that results round exactly like pydicom's
    pixels[i] = clampByte(Math.floor(f(f(y + f(cr * rCr)) + 0.5)));
    pixels[i + 1] = clampByte(Math.floor(f(f(f(y + f(cb * gCb)) + f(cr * gCr)) + 0.5)));
    pixels[i + 2] = clampByte(Math.floor(f(f(y + f(cb * bCb)) + 0.5)));
  }
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Native YBR_FULL_422 (Y1 Y2 Cb Cr per pixel pair) → full YBR (Y Cb Cr per pixel), frame after frame. */
export function expandYbr422(packed: Uint8Array, pixelsPerFrame: number, frames: number, columns: number): Uint8Array {
  const out = new Uint8Array(pixelsPerFrame * frames * 3);
  let src = 0;
  let dst = 0;
  for (let p = 0; p < pixelsPerFrame * frames; p += 2) {
    const y1 = packed[src];
    const y2 = packed[src + 1];
    const cb = packed[src + 2];
    const cr = packed[src + 3];
    src += 4;
    out.set([y1, cb, cr], dst);
    dst += 3;
    // an odd row length leaves the pair's second pixel out of the image
    if (columns % 2 === 0 || (p + 1) % columns !== 0) {
      out.set([y2, cb, cr], dst);
      dst += 3;
    }
  }
  return out;
}

export interface PaletteLut {
  red: Uint16Array;
  green: Uint16Array;
  blue: Uint16Array;
  firstMapped: number;
  bitsPerEntry: 8 | 16;
}

/** Per channel: name, LUT descriptor, LUT data, segmented LUT data. */
const CHANNELS = [
  ['Red', 'x00281101', 'x00281201', 'x00281221'],
  ['Green', 'x00281102', 'x00281202', 'x00281222'],
  ['Blue', 'x00281103', 'x00281203', 'x00281223'],
] as const;

export function readPalette(dataSet: DataSet, file: string): PaletteLut {
  const tables = CHANNELS.map(([name, descriptorTag, dataTag, segmentedTag]) => {
    if (!dataSet.elements[dataTag] && dataSet.elements[segmentedTag])
      throw new DicomError(file, 'segmented palette colour LUTs are not supported');
    return readLut(dataSet, descriptorTag, dataTag, file, `${name} Palette Colour LUT`);
  });
  return {
    red: tables[0].data,
    green: tables[1].data,
    blue: tables[2].data,
    firstMapped: tables[0].firstMapped,
    bitsPerEntry: tables[0].bits === 8 ? 8 : 16,
  };
}

/** Indices → interleaved RGB; values outside the table take its first or last entry, as in pydicom. */
export function applyPalette(indices: ArrayLike<number>, lut: PaletteLut): Uint8Array | Uint16Array {
  const out = lut.bitsPerEntry === 8 ? new Uint8Array(indices.length * 3) : new Uint16Array(indices.length * 3);
  const last = lut.red.length - 1;
  for (let i = 0; i < indices.length; i++) {
    const k = Math.min(Math.max(indices[i] - lut.firstMapped, 0), last);
    out[3 * i] = lut.red[k];
    out[3 * i + 1] = lut.green[k];
    out[3 * i + 2] = lut.blue[k];
  }
  return out;
}
