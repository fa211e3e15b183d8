// The binary output item of the DICOM viewer (application/vnd.radnb.dicom): a ViewerImage as a container
// (see binaryContainer.ts) whose JSON header carries everything but the samples, and whose sections hold the
// pixels of each frame and then each overlay. Used by the Node encoder and by the browser renderer.
import type { ViewerImage, ViewerOverlay, ViewerPixels } from './viewer';
import {
  allocateSamples,
  type Compress,
  ContainerError,
  type Decompress,
  encodeContainer,
  readContainerHeader,
  readSection,
  type SectionRef,
} from './binaryContainer';

export interface DicomPayloadOverlay extends Omit<ViewerOverlay, 'data'> {
  section: SectionRef;
}

export interface DicomPayloadHeader extends Omit<ViewerImage, 'pixels' | 'overlays'> {
  format: 'radnb.dicom';
  /** One section per frame, in display order. */
  frameSections: SectionRef[];
  /** Smallest and largest stored value (for LUT sizing and auto window). */
  storedRange: [number, number];
  overlays: DicomPayloadOverlay[];
}

const WHAT = 'DICOM viewer output';

function storedRange(pixels: ViewerPixels): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return pixels.length === 0 ? [0, 0] : [min, max];
}

function checkImage(image: ViewerImage): void {
  const { rows, columns, frames, samplesPerPixel } = image;
  for (const [name, v] of Object.entries({ rows, columns, frames })) {
    if (!Number.isInteger(v) || v <= 0) throw new ContainerError(WHAT, `${name} must be a positive integer, got ${v}`);
  }
  const expected = rows * columns * frames * samplesPerPixel;
  if (image.pixels.length !== expected) {
    throw new ContainerError(
      WHAT,
      `${rows}×${columns}×${frames}×${samplesPerPixel} needs ${expected} samples, got ${image.pixels.length}`,
    );
  }
  for (const o of image.overlays ?? []) {
    if (o.data.length !== rows * columns * frames) {
      throw new ContainerError(
        WHAT,
        `overlay "${o.label}" has ${o.data.length} values, expected ${rows * columns * frames}`,
      );
    }
  }
}

/** Encodes a viewer image; pass `compress` (zlib deflate) to store samples predicted, shuffled and deflated.
 *  Each frame is its own section, so a viewer can show the first slice before the rest is decoded. */
export function encodeDicomPayload(image: ViewerImage, compress?: Compress): Uint8Array {
  checkImage(image);
  const { pixels, overlays = [], ...rest } = image;
  const perFrame = image.rows * image.columns * image.samplesPerPixel;
  return encodeContainer<DicomPayloadHeader>(
    [
      ...Array.from({ length: image.frames }, (_, f) => ({
        samples: pixels.subarray(f * perFrame, (f + 1) * perFrame),
        width: image.columns,
        stride: image.samplesPerPixel,
      })),
      ...overlays.map((o) => ({ samples: o.data, width: image.columns, stride: 1 })),
    ],
    (refs) => ({
      ...rest,
      format: 'radnb.dicom',
      frameSections: refs.slice(0, image.frames),
      storedRange: storedRange(pixels),
      overlays: overlays.map(({ data: _data, ...o }, i) => ({ ...o, section: refs[image.frames + i] })),
    }),
    compress,
  );
}

export interface DecodedOverlay {
  overlay: DicomPayloadOverlay;
  data: Uint8Array | Float32Array;
}

/** The frames of a payload, decoded on demand into one array (frame after frame). */
export class DicomPayloadFrames {
  readonly pixels: ViewerPixels;
  private readonly decoded: Promise<void>[] = [];
  private readonly ready: boolean[];
  private readonly perFrame: number;

  constructor(
    private readonly bytes: Uint8Array,
    readonly header: DicomPayloadHeader,
    private readonly decompress?: Decompress,
  ) {
    this.perFrame = header.rows * header.columns * header.samplesPerPixel;
    const sections = header.frameSections;
    if (
      !Array.isArray(sections) ||
      sections.length !== header.frames ||
      sections.some((s) => s.type !== sections[0].type || s.length !== this.perFrame)
    ) {
      throw new ContainerError(
        WHAT,
        `expected ${header.frames} frame sections of ${this.perFrame} samples of one type`,
      );
    }
    this.pixels = allocateSamples(sections[0].type, this.perFrame * header.frames) as ViewerPixels;
    this.ready = new Array<boolean>(header.frames).fill(false);
  }

  isReady(frame: number): boolean {
    return this.ready[frame] === true;
  }

  /** Decodes one frame (once; later calls share the same promise). */
  decode(frame: number): Promise<void> {
    this.decoded[frame] ??= readSection(this.bytes, this.header.frameSections[frame], WHAT, this.decompress).then(
      (samples) => {
        this.pixels.set(samples, frame * this.perFrame);
        this.ready[frame] = true;
      },
    );
    return this.decoded[frame];
  }

  /** Decodes every frame, nearest to `first` first, until done or `signal` aborts. */
  async decodeAll(first = 0, signal?: AbortSignal): Promise<void> {
    const order = Array.from({ length: this.header.frames }, (_, f) => f).sort(
      (a, b) => Math.abs(a - first) - Math.abs(b - first),
    );
    for (const frame of order) {
      if (signal?.aborted) return;
      await this.decode(frame);
    }
  }
}

export interface OpenedDicomPayload {
  header: DicomPayloadHeader;
  frames: DicomPayloadFrames;
  overlays: DecodedOverlay[];
}

/** Reads the header and overlays; frames decode on demand through `frames`. */
export async function openDicomPayload(bytes: Uint8Array, decompress?: Decompress): Promise<OpenedDicomPayload> {
  const header = readContainerHeader<DicomPayloadHeader>(bytes, WHAT);
  if (header.format !== 'radnb.dicom') throw new ContainerError(WHAT, `unexpected format ${String(header.format)}`);
  const frames = new DicomPayloadFrames(bytes, header, decompress);
  const overlays = await Promise.all(
    header.overlays.map(async (overlay) => {
      const data = await readSection(bytes, overlay.section, WHAT, decompress);
      if (!(data instanceof Uint8Array || data instanceof Float32Array)) {
        throw new ContainerError(
          WHAT,
          `overlay "${overlay.label}" must be uint8 or float32, got ${overlay.section.type}`,
        );
      }
      return { overlay, data };
    }),
  );
  return { header, frames, overlays };
}

export interface DecodedDicomPayload {
  header: DicomPayloadHeader;
  pixels: ViewerPixels;
  overlays: DecodedOverlay[];
}

/** Decodes everything at once (Node, tests). */
export async function decodeDicomPayload(bytes: Uint8Array, decompress?: Decompress): Promise<DecodedDicomPayload> {
  const { header, frames, overlays } = await openDicomPayload(bytes, decompress);
  await frames.decodeAll();
  return { header, pixels: frames.pixels, overlays };
}
