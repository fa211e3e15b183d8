// Decoding without any system package: files made here, with known pixels, in every transfer syntax radnb's
// writer or an npm encoder can produce — the data set in implicit, explicit and big-endian VR by the writer,
// the pixels compressed losslessly by the JPEG-LS, JPEG 2000 and HTJ2K encoders of the codec packages radnb
// decodes with, and RLE by PackBits below. Each must decode to exactly the pixels written.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeDicom } from '../../src/medical/image';
import { TRANSFER_SYNTAX } from '../../src/medical/transferSyntax';
import { createDicomFile, writeDicomFile } from '../../src/medical/writer';
import { encapsulate } from './support/encapsulate';

const ROWS = 48;
const COLUMNS = 40;
const FRAMES = 2;
const BITS_STORED = 12;
const INTERCEPT = -1024;
/** Two different frames of 12-bit values: ramps, a flat block (runs for RLE) and the extremes. */
const PIXELS = Uint16Array.from({ length: FRAMES * ROWS * COLUMNS }, (_, i) => {
  const frame = Math.floor(i / (ROWS * COLUMNS));
  const row = Math.floor(i / COLUMNS) % ROWS;
  const column = i % COLUMNS;
  if (row < 8) return 2000 + frame; // flat
  if (column === 0) return frame === 0 ? 0 : 4095;
  return (row * 101 + column * 37 + frame * 500) % 4096;
});

const frameOf = (k: number): Uint16Array => PIXELS.subarray(k * ROWS * COLUMNS, (k + 1) * ROWS * COLUMNS);
const bytesOf = (words: Uint16Array): Uint8Array => new Uint8Array(words.buffer, words.byteOffset, words.byteLength);

/** A 2-frame 12-bit MONOCHROME2 file written by radnb's writer in a native syntax. */
function nativeFile(syntax: string): Uint8Array {
  const bigEndian = syntax === TRANSFER_SYNTAX.explicitBig;
  const words = bigEndian ? PIXELS.map((v) => ((v & 0xff) << 8) | (v >> 8)) : PIXELS.slice();
  const uid = '2.25.314159265358979323846264338327950288';
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: '1.2.840.10008.5.1.4.1.1.7.3',
    MediaStorageSOPInstanceUID: uid,
    TransferSyntaxUID: syntax,
    ImplementationClassUID: '2.25.283927434712734916548129378841029384761',
  };
  const dataset = {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.7.3',
    SOPInstanceUID: uid,
    Modality: 'CT',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    NumberOfFrames: String(FRAMES),
    Rows: ROWS,
    Columns: COLUMNS,
    BitsAllocated: 16,
    BitsStored: BITS_STORED,
    HighBit: BITS_STORED - 1,
    PixelRepresentation: 0,
    RescaleIntercept: String(INTERCEPT),
    RescaleSlope: '1',
    PixelData: [words.buffer],
    _vrMap: { PixelData: 'OW' },
  };
  return writeDicomFile(createDicomFile(meta, dataset), `generated ${syntax}`);
}

type Encoder = {
  getDecodedBuffer(frameInfo: object): Uint8Array;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
};
type EncoderModule = Record<string, new () => Encoder>;

/** Each frame compressed by an Emscripten encoder of the codec packages (lossless by default). */
async function emscriptenFrames(loader: string, encoderClass: string): Promise<Uint8Array[]> {
  const factory = require(loader) as (options: object) => Promise<EncoderModule>;
  const codec = await factory({ print: () => undefined, printErr: () => undefined });
  return Array.from({ length: FRAMES }, (_, k) => {
    const encoder = new codec[encoderClass]();
    try {
      const frameInfo = {
        width: COLUMNS,
        height: ROWS,
        bitsPerSample: BITS_STORED,
        componentCount: 1,
        isSigned: false,
        isUsingColorTransform: false,
      };
      encoder.getDecodedBuffer(frameInfo).set(bytesOf(frameOf(k)));
      encoder.encode();
      return new Uint8Array(encoder.getEncodedBuffer()); // a copy (charls hands out a Uint8ClampedArray)
    } finally {
      encoder.delete();
    }
  });
}

/** PackBits as DICOM RLE uses it: a replicate run is 1 − n then the byte, a literal run n − 1 then n bytes. */
function packBits(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    let run = 1;
    while (i + run < bytes.length && run < 128 && bytes[i + run] === bytes[i]) run++;
    if (run >= 2) {
      out.push(257 - run, bytes[i]);
      i += run;
      continue;
    }
    let end = i + 1;
    while (end < bytes.length && end - i < 128 && bytes[end] !== bytes[end + 1]) end++;
    out.push(end - i - 1, ...bytes.subarray(i, end));
    i = end;
  }
  if (out.length % 2) out.push(0); // segments have even length
  return out;
}

/** RLE frames: a 64-byte header, then one segment per byte plane, most significant first. */
function rleFrames(): Uint8Array[] {
  return Array.from({ length: FRAMES }, (_, k) => {
    const frame = frameOf(k);
    const segments = [Uint8Array.from(frame, (v) => v >> 8), Uint8Array.from(frame, (v) => v & 0xff)].map(packBits);
    const header = new DataView(new ArrayBuffer(64));
    header.setUint32(0, segments.length, true);
    header.setUint32(4, 64, true);
    header.setUint32(8, 64 + segments[0].length, true);
    return Uint8Array.from([...new Uint8Array(header.buffer), ...segments[0], ...segments[1]]);
  });
}

const compressed = (uid: string, frames: () => Uint8Array[] | Promise<Uint8Array[]>) => async (): Promise<Uint8Array> =>
  encapsulate(nativeFile(TRANSFER_SYNTAX.explicitLittle), uid, await frames());

const CASES: { syntax: string; file: () => Uint8Array | Promise<Uint8Array> }[] = [
  { syntax: 'Implicit VR Little Endian', file: () => nativeFile(TRANSFER_SYNTAX.implicitLittle) },
  { syntax: 'Explicit VR Little Endian', file: () => nativeFile(TRANSFER_SYNTAX.explicitLittle) },
  { syntax: 'Explicit VR Big Endian', file: () => nativeFile(TRANSFER_SYNTAX.explicitBig) },
  { syntax: 'RLE Lossless', file: compressed('1.2.840.10008.1.2.5', rleFrames) },
  {
    syntax: 'JPEG-LS Lossless',
    file: compressed('1.2.840.10008.1.2.4.80', () =>
      emscriptenFrames('@cornerstonejs/codec-charls/wasmjs', 'JpegLSEncoder'),
    ),
  },
  {
    syntax: 'JPEG 2000 Lossless',
    file: compressed('1.2.840.10008.1.2.4.90', () =>
      emscriptenFrames('@cornerstonejs/codec-openjpeg/wasmjs', 'J2KEncoder'),
    ),
  },
  {
    syntax: 'HTJ2K Lossless',
    file: compressed('1.2.840.10008.1.2.4.201', () =>
      emscriptenFrames('@cornerstonejs/codec-openjph/wasmjs', 'HTJ2KEncoder'),
    ),
  },
];

describe('decoding files made with known pixels, without system packages', () => {
  for (const c of CASES) {
    test(`${c.syntax}: both frames decode to the pixels written, and HU = stored + intercept`, async () => {
      const image = await decodeDicom(await c.file(), `generated ${c.syntax}`);
      assert.equal(image.syntax.name, c.syntax);
      assert.equal(image.frames, FRAMES);
      const decoded = image.pixelArray;
      const firstWrong = PIXELS.findIndex((v, i) => decoded[i] !== v);
      assert.equal(firstWrong, -1, `pixel ${firstWrong}: ${decoded[firstWrong]} instead of ${PIXELS[firstWrong]}`);
      assert.equal(decoded.length, PIXELS.length);
      const hu = image.modalityValues();
      assert.equal(hu[0], PIXELS[0] + INTERCEPT);
      assert.equal(hu[PIXELS.length - 1], PIXELS[PIXELS.length - 1] + INTERCEPT);
    });
  }
});
