// Which decoder handles which pixel encoding. Decoders load their npm package on first use.
import { DicomError } from '../errors';
import type { PixelInfo } from '../pixelData';
import { TRANSFER_SYNTAX, type TransferSyntax } from '../transferSyntax';
import { decodeHtj2k, decodeJpeg2000, decodeJpegBaseline, decodeJpegLs } from './jpegFamily';
import { decodeJpegLossless } from './jpegLossless';
import { decodeRle } from './rleCodec';
import type { FrameDecoder } from './types';

const DECODERS: Record<string, FrameDecoder> = {
  rle: decodeRle,
  'jpeg-baseline': decodeJpegBaseline,
  'jpeg-lossless': decodeJpegLossless,
  'jpeg-ls': decodeJpegLs,
  'jpeg-2000': decodeJpeg2000,
  htj2k: decodeHtj2k,
};

/** The decoder for a compressed syntax, or a DicomError saying why there is none. */
export function decoderFor(syntax: TransferSyntax, info: PixelInfo, file: string): FrameDecoder {
  if (info.bitsAllocated === 1)
    throw new DicomError(
      file,
      `cannot decode 1-bit pixel data in ${syntax.name}; only uncompressed 1-bit data are supported`,
    );
  // JPEG extended with 8-bit samples is plain DCT JPEG that libjpeg-turbo reads; 12-bit samples are not.
  if (syntax.uid === TRANSFER_SYNTAX.jpegExtended && info.bitsStored <= 8) return decodeJpegBaseline;
  const decoder = DECODERS[syntax.encoding];
  if (decoder) return decoder;
  const hint =
    syntax.uid === TRANSFER_SYNTAX.jpegExtended
      ? ` with ${info.bitsStored}-bit samples: no decoder for 12-bit JPEG is available in Node`
      : '';
  throw new DicomError(
    file,
    `cannot decode pixel data in ${syntax.name} (${syntax.uid})${hint}; convert the file first (e.g. dcmdjpeg or gdcmconv --raw)`,
  );
}
