// RLE Lossless as a frame decoder (the algorithm is in ../rle).
import { allocateStored } from '../pixelData';
import { decodeRleFrame } from '../rle';
import type { FrameDecoder } from './types';

export const decodeRle: FrameDecoder = async (frame, info) => {
  const pixels = allocateStored(info, info.rows * info.columns * info.samplesPerPixel);
  decodeRleFrame(
    frame,
    info.rows * info.columns,
    info.samplesPerPixel,
    info.bitsAllocated / 8,
    new Uint8Array(pixels.buffer),
  );
  return { pixels };
};
