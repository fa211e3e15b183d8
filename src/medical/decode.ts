// All frames of a file's pixel data → stored values (frames × rows × columns × samples), whatever the
// transfer syntax. Colour comes out RGB: YBR_FULL/YBR_FULL_422 are converted with pydicom's arithmetic,
// JPEG codecs convert while decoding. Palette colour stays as indices (see color.applyPalette).
import { decoderFor } from './codecs/registry';
import { ybrFullToRgb } from './color';
import { DicomError, wrapError } from './errors';
import type { ParsedDicom } from './parse';
import {
  allocateStored,
  encapsulatedFrame,
  framePixelCount,
  readNativeFrames,
  type PixelInfo,
  type StoredPixels,
} from './pixelData';

export interface DecodedPixels {
  pixels: StoredPixels;
  /** Photometric interpretation of `pixels` (RGB once YBR has been converted). */
  photometric: string;
}

export async function decodePixels(parsed: ParsedDicom, info: PixelInfo): Promise<DecodedPixels> {
  const { pixels, photometric } =
    parsed.syntax.encoding === 'native'
      ? { pixels: readNativeFrames(parsed, info), photometric: info.photometric }
      : await decodeEncapsulated(parsed, info);
  if ((photometric === 'YBR_FULL' || photometric === 'YBR_FULL_422') && info.samplesPerPixel === 3) {
    if (info.bitsAllocated !== 8)
      throw new DicomError(
        parsed.file,
        `${photometric} with ${info.bitsAllocated}-bit samples cannot be converted to RGB`,
      );
    ybrFullToRgb(pixels);
    return { pixels, photometric: 'RGB' };
  }
  return { pixels, photometric };
}

async function decodeEncapsulated(parsed: ParsedDicom, info: PixelInfo): Promise<DecodedPixels> {
  const decoder = decoderFor(parsed.syntax, info, parsed.file);
  const perFrame = framePixelCount(info);
  const out = allocateStored(info, perFrame * info.frames);
  let photometric = info.photometric;
  for (let frame = 0; frame < info.frames; frame++) {
    const bytes = encapsulatedFrame(parsed, info, frame);
    try {
      const decoded = await decoder(bytes, info);
      out.set(decoded.pixels, frame * perFrame);
      photometric = decoded.photometric ?? photometric;
    } catch (error) {
      throw wrapError(parsed.file, `frame ${frame} of ${info.frames} (${parsed.syntax.name}) is corrupt`, error);
    }
  }
  return { pixels: out, photometric };
}
