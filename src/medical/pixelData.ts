// The Image Pixel module of a data set (size, bit depth, sign, samples, planar configuration) and the
// stored values of its frames: native (uncompressed) pixel data are read here; encapsulated frames are
// cut out here and handed to a codec (codecs/registry). Values come out like pydicom's pixel_array:
// one typed array per frame, samples interleaved (rows × columns × samples).
import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import { expandYbr422 } from './color';
import { DicomError } from './errors';
import type { ParsedDicom } from './parse';

export type StoredPixels = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

export interface PixelInfo {
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: 0 | 1;
  /** 0 interleaved (RGBRGB…), 1 planar (RR…GG…BB…). */
  planarConfiguration: 0 | 1;
  photometric: string;
}

/** Upper bound on the pixels one read decodes (all frames × samples): ~2 GB of 16-bit values. */
export const MAX_PIXELS_PER_READ = 1 << 30;

const PIXEL_DATA = 'x7fe00010';

export function hasPixelData(dataSet: DataSet): boolean {
  return dataSet.elements[PIXEL_DATA] !== undefined;
}

/** Reads and validates the Image Pixel module; throws a DicomError naming the bad attribute. */
export function readPixelInfo(parsed: ParsedDicom): PixelInfo {
  const { dataSet, file } = parsed;
  const rows = requiredUint16(dataSet, 'x00280010', 'Rows', file);
  const columns = requiredUint16(dataSet, 'x00280011', 'Columns', file);
  const bitsAllocated = requiredUint16(dataSet, 'x00280100', 'BitsAllocated', file);
  if (![1, 8, 16, 32].includes(bitsAllocated))
    throw new DicomError(file, `unsupported Bits Allocated ${bitsAllocated} (radnb reads 1, 8, 16 and 32)`);
  const bitsStored = dataSet.uint16('x00280101') ?? bitsAllocated;
  if (bitsStored < 1 || bitsStored > bitsAllocated)
    throw new DicomError(file, `Bits Stored ${bitsStored} does not fit Bits Allocated ${bitsAllocated}`);
  const samplesPerPixel = dataSet.uint16('x00280002') ?? 1;
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3)
    throw new DicomError(file, `unsupported Samples per Pixel ${samplesPerPixel}`);
  const framesText = dataSet.string('x00280008');
  const frames = framesText === undefined || framesText === '' ? 1 : Number(framesText);
  if (!Number.isSafeInteger(frames) || frames < 1)
    throw new DicomError(file, `invalid Number of Frames '${framesText}'`);
  const total = rows * columns * samplesPerPixel * frames;
  if (total > MAX_PIXELS_PER_READ) {
    throw new DicomError(
      file,
      `${frames} frames of ${rows}×${columns}×${samplesPerPixel} exceed the limit of ${MAX_PIXELS_PER_READ} pixels per read`,
    );
  }
  return {
    rows,
    columns,
    frames,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    highBit: dataSet.uint16('x00280102') ?? bitsStored - 1,
    pixelRepresentation: dataSet.uint16('x00280103') === 1 ? 1 : 0,
    planarConfiguration: dataSet.uint16('x00280006') === 1 ? 1 : 0,
    photometric: (dataSet.string('x00280004') ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2')).toUpperCase(),
  };
}

function requiredUint16(dataSet: DataSet, tag: string, name: string, file: string): number {
  const value = dataSet.uint16(tag);
  if (value === undefined) throw new DicomError(file, `missing ${name} (${tag.slice(1, 5)},${tag.slice(5)})`);
  if (value === 0) throw new DicomError(file, `${name} is 0`);
  return value;
}

/** A data set without pixel data is either not an image (a report, a plan) or cut short. */
export const NO_PIXEL_DATA = 'no pixel data (7FE0,0010): the file holds no image, or it is truncated';

export function pixelDataElement(parsed: ParsedDicom): Element {
  const element = parsed.dataSet.elements[PIXEL_DATA];
  if (!element) throw new DicomError(parsed.file, NO_PIXEL_DATA);
  return element;
}

export function framePixelCount(info: PixelInfo): number {
  return info.rows * info.columns * info.samplesPerPixel;
}

/** An empty typed array of the stored type: bit depth and sign. */
export function allocateStored(info: PixelInfo, length: number): StoredPixels {
  const signed = info.pixelRepresentation === 1;
  switch (info.bitsAllocated) {
    case 1: // unpacked to one byte per pixel, as pydicom does
    case 8:
      return signed ? new Int8Array(length) : new Uint8Array(length);
    case 16:
      return signed ? new Int16Array(length) : new Uint16Array(length);
    default:
      return signed ? new Int32Array(length) : new Uint32Array(length);
  }
}

/** Stored values of every frame of uncompressed pixel data, frame after frame, samples interleaved. */
export function readNativeFrames(parsed: ParsedDicom, info: PixelInfo): StoredPixels {
  if (info.bitsAllocated === 1) return readBitFrames(parsed, info);
  const element = pixelDataElement(parsed);
  const bytesPerSample = info.bitsAllocated / 8;
  // YBR_FULL_422 stores two luminance samples per chroma pair: 2 bytes per pixel instead of 3.
  const subsampled = info.photometric === 'YBR_FULL_422' && info.samplesPerPixel === 3 && bytesPerSample === 1;
  const expected = (subsampled ? info.rows * info.columns * 2 : framePixelCount(info)) * info.frames * bytesPerSample;
  if (element.length < expected) {
    throw new DicomError(
      parsed.file,
      `pixel data has ${element.length} bytes, but ${info.frames} frame(s) of ${info.rows}×${info.columns}×${info.samplesPerPixel} at ${info.bitsAllocated} bits need ${expected}`,
    );
  }
  const source = parsed.dataSet.byteArray;
  const start = source.byteOffset + element.dataOffset;
  if (subsampled)
    return expandYbr422(
      source.subarray(element.dataOffset, element.dataOffset + expected),
      info.rows * info.columns,
      info.frames,
      info.columns,
    );
  const planar = info.planarConfiguration === 1 && info.samplesPerPixel === 3;
  // Little-endian values at an aligned offset are used in place, as numpy.frombuffer does; otherwise
  // they are copied into an aligned buffer (and swapped for big endian).
  if (!parsed.syntax.bigEndian && !planar && start % bytesPerSample === 0)
    return storedView(info, source.buffer as ArrayBuffer, start, expected / bytesPerSample);
  const stored = allocateStored(info, expected / bytesPerSample);
  const bytes = new Uint8Array(stored.buffer);
  bytes.set(source.subarray(element.dataOffset, element.dataOffset + expected));
  if (parsed.syntax.bigEndian && bytesPerSample > 1) swapBytes(bytes, bytesPerSample);
  return planar ? interleaveFrames(stored, info) : stored;
}

/** 1-bit pixel data (segmentations, overlays): bits packed least significant first, across frame borders. */
function readBitFrames(parsed: ParsedDicom, info: PixelInfo): Uint8Array {
  const element = pixelDataElement(parsed);
  const count = framePixelCount(info) * info.frames;
  const expected = Math.ceil(count / 8);
  if (element.length < expected) {
    throw new DicomError(
      parsed.file,
      `pixel data has ${element.length} bytes, but ${info.frames} frame(s) of ${info.rows}×${info.columns} at 1 bit need ${expected}`,
    );
  }
  const packed = parsed.dataSet.byteArray;
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = (packed[element.dataOffset + (i >> 3)] >> (i & 7)) & 1;
  return out;
}

function storedView(info: PixelInfo, buffer: ArrayBuffer, byteOffset: number, length: number): StoredPixels {
  const signed = info.pixelRepresentation === 1;
  if (info.bitsAllocated === 8)
    return signed ? new Int8Array(buffer, byteOffset, length) : new Uint8Array(buffer, byteOffset, length);
  if (info.bitsAllocated === 16)
    return signed ? new Int16Array(buffer, byteOffset, length) : new Uint16Array(buffer, byteOffset, length);
  return signed ? new Int32Array(buffer, byteOffset, length) : new Uint32Array(buffer, byteOffset, length);
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/** Planar (RR…GG…BB…) frames → interleaved (RGBRGB…), frame by frame. */
export function interleaveFrames(planar: StoredPixels, info: PixelInfo): StoredPixels {
  const plane = info.rows * info.columns;
  const out = allocateStored(info, planar.length);
  for (let offset = 0; offset < planar.length; offset += plane * 3) {
    for (let i = 0; i < plane; i++) {
      out[offset + i * 3] = planar[offset + i];
      out[offset + i * 3 + 1] = planar[offset + plane + i];
      out[offset + i * 3 + 2] = planar[offset + 2 * plane + i];
    }
  }
  return out;
}

/** The compressed bytes of one frame of encapsulated pixel data. */
export function encapsulatedFrame(parsed: ParsedDicom, info: PixelInfo, frame: number): Uint8Array {
  const element = pixelDataElement(parsed);
  const fragments = element.fragments ?? [];
  if (!element.encapsulatedPixelData || fragments.length === 0) {
    throw new DicomError(
      parsed.file,
      `${parsed.syntax.name} needs encapsulated pixel data, but the pixel data has no fragments`,
    );
  }
  try {
    if (info.frames === 1)
      return dicomParser.readEncapsulatedPixelDataFromFragments(parsed.dataSet, element, 0, fragments.length);
    if ((element.basicOffsetTable ?? []).length > 0)
      return dicomParser.readEncapsulatedImageFrame(parsed.dataSet, element, frame);
    if (fragments.length === info.frames)
      return dicomParser.readEncapsulatedPixelDataFromFragments(parsed.dataSet, element, frame, 1);
    // No offset table and several fragments per frame: JPEG frames can be found by their end markers.
    const table = dicomParser.createJPEGBasicOffsetTable(parsed.dataSet, element);
    if (table.length < info.frames)
      throw new Error(`found ${table.length} frames in the fragments, expected ${info.frames}`);
    return dicomParser.readEncapsulatedImageFrame(parsed.dataSet, element, frame, table);
  } catch (error) {
    if (error instanceof DicomError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DicomError(parsed.file, `frame ${frame}: cannot read encapsulated pixel data (${message})`);
  }
}
