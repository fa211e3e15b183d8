// The four @cornerstonejs codecs are Emscripten builds with the same decoder interface. This module
// loads one on first use (the .wasm sits next to its loader in the package), keeps its console output
// away from stdout (OpenJPEG prints an [INFO] line per frame), and copies the result out of wasm memory.
import { allocateStored, type PixelInfo, type StoredPixels } from '../pixelData';

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}

type WasmModule = Record<string, new () => WasmDecoder>;
type Factory = (options: { print: (text: string) => void; printErr: (text: string) => void }) => Promise<WasmModule>;

export interface EmscriptenCodec {
  /** Package subpath of the loader, e.g. '@cornerstonejs/codec-charls/decodewasmjs'. */
  loader: string;
  /** Decoder class the module exports, e.g. 'JpegLSDecoder'. */
  decoderClass: string;
}

const modules = new Map<string, Promise<WasmModule>>();

function loadModule(codec: EmscriptenCodec): Promise<WasmModule> {
  let module = modules.get(codec.loader);
  if (!module) {
    // Lazy require: a user who never opens a JPEG 2000 file never loads OpenJPEG.
    const factory = require(codec.loader) as Factory;
    const quiet = (): void => undefined;
    module = factory({ print: quiet, printErr: quiet });
    modules.set(codec.loader, module);
  }
  return module;
}

/** Decodes one frame; throws an Error saying what the codec reported when it does not match the header. */
export async function decodeWithEmscripten(
  codec: EmscriptenCodec,
  frame: Uint8Array,
  info: PixelInfo,
): Promise<{ pixels: StoredPixels; frameInfo: FrameInfo }> {
  const module = await loadModule(codec);
  const decoder = new module[codec.decoderClass]();
  try {
    decoder.getEncodedBuffer(frame.length).set(frame);
    decoder.decode();
    const frameInfo = decoder.getFrameInfo();
    if (
      frameInfo.width !== info.columns ||
      frameInfo.height !== info.rows ||
      frameInfo.componentCount !== info.samplesPerPixel
    ) {
      throw new Error(
        `the compressed frame is ${frameInfo.width}×${frameInfo.height}×${frameInfo.componentCount}, the header says ${info.columns}×${info.rows}×${info.samplesPerPixel}`,
      );
    }
    return { pixels: storedFromBytes(decoder.getDecodedBuffer(), frameInfo.bitsPerSample, info), frameInfo };
  } finally {
    decoder.delete();
  }
}

/** Decoded bytes (1 byte per sample up to 8 bits, 2 up to 16, little endian) → a new stored-type array. */
function storedFromBytes(bytes: Uint8Array, bitsPerSample: number, info: PixelInfo): StoredPixels {
  const count = info.rows * info.columns * info.samplesPerPixel;
  const width = bitsPerSample <= 8 ? 1 : bitsPerSample <= 16 ? 2 : 4;
  if (bytes.length < count * width)
    throw new Error(`decoder returned ${bytes.length} bytes, expected ${count * width}`);
  const out = allocateStored(info, count);
  if (width === info.bitsAllocated / 8) {
    new Uint8Array(out.buffer).set(bytes.subarray(0, count * width));
    return out;
  }
  // A stream narrower than Bits Allocated (8-bit samples in 16-bit words): widen value by value.
  const aligned = new Uint8Array(bytes.subarray(0, count * width));
  const source =
    width === 1 ? aligned : width === 2 ? new Uint16Array(aligned.buffer) : new Uint32Array(aligned.buffer);
  for (let i = 0; i < count; i++) out[i] = source[i];
  return out;
}
