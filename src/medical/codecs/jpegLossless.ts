// JPEG lossless, process 14 (any predictor, including selection value 1), with jpeg-lossless-decoder-js.
import { allocateStored } from '../pixelData';
import type { FrameDecoder } from './types';

interface LosslessModule {
  Decoder: new () => {
    decode(
      buffer: ArrayBuffer,
      offset: number,
      length: number,
      numBytes: number,
    ): Uint8Array | Uint16Array | Int16Array;
  };
}

let lossless: LosslessModule | undefined;

export const decodeJpegLossless: FrameDecoder = async (frame, info) => {
  lossless ??= require('jpeg-lossless-decoder-js') as LosslessModule;
  const bytesPerSample = info.bitsAllocated > 8 ? 2 : 1;
  const decoded = new lossless.Decoder().decode(
    frame.buffer as ArrayBuffer,
    frame.byteOffset,
    frame.byteLength,
    bytesPerSample,
  );
  const count = info.rows * info.columns * info.samplesPerPixel;
  if (decoded.length < count)
    throw new Error(`JPEG lossless frame decodes to ${decoded.length} samples, expected ${count}`);
  const pixels = allocateStored(info, count);
  for (let i = 0; i < count; i++) pixels[i] = decoded[i];
  return { pixels };
};
