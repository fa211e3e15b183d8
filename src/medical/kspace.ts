// k-space for MR teaching: an MR scanner measures the 2-D Fourier transform of the image (k-space), line by
// line along the phase-encode direction. Measuring fewer lines makes the scan faster; filling the missing
// lines with zeros and transforming back (zero-filled reconstruction) gives aliasing and blur that a CNN
// can learn to reduce. Radix-2 FFT on a zero-padded grid: images of any size, exact inverse after cropping.
import { seededRandom } from '../common/random';

export class KSpaceError extends Error {
  constructor(
    readonly operation: string,
    readonly reason: string,
  ) {
    super(`${operation}: ${reason}`);
    this.name = 'KSpaceError';
  }
}

/** Centred k-space (DC in the middle) of an image zero-padded to powers of two. */
export interface KSpace {
  /** Padded grid size (powers of two). */
  rows: number;
  columns: number;
  /** Size of the image it came from, restored by `fromKSpace`. */
  imageRows: number;
  imageColumns: number;
  real: Float32Array;
  imag: Float32Array;
}

export interface UndersamplingOptions {
  /** Phase-encode lines (k-space rows). */
  lines: number;
  /** Keep about 1 / acceleration of the lines, e.g. 4 for a 4× faster scan. */
  acceleration: number;
  /** Fraction of lines around the centre always kept (they hold the contrast). Default 0.08. */
  centerFraction?: number;
  /** Seed of the random choice of the other lines. Default 1. */
  seed?: number;
}

function nextPowerOfTwo(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}

/** In-place iterative radix-2 FFT of one complex vector of length n (a power of two), read with a stride. */
function fft1d(real: Float64Array, imag: Float64Array, inverse: boolean): void {
  const n = real.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [real[i], real[j]] = [real[j], real[i]];
      [imag[i], imag[j]] = [imag[j], imag[i]];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const angle = ((inverse ? 2 : -2) * Math.PI) / size;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let start = 0; start < n; start += size) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < size / 2; k++) {
        const a = start + k;
        const b = a + size / 2;
        const tr = real[b] * cr - imag[b] * ci;
        const ti = real[b] * ci + imag[b] * cr;
        real[b] = real[a] - tr;
        imag[b] = imag[a] - ti;
        real[a] += tr;
        imag[a] += ti;
        [cr, ci] = [cr * wr - ci * wi, cr * wi + ci * wr];
      }
    }
  }
  if (inverse) {
    for (let i = 0; i < n; i++) {
      real[i] /= n;
      imag[i] /= n;
    }
  }
}

/** 2-D FFT in place over a rows × columns grid (both powers of two): rows first, then columns. */
function fft2d(real: Float64Array, imag: Float64Array, rows: number, columns: number, inverse: boolean): void {
  const lineR = new Float64Array(Math.max(rows, columns));
  const lineI = new Float64Array(lineR.length);
  const pass = (count: number, length: number, index: (line: number, k: number) => number): void => {
    const r = lineR.subarray(0, length);
    const i = lineI.subarray(0, length);
    for (let line = 0; line < count; line++) {
      for (let k = 0; k < length; k++) {
        r[k] = real[index(line, k)];
        i[k] = imag[index(line, k)];
      }
      fft1d(r, i, inverse);
      for (let k = 0; k < length; k++) {
        real[index(line, k)] = r[k];
        imag[index(line, k)] = i[k];
      }
    }
  };
  pass(rows, columns, (row, c) => row * columns + c);
  pass(columns, rows, (column, r) => r * columns + column);
}

/** Moves the zero frequency between the corner and the centre (its own inverse on even sizes). */
function shift(values: Float64Array, rows: number, columns: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++)
      out[((r + rows / 2) % rows) * columns + ((c + columns / 2) % columns)] = values[r * columns + c];
  }
  return out;
}

function checkSize(operation: string, values: ArrayLike<number>, rows: number, columns: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 1 || columns < 1) {
    throw new KSpaceError(operation, `rows and columns must be positive integers, got ${rows} × ${columns}`);
  }
  if (values.length !== rows * columns)
    throw new KSpaceError(operation, `expected ${rows} × ${columns} = ${rows * columns} values, got ${values.length}`);
}

/** The centred k-space of a real image (row-major), zero-padded to powers of two. */
export function toKSpace(image: ArrayLike<number>, rows: number, columns: number): KSpace {
  checkSize('toKSpace', image, rows, columns);
  const paddedRows = nextPowerOfTwo(rows);
  const paddedColumns = nextPowerOfTwo(columns);
  const real = new Float64Array(paddedRows * paddedColumns);
  const imag = new Float64Array(real.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) real[r * paddedColumns + c] = image[r * columns + c];
  }
  fft2d(real, imag, paddedRows, paddedColumns, false);
  return {
    rows: paddedRows,
    columns: paddedColumns,
    imageRows: rows,
    imageColumns: columns,
    real: Float32Array.from(shift(real, paddedRows, paddedColumns)),
    imag: Float32Array.from(shift(imag, paddedRows, paddedColumns)),
  };
}

/** The image back from centred k-space: the magnitude of the inverse FFT, cropped to the original size
 *  (the magnitude, as MR scanners show it, since missing lines make the result complex). */
export function fromKSpace(kspace: KSpace): Float32Array {
  const { rows, columns, imageRows, imageColumns } = kspace;
  checkSize('fromKSpace', kspace.real, rows, columns);
  checkSize('fromKSpace', kspace.imag, rows, columns);
  const real = shift(Float64Array.from(kspace.real), rows, columns);
  const imag = shift(Float64Array.from(kspace.imag), rows, columns);
  fft2d(real, imag, rows, columns, true);
  const image = new Float32Array(imageRows * imageColumns);
  for (let r = 0; r < imageRows; r++) {
    for (let c = 0; c < imageColumns; c++)
      image[r * imageColumns + c] = Math.hypot(real[r * columns + c], imag[r * columns + c]);
  }
  return image;
}

/** Which phase-encode lines a faster scan measures (1 = measured): a fully sampled centre, and random
 *  other lines until about lines / acceleration are kept. */
export function undersamplingMask(options: UndersamplingOptions): Uint8Array {
  const { lines, acceleration } = options;
  const centerFraction = options.centerFraction ?? 0.08;
  if (!Number.isInteger(lines) || lines < 1)
    throw new KSpaceError('undersamplingMask', `lines must be a positive integer, got ${lines}`);
  if (!(acceleration >= 1)) throw new KSpaceError('undersamplingMask', `acceleration must be ≥ 1, got ${acceleration}`);
  if (!(centerFraction >= 0 && centerFraction <= 1))
    throw new KSpaceError('undersamplingMask', `centerFraction must be in [0, 1], got ${centerFraction}`);
  const mask = new Uint8Array(lines);
  const target = Math.max(1, Math.round(lines / acceleration));
  const center = Math.min(target, Math.round(lines * centerFraction));
  const first = Math.floor(lines / 2 - center / 2);
  for (let i = 0; i < center; i++) mask[first + i] = 1;
  const others = Array.from(mask.keys()).filter((i) => mask[i] === 0);
  const random = seededRandom(options.seed ?? 1);
  for (let kept = center; kept < target && others.length > 0; kept++) {
    const [line] = others.splice(Math.floor(random() * others.length), 1);
    mask[line] = 1;
  }
  return mask;
}

/** k-space with the unmeasured lines (rows) set to zero. The mask has one entry per k-space row. */
export function applyLineMask(kspace: KSpace, mask: ArrayLike<number>): KSpace {
  if (mask.length !== kspace.rows)
    throw new KSpaceError('applyLineMask', `mask has ${mask.length} lines, k-space has ${kspace.rows} rows`);
  const real = kspace.real.slice();
  const imag = kspace.imag.slice();
  for (let r = 0; r < kspace.rows; r++) {
    if (mask[r]) continue;
    real.fill(0, r * kspace.columns, (r + 1) * kspace.columns);
    imag.fill(0, r * kspace.columns, (r + 1) * kspace.columns);
  }
  return { ...kspace, real, imag };
}

/** What the scanner would show from the measured lines only: k-space, mask, zeros, inverse FFT. */
export function zeroFilledReconstruction(
  image: ArrayLike<number>,
  rows: number,
  columns: number,
  mask: ArrayLike<number>,
): Float32Array {
  return fromKSpace(applyLineMask(toKSpace(image, rows, columns), mask));
}

/**
 * Keeps a reconstruction true to the scan: the estimate's k-space with every measured line (mask 1) replaced
 * by the measurement, back to an image. A refinement network can then only fill in the lines the scanner
 * skipped, never overwrite what it measured — the data-consistency step of learned MR reconstruction.
 * `measured` is the scan's k-space (only its measured lines are read).
 */
export function enforceDataConsistency(
  estimate: ArrayLike<number>,
  measured: KSpace,
  mask: ArrayLike<number>,
): Float32Array {
  if (mask.length !== measured.rows)
    throw new KSpaceError('enforceDataConsistency', `mask has ${mask.length} lines, k-space has ${measured.rows} rows`);
  const kspace = toKSpace(estimate, measured.imageRows, measured.imageColumns);
  for (let r = 0; r < measured.rows; r++) {
    if (!mask[r]) continue;
    const line = r * measured.columns;
    kspace.real.set(measured.real.subarray(line, line + measured.columns), line);
    kspace.imag.set(measured.imag.subarray(line, line + measured.columns), line);
  }
  return fromKSpace(kspace);
}

/** log(1 + |k|) of centred k-space, for display: the bright centre holds contrast, the edges fine detail. */
export function kspaceLogMagnitude(kspace: KSpace): Float32Array {
  return kspace.real.map((re, i) => Math.log1p(Math.hypot(re, kspace.imag[i])));
}
