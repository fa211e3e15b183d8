// What every pixel-data decoder offers the reader: one compressed frame in, stored values out.
import type { PixelInfo, StoredPixels } from '../pixelData';

export interface DecodedFrame {
  /** rows × columns × samples stored values, samples interleaved. */
  pixels: StoredPixels;
  /** Set when decoding changed the colour space (a JPEG YCbCr stream comes out RGB). */
  photometric?: string;
}

export type FrameDecoder = (frame: Uint8Array, info: PixelInfo) => Promise<DecodedFrame>;
