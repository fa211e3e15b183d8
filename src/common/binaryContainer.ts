// The byte layout shared by radnb's binary output items (DICOM viewer, feature maps): a small JSON header
// followed by 8-byte aligned sections of typed-array bytes. Pure TypeScript — no Node or DOM API — because
// the kernel encodes it and the renderer decodes it. Compression is injected (zlib in Node,
// DecompressionStream in the browser); the byte filters that make pixels compress well live here.
//
// Layout: "RDNB" | u32 LE version | u32 LE header length | header JSON (UTF-8) | padding | sections…

export const CONTAINER_VERSION = 1;
const MAGIC = [0x52, 0x44, 0x4e, 0x42]; // "RDNB"
const PREFIX_BYTES = 12;
const ALIGN = 8;

export type SampleType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32';
export type TypedSamples = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array;

/** How a section's bytes are stored: as-is, or prediction residuals + byte-plane shuffled + zlib (deflate). */
export type SectionEncoding = 'raw' | 'predict-shuffle-deflate';

export interface SectionRef {
  offset: number;
  byteLength: number;
  type: SampleType;
  /** Number of samples once decoded. */
  length: number;
  encoding: SectionEncoding;
  /** Pixels per row and samples per pixel (3 for interleaved RGB): the predictor's neighbours. */
  width: number;
  stride: number;
}

export type Compress = (bytes: Uint8Array) => Uint8Array;
export type Decompress = (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>;

export class ContainerError extends Error {
  constructor(what: string, reason: string) {
    super(`${what}: ${reason}`);
    this.name = 'ContainerError';
  }
}

const CONSTRUCTORS = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
} as const;

export function sampleTypeOf(samples: TypedSamples): SampleType {
  for (const [name, ctor] of Object.entries(CONSTRUCTORS)) {
    if (samples instanceof ctor) return name as SampleType;
  }
  throw new ContainerError('binary container', `unsupported sample array ${Object.prototype.toString.call(samples)}`);
}

export function allocateSamples(type: SampleType, length: number): TypedSamples {
  return new CONSTRUCTORS[type](length);
}

function viewSamples(type: SampleType, buffer: ArrayBuffer, byteOffset: number, length: number): TypedSamples {
  return new CONSTRUCTORS[type](buffer, byteOffset, length);
}

const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

const SIGNED = { 1: Int8Array, 2: Int16Array, 4: Int32Array } as const;
const UNSIGNED = { 1: Uint8Array, 2: Uint16Array, 4: Uint32Array } as const;
type Width = keyof typeof SIGNED;

/** LOCO-I median edge predictor (JPEG-LS) from the left, upper and upper-left neighbours. */
function predict(s: TypedSamples, i: number, x: number, y: number, stride: number, rowSamples: number): number {
  if (x === 0) return y === 0 ? 0 : s[i - rowSamples];
  const a = s[i - stride];
  if (y === 0) return a;
  const b = s[i - rowSamples];
  const c = s[i - rowSamples - stride];
  if (c >= Math.max(a, b)) return Math.min(a, b);
  if (c <= Math.min(a, b)) return Math.max(a, b);
  return a + b - c;
}

/** Prediction residuals (wrapping in the sample's width, zig-zag folded so small errors are small bytes),
 *  then byte planes one after another: residuals of smooth CT are small, so the high-byte plane is almost
 *  all zeros and deflates away — a 512² CT then weighs about its windowed 8-bit PNG. */
function predictShuffle(samples: TypedSamples, width: number, stride: number): Uint8Array {
  const size = samples.BYTES_PER_ELEMENT as Width;
  const folded = new UNSIGNED[size](samples.length);
  if (samples instanceof Float32Array) {
    folded.set(new Uint32Array(samples.buffer, samples.byteOffset, samples.length)); // floats: shuffle only
  } else {
    const residual = new SIGNED[size](1);
    const bits = size * 8;
    const rowSamples = width * stride;
    const rows = samples.length / rowSamples;
    for (let y = 0, i = 0; y < rows; y++) {
      for (let x = 0; x < width; x++) {
        for (let k = 0; k < stride; k++, i++) {
          residual[0] = samples[i] - predict(samples, i, x, y, stride, rowSamples);
          const r = residual[0];
          folded[i] = (r << 1) ^ (r >> (bits - 1));
        }
      }
    }
  }
  const bytes = new Uint8Array(folded.buffer);
  const out = new Uint8Array(bytes.length);
  const n = folded.length;
  for (let plane = 0; plane < size; plane++) {
    for (let i = 0; i < n; i++) out[plane * n + i] = bytes[i * size + plane];
  }
  return out;
}

function unshuffleUnpredict(bytes: Uint8Array, ref: SectionRef): TypedSamples {
  const samples = allocateSamples(ref.type, ref.length);
  const size = samples.BYTES_PER_ELEMENT as Width;
  const n = ref.length;
  if (bytes.length !== n * size) {
    throw new ContainerError('binary container', `section holds ${bytes.length} bytes, expected ${n * size}`);
  }
  const out = new Uint8Array(samples.buffer);
  for (let plane = 0; plane < size; plane++) {
    const base = plane * n;
    for (let i = 0; i < n; i++) out[i * size + plane] = bytes[base + i];
  }
  if (samples instanceof Float32Array) return samples;
  const folded = new UNSIGNED[size](samples.buffer as ArrayBuffer);
  const residual = new SIGNED[size](1);
  const rowSamples = ref.width * ref.stride;
  const rows = n / rowSamples;
  // Typed-array stores wrap to the sample width, which inverts the wrapping subtraction of the encoder.
  for (let y = 0, i = 0; y < rows; y++) {
    for (let x = 0; x < ref.width; x++) {
      for (let k = 0; k < ref.stride; k++, i++) {
        const u = folded[i];
        residual[0] = (u >>> 1) ^ -(u & 1);
        samples[i] = residual[0] + predict(samples, i, x, y, ref.stride, rowSamples);
      }
    }
  }
  return samples;
}

export interface SectionInput {
  samples: TypedSamples;
  /** Pixels per row and samples per pixel: the predictor's neighbours. */
  width: number;
  stride: number;
}

/** Builds a container: `makeHeader` receives the section references (offsets known) and returns the JSON header. */
export function encodeContainer<H>(
  sections: SectionInput[],
  makeHeader: (refs: SectionRef[]) => H,
  compress?: Compress,
): Uint8Array {
  const bodies = sections.map((s) =>
    compress
      ? compress(predictShuffle(s.samples, s.width, s.stride))
      : new Uint8Array(s.samples.buffer, s.samples.byteOffset, s.samples.byteLength),
  );
  const encoding: SectionEncoding = compress ? 'predict-shuffle-deflate' : 'raw';
  // Offsets depend on the header length, which depends on the offsets: relative offsets first, then shift.
  const relative: number[] = [];
  let cursor = 0;
  for (const body of bodies) {
    relative.push(cursor);
    cursor = align(cursor + body.length);
  }
  const bodyBytes = cursor;
  const refsAt = (base: number): SectionRef[] =>
    sections.map((s, i) => ({
      offset: base + relative[i],
      byteLength: bodies[i].length,
      type: sampleTypeOf(s.samples),
      length: s.samples.length,
      encoding,
      width: s.width,
      stride: s.stride,
    }));
  const encoder = new TextEncoder();
  // Pad the offset width so that the header length cannot change when the real base is filled in.
  let base = 1e9;
  let headerBytes = encoder.encode(JSON.stringify(makeHeader(refsAt(base))));
  base = align(PREFIX_BYTES + headerBytes.length);
  const finalHeader = encoder.encode(JSON.stringify(makeHeader(refsAt(base))));
  if (finalHeader.length > headerBytes.length)
    throw new ContainerError('binary container', 'header grew while placing sections');
  headerBytes = finalHeader;
  const out = new Uint8Array(base + bodyBytes);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, CONTAINER_VERSION, true);
  view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, PREFIX_BYTES);
  bodies.forEach((body, i) => out.set(body, base + relative[i]));
  return out;
}

/** Reads the JSON header of a container; `what` names the output in errors. */
export function readContainerHeader<H>(bytes: Uint8Array, what: string): H {
  if (bytes.length < PREFIX_BYTES || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new ContainerError(what, 'not a radnb binary output (bad magic)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== CONTAINER_VERSION) throw new ContainerError(what, `unsupported version ${version}`);
  const length = view.getUint32(8, true);
  if (PREFIX_BYTES + length > bytes.length) throw new ContainerError(what, 'truncated header');
  try {
    return JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + length))) as H;
  } catch (err) {
    throw new ContainerError(what, `header is not JSON (${(err as Error).message})`);
  }
}

/** Decodes one section into a typed array (a zero-copy view when stored raw and aligned). */
export async function readSection(
  bytes: Uint8Array,
  ref: SectionRef,
  what: string,
  decompress?: Decompress,
): Promise<TypedSamples> {
  if (ref.offset + ref.byteLength > bytes.length) throw new ContainerError(what, 'truncated section');
  const body = bytes.subarray(ref.offset, ref.offset + ref.byteLength);
  if (ref.encoding === 'raw') {
    const start = bytes.byteOffset + ref.offset;
    if (start % ALIGN === 0) return viewSamples(ref.type, bytes.buffer as ArrayBuffer, start, ref.length);
    return viewSamples(ref.type, body.slice().buffer, 0, ref.length);
  }
  if (ref.encoding !== 'predict-shuffle-deflate')
    throw new ContainerError(what, `unknown section encoding ${String(ref.encoding)}`);
  if (!decompress) throw new ContainerError(what, 'compressed section but no decompressor');
  return unshuffleUnpredict(await decompress(body), ref);
}
