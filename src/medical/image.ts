// DicomImage: one DICOM file — metadata, stored pixel values of every frame, and the pixel pipeline
// (modality LUT → VOI LUT/window → MONOCHROME1 inversion) with pydicom's semantics.
import { readFile } from 'node:fs/promises';
import { registerIdentifiers } from '../common/phi';
import type { ViewerImage, ViewerMetadataEntry } from '../common/viewer';
import { applyPalette, readPalette, type PaletteLut } from './color';
import { decodePixels } from './decode';
import { DicomError } from './errors';
import { dumpTags, identifyingValues, readMetadata, type DicomMetadata, type TagEntry } from './metadata';
import { applyModalityLut, readModalityLut, type ModalityLut } from './modalityLut';
import { edgeLabels } from './orientation';
import { parseDicom, type ParsedDicom } from './parse';
import { hasPixelData, NO_PIXEL_DATA, readPixelInfo, type PixelInfo, type StoredPixels } from './pixelData';
import { resolveWindow, type WindowPreset } from './presets';
import type { TransferSyntax } from './transferSyntax';
import {
  applyVoiTable,
  applyWindow,
  invertInPlace,
  readVoi,
  type OutputRange,
  type VoiInfo,
  type WindowSpec,
} from './voiLut';

export interface ReadOptions {
  /** Decode the pixel data (default true); false reads metadata only, much faster for big files. */
  pixels?: boolean;
}

export interface WindowedOptions {
  frame?: number;
  /** A window, a preset name ('lung', …); default: the file's VOI LUT, else its first window, else the full range. */
  window?: WindowSpec | WindowPreset;
  /** Output range of the display values (default [0, 1]). */
  range?: OutputRange;
}

/** Reads a DICOM file from disk. Throws DicomError for anything that is not a readable image. */
export async function readDicom(file: string, options: ReadOptions = {}): Promise<DicomImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new DicomError(
      file,
      `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  return decodeDicom(bytes, file, options);
}

/** Reads DICOM bytes already in memory; `name` identifies them in errors. */
export async function decodeDicom(bytes: Uint8Array, name: string, options: ReadOptions = {}): Promise<DicomImage> {
  const parsed = parseDicom(bytes, name, { skipPixelData: options.pixels === false });
  const image = new DicomImage(parsed);
  if (options.pixels !== false) await image.decode();
  return image;
}

export class DicomImage {
  readonly file: string;
  readonly metadata: DicomMetadata;
  readonly syntax: TransferSyntax;
  readonly modalityLut: ModalityLut;
  readonly voi: VoiInfo;
  private readonly parsed: ParsedDicom;
  private pixelInfo: PixelInfo | undefined;
  private stored: StoredPixels | undefined;
  private decodedPhotometric: string | undefined;
  private palette: PaletteLut | undefined;

  constructor(parsed: ParsedDicom) {
    this.parsed = parsed;
    this.file = parsed.file;
    this.syntax = parsed.syntax;
    this.metadata = readMetadata(parsed.dataSet);
    this.modalityLut = readModalityLut(parsed.dataSet, parsed.file);
    this.voi = readVoi(parsed.dataSet, parsed.file);
    // The kernel redacts these values from every output (src/common/phi.ts).
    registerIdentifiers(identifyingValues(parsed.dataSet));
  }

  /** Image Pixel module: size, frames, bits, sign, samples. */
  get info(): PixelInfo {
    this.pixelInfo ??= readPixelInfo(this.parsed);
    return this.pixelInfo;
  }

  get rows(): number {
    return this.info.rows;
  }

  get columns(): number {
    return this.info.columns;
  }

  get frames(): number {
    return this.info.frames;
  }

  get samplesPerPixel(): number {
    return this.info.samplesPerPixel;
  }

  /** Photometric interpretation of the decoded values (YBR becomes RGB). */
  get photometric(): string {
    return this.decodedPhotometric ?? this.info.photometric;
  }

  /** Decodes the pixel data (done by readDicom unless `pixels: false`). */
  async decode(): Promise<this> {
    if (this.stored) return this;
    if (!hasPixelData(this.parsed.dataSet)) {
      throw new DicomError(this.file, NO_PIXEL_DATA);
    }
    const { pixels, photometric } = await decodePixels(this.parsed, this.info);
    this.stored = pixels;
    this.decodedPhotometric = photometric;
    return this;
  }

  /** Stored values of all frames, like pydicom's pixel_array: frames × rows × columns (× samples). */
  get pixelArray(): StoredPixels {
    if (!this.stored)
      throw new DicomError(this.file, 'pixel data not decoded: read with pixels: true or await image.decode()');
    return this.stored;
  }

  /** Stored values of one frame (a view, not a copy). */
  frame(index = 0): StoredPixels {
    if (!Number.isInteger(index) || index < 0 || index >= this.frames) {
      throw new DicomError(this.file, `frame ${index} does not exist (the file has ${this.frames})`);
    }
    const size = this.rows * this.columns * this.samplesPerPixel;
    return this.pixelArray.subarray(index * size, (index + 1) * size) as StoredPixels;
  }

  /** Real-world values (modality LUT applied: HU for CT) of one frame, or of all frames when `frame` is omitted. */
  modalityValues(frame?: number): Float32Array {
    return applyModalityLut(frame === undefined ? this.pixelArray : this.frame(frame), this.modalityLut);
  }

  /** Display values of a greyscale frame: modality LUT, then VOI (window or LUT), then MONOCHROME1 inversion. */
  windowed(options: WindowedOptions = {}): Float32Array {
    if (this.samplesPerPixel !== 1)
      throw new DicomError(this.file, `windowing needs a greyscale image, this one is ${this.photometric}`);
    const range = options.range ?? { min: 0, max: 1 };
    const values = this.modalityValues(options.frame ?? 0);
    const window = resolveWindow(options.window);
    let out: Float32Array;
    if (window) out = applyWindow(values, window, range);
    else if (this.voi.tables.length > 0) out = applyVoiTable(values, this.voi.tables[0], range);
    else out = applyWindow(values, this.voi.windows[0] ?? fullRange(values), range);
    return this.photometric === 'MONOCHROME1' ? invertInPlace(out, range) : out;
  }

  /** 8-bit interleaved RGB of one frame: palette colour looked up, 16-bit colour scaled down. */
  rgb(frame = 0): Uint8Array {
    const values = this.frame(frame);
    if (this.photometric === 'PALETTE COLOR') {
      this.palette ??= readPalette(this.parsed.dataSet, this.file);
      const colours = applyPalette(values, this.palette);
      return colours instanceof Uint8Array ? colours : Uint8Array.from(colours, (v) => v >> 8);
    }
    if (this.samplesPerPixel !== 3)
      throw new DicomError(this.file, `rgb() needs a colour image, this one is ${this.photometric}`);
    if (values instanceof Uint8Array) return values;
    const shift = Math.max(0, this.info.bitsStored - 8);
    return Uint8Array.from(values, (v) => v >> shift);
  }

  /** Every attribute with keyword, VR, value and PHI flag. */
  tags(): TagEntry[] {
    return dumpTags(this.parsed.dataSet);
  }

  /** The viewer contract (src/common/viewer.ts): stored values + modality LUT, first window, geometry, metadata. */
  toViewerImage(): ViewerImage {
    const colour = this.samplesPerPixel === 3 || this.photometric === 'PALETTE COLOR';
    const tableLut = !colour && this.modalityLut.table !== undefined;
    const frames = this.frames;
    const pixels = colour
      ? concatFrames(frames, (f) => this.rgb(f))
      : tableLut
        ? this.modalityValues()
        : this.pixelArray;
    const { metadata: m } = this;
    const orientation = m.imageOrientationPatient;
    return {
      title: [m.modality, m.seriesDescription].filter(Boolean).join(' · ') || undefined,
      rows: this.rows,
      columns: this.columns,
      frames,
      samplesPerPixel: colour ? 3 : 1,
      pixels,
      slope: colour || tableLut ? 1 : this.modalityLut.slope,
      intercept: colour || tableLut ? 0 : this.modalityLut.intercept,
      units: this.modalityLut.units,
      window: colour
        ? undefined
        : this.voi.windows[0] && { center: this.voi.windows[0].center, width: this.voi.windows[0].width },
      invert: this.photometric === 'MONOCHROME1' || undefined,
      pixelSpacing: m.pixelSpacing,
      orientationLabels: orientation && edgeLabels(orientation.slice(0, 3), orientation.slice(3)),
      metadata: viewerMetadata(this.tags()),
    };
  }
}

/** A LINEAR_EXACT window spanning the values, for images without a window of their own. */
export function fullRange(values: ArrayLike<number>): WindowSpec {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  return { center: (min + max) / 2, width: Math.max(max - min, 1), fn: 'LINEAR_EXACT' };
}

function concatFrames(frames: number, frame: (index: number) => Uint8Array): Uint8Array {
  const first = frame(0);
  const out = new Uint8Array(first.length * frames);
  out.set(first);
  for (let f = 1; f < frames; f++) out.set(frame(f), f * first.length);
  return out;
}

/** Top-level attributes for the viewer's metadata panel (binary values and sequence contents left out). */
function viewerMetadata(tags: TagEntry[]): ViewerMetadataEntry[] {
  return tags
    .filter((t) => t.depth === 0 && !t.value.startsWith('<'))
    .map((t) => ({ tag: t.tag, name: t.keyword, value: t.value, phi: t.phi }));
}
