// The binary output item of the DICOM viewer (application/vnd.radnb.dicom): a ViewerImage as a container
// (see binaryContainer.ts) whose JSON header carries everything but the samples, and whose sections hold the
// pixels of all frames and then each overlay. Used by the Node encoder and by the browser renderer.
import type { ViewerImage, ViewerOverlay, ViewerPixels } from '../common/viewer';
import {
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
  pixels: SectionRef;
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
    throw new ContainerError(WHAT, `${rows}×${columns}×${frames}×${samplesPerPixel} needs ${expected} samples, got ${image.pixels.length}`);
  }
  for (const o of image.overlays ?? []) {
    if (o.data.length !== rows * columns * frames) {
      throw new ContainerError(WHAT, `overlay "${o.label}" has ${o.data.length} values, expected ${rows * columns * frames}`);
    }
  }
}

/** Encodes a viewer image; pass `compress` (zlib deflate) to store samples predicted, shuffled and deflated. */
export function encodeDicomPayload(image: ViewerImage, compress?: Compress): Uint8Array {
  checkImage(image);
  const { pixels, overlays = [], ...rest } = image;
  return encodeContainer<DicomPayloadHeader>(
    [
      { samples: pixels, width: image.columns, stride: image.samplesPerPixel },
      ...overlays.map((o) => ({ samples: o.data, width: image.columns, stride: 1 })),
    ],
    ([pixelRef, ...overlayRefs]) => ({
      ...rest,
      format: 'radnb.dicom',
      pixels: pixelRef,
      storedRange: storedRange(pixels),
      overlays: overlays.map(({ data: _data, ...o }, i) => ({ ...o, section: overlayRefs[i] })),
    }),
    compress,
  );
}

export interface DecodedDicomPayload {
  header: DicomPayloadHeader;
  pixels: ViewerPixels;
  overlays: { overlay: DicomPayloadOverlay; data: Uint8Array | Float32Array }[];
}

export async function decodeDicomPayload(bytes: Uint8Array, decompress?: Decompress): Promise<DecodedDicomPayload> {
  const header = readContainerHeader<DicomPayloadHeader>(bytes, WHAT);
  if (header.format !== 'radnb.dicom') throw new ContainerError(WHAT, `unexpected format ${String(header.format)}`);
  const pixels = (await readSection(bytes, header.pixels, WHAT, decompress)) as ViewerPixels;
  const overlays = await Promise.all(
    header.overlays.map(async (overlay) => {
      const data = await readSection(bytes, overlay.section, WHAT, decompress);
      if (!(data instanceof Uint8Array || data instanceof Float32Array)) {
        throw new ContainerError(WHAT, `overlay "${overlay.label}" must be uint8 or float32, got ${overlay.section.type}`);
      }
      return { overlay, data };
    }),
  );
  return { header, pixels, overlays };
}
