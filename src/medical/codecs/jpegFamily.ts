// JPEG baseline/extended 8-bit (libjpeg-turbo), JPEG-LS (CharLS), JPEG 2000 (OpenJPEG) and HTJ2K
// (OpenJPH), all through the shared Emscripten wrapper.
import type { PixelInfo } from '../pixelData';
import { decodeWithEmscripten, type EmscriptenCodec } from './emscripten';
import { markAsRgb } from './jpegColorSpace';
import type { DecodedFrame, FrameDecoder } from './types';

const LIBJPEG_TURBO: EmscriptenCodec = {
  loader: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
  decoderClass: 'JPEGDecoder',
};
const CHARLS: EmscriptenCodec = { loader: '@cornerstonejs/codec-charls/decodewasmjs', decoderClass: 'JpegLSDecoder' };
const OPENJPEG: EmscriptenCodec = { loader: '@cornerstonejs/codec-openjpeg/decodewasmjs', decoderClass: 'J2KDecoder' };
const OPENJPH: EmscriptenCodec = { loader: '@cornerstonejs/codec-openjph/wasmjs', decoderClass: 'HTJ2KDecoder' };

/** libjpeg-turbo turns YCbCr into RGB while decoding, as pydicom's JPEG handlers do; streams of RGB
 *  images stay untransformed. */
export const decodeJpegBaseline: FrameDecoder = async (frame, info) => {
  const stream = info.samplesPerPixel === 3 && info.photometric === 'RGB' ? markAsRgb(frame) : frame;
  const { pixels } = await decodeWithEmscripten(LIBJPEG_TURBO, stream, info);
  return info.samplesPerPixel === 3 ? { pixels, photometric: 'RGB' } : { pixels };
};

export const decodeJpegLs: FrameDecoder = async (frame, info) => {
  const { pixels } = await decodeWithEmscripten(CHARLS, frame, info);
  return { pixels: signExtend(pixels, info) };
};

/** OpenJPEG reverses the multi-component transform, so YBR_RCT/YBR_ICT come out RGB. */
export const decodeJpeg2000: FrameDecoder = async (frame, info) => decodeJ2kFamily(OPENJPEG, frame, info);

export const decodeHtj2k: FrameDecoder = async (frame, info) => decodeJ2kFamily(OPENJPH, frame, info);

async function decodeJ2kFamily(codec: EmscriptenCodec, frame: Uint8Array, info: PixelInfo): Promise<DecodedFrame> {
  const { pixels } = await decodeWithEmscripten(codec, frame, info);
  const pixelsOut = signExtend(pixels, info);
  return info.samplesPerPixel === 3 && /^YBR_(RCT|ICT)$/.test(info.photometric)
    ? { pixels: pixelsOut, photometric: 'RGB' }
    : { pixels: pixelsOut };
}

/** Codecs return signed samples of fewer than Bits Allocated bits without their sign bits; like pydicom,
 *  interpret Bits Stored as two's complement when Pixel Representation says signed. */
function signExtend<T extends DecodedFrame['pixels']>(pixels: T, info: PixelInfo): T {
  if (info.pixelRepresentation !== 1 || info.bitsStored >= info.bitsAllocated) return pixels;
  const shift = 32 - info.bitsStored;
  for (let i = 0; i < pixels.length; i++) pixels[i] = (pixels[i] << shift) >> shift;
  return pixels;
}
