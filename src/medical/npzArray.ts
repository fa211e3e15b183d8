// NumPy .npy arrays (format versions 1–3): header dict (descr, fortran_order, shape), any byte order,
// returned as a C-ordered typed array in native byte order.
import { NpzError } from './npzZip';

export type NpyData =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

export interface NpyArray {
  /** NumPy dtype without byte order: 'u1', 'i2', 'f4', 'b1', … */
  dtype: string;
  shape: number[];
  /** Row-major (C order) values; booleans as 0/1 bytes. */
  data: NpyData;
}

type Constructor = { new (buffer: ArrayBuffer): NpyData; BYTES_PER_ELEMENT: number };

const TYPES: Record<string, Constructor> = {
  b1: Uint8Array,
  u1: Uint8Array,
  i1: Int8Array,
  u2: Uint16Array,
  i2: Int16Array,
  u4: Uint32Array,
  i4: Int32Array,
  u8: BigUint64Array,
  i8: BigInt64Array,
  f4: Float32Array,
  f8: Float64Array,
};

const MAGIC = '\x93NUMPY';

export function parseNpy(bytes: Uint8Array, name: string): NpyArray {
  if (bytes.length < 10 || String.fromCharCode(...bytes.subarray(0, 6)) !== MAGIC)
    throw new NpzError(name, 'not a .npy array (bad magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = Buffer.from(bytes.subarray(headerStart, headerStart + headerLength)).toString(
    major === 3 ? 'utf8' : 'latin1',
  );
  const descr = /'descr'\s*:\s*'([<>|=])([a-z]\d+)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeText)
    throw new NpzError(name, `unreadable .npy header ${JSON.stringify(header.trim())}`);
  const [, order, dtype] = descr;
  const type = TYPES[dtype];
  if (!type) throw new NpzError(name, `dtype ${dtype} is not supported (numeric and bool only)`);
  const shape = shapeText[1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLength;
  const byteLength = count * type.BYTES_PER_ELEMENT;
  if (start + byteLength > bytes.length)
    throw new NpzError(
      name,
      `truncated: shape (${shape.join(', ')}) needs ${byteLength} bytes, ${bytes.length - start} present`,
    );
  const raw = new Uint8Array(bytes.subarray(start, start + byteLength)); // a copy: aligned, independent of the file buffer
  if (order === '>' && type.BYTES_PER_ELEMENT > 1) swapBytes(raw, type.BYTES_PER_ELEMENT);
  const data = new type(raw.buffer);
  return { dtype, shape, data: fortran[1] === 'True' ? toRowMajor(data, shape) : data };
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

/** Fortran (column-major) order → C (row-major) order. */
function toRowMajor(data: NpyData, shape: number[]): NpyData {
  const out = new (data.constructor as Constructor)(new ArrayBuffer(data.byteLength));
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  const fStrides = shape.map((_, d) => shape.slice(0, d).reduce((a, b) => a * b, 1));
  for (let c = 0; c < data.length; c++) {
    let f = 0;
    for (let d = 0; d < rank; d++) f += index[d] * fStrides[d];
    (out as Float64Array)[c] = (data as Float64Array)[f];
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}
