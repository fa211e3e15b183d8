// Exact comparison of decoded pixels against a reference array, with a message that points at the
// first differing value instead of dumping megabytes.
import assert from 'node:assert/strict';
import type { NpyArray } from '../../../src/medical/npzArray';

const DTYPE_OF: Record<string, string> = {
  Uint8Array: 'u1',
  Int8Array: 'i1',
  Uint16Array: 'u2',
  Int16Array: 'i2',
  Uint32Array: 'u4',
  Int32Array: 'i4',
  Float32Array: 'f4',
  Float64Array: 'f8',
};

export function assertSamePixels(
  actual: ArrayLike<number> & { constructor: { name: string } },
  reference: NpyArray,
  what: string,
  tolerance = 0,
): void {
  const count = reference.shape.reduce((a, b) => a * b, 1);
  assert.equal(
    actual.length,
    count,
    `${what}: ${actual.length} values, reference has shape (${reference.shape.join(', ')})`,
  );
  // integer data must have pydicom's dtype too; real values are float32 here, float64 in pydicom
  if (!reference.dtype.startsWith('f'))
    assert.equal(DTYPE_OF[actual.constructor.name], reference.dtype, `${what}: dtype`);
  const ref = reference.data as ArrayLike<number | bigint>;
  let bad = 0;
  let first = -1;
  for (let i = 0; i < count; i++) {
    if (Math.abs(actual[i] - Number(ref[i])) > tolerance) {
      if (first < 0) first = i;
      bad++;
    }
  }
  assert.equal(
    bad,
    0,
    `${what}: ${bad} of ${count} values differ; first at ${first}: ${actual[first]} vs ${ref[first]}`,
  );
}
