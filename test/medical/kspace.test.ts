import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  KSpaceError,
  applyLineMask,
  enforceDataConsistency,
  fromKSpace,
  kspaceLogMagnitude,
  toKSpace,
  undersamplingMask,
  zeroFilledReconstruction,
} from '../../src/medical/kspace';
import { seededRandom } from '../../src/common/random';

function randomImage(rows: number, columns: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: rows * columns }, () => Math.round(random() * 1000));
}

/** The textbook DFT, O(n⁴), of the zero-padded image, shifted so that DC sits at (rows/2, columns/2). */
function naiveCentredDft(image: Float32Array, rows: number, columns: number, padRows: number, padColumns: number) {
  const real = new Float64Array(padRows * padColumns);
  const imag = new Float64Array(real.length);
  for (let u = 0; u < padRows; u++) {
    for (let v = 0; v < padColumns; v++) {
      let re = 0;
      let im = 0;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < columns; c++) {
          const angle = -2 * Math.PI * ((u * r) / padRows + (v * c) / padColumns);
          re += image[r * columns + c] * Math.cos(angle);
          im += image[r * columns + c] * Math.sin(angle);
        }
      }
      const at = ((u + padRows / 2) % padRows) * padColumns + ((v + padColumns / 2) % padColumns);
      real[at] = re;
      imag[at] = im;
    }
  }
  return { real, imag };
}

test('toKSpace equals the textbook DFT of the zero-padded image, DC in the centre', () => {
  const image = randomImage(6, 5, 3);
  const k = toKSpace(image, 6, 5);
  assert.deepEqual([k.rows, k.columns, k.imageRows, k.imageColumns], [8, 8, 6, 5]);
  const reference = naiveCentredDft(image, 6, 5, 8, 8);
  for (let i = 0; i < k.real.length; i++) {
    assert.ok(Math.abs(k.real[i] - reference.real[i]) < 0.05, `real ${i}: ${k.real[i]} vs ${reference.real[i]}`);
    assert.ok(Math.abs(k.imag[i] - reference.imag[i]) < 0.05, `imag ${i}: ${k.imag[i]} vs ${reference.imag[i]}`);
  }
  const sum = image.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(k.real[4 * 8 + 4] - sum) < 0.05, 'the centre holds the image sum (DC)');
});

test('fromKSpace inverts toKSpace on sizes that are and are not powers of two', () => {
  for (const [rows, columns] of [
    [64, 64],
    [37, 50],
  ]) {
    const image = randomImage(rows, columns, rows);
    const back = fromKSpace(toKSpace(image, rows, columns));
    assert.equal(back.length, rows * columns);
    const worst = back.reduce((m, v, i) => Math.max(m, Math.abs(v - image[i])), 0);
    assert.ok(worst < 0.01, `round trip error ${worst} on ${rows} × ${columns}`);
  }
});

test('undersamplingMask keeps 1/acceleration of the lines, the centre always, the same lines for a seed', () => {
  const mask = undersamplingMask({ lines: 128, acceleration: 4, centerFraction: 0.1, seed: 7 });
  assert.equal(
    mask.reduce((a, b) => a + b, 0),
    32,
  );
  for (let i = 58; i < 70; i++) assert.equal(mask[i], 1, `centre line ${i} kept`);
  assert.deepEqual(undersamplingMask({ lines: 128, acceleration: 4, centerFraction: 0.1, seed: 7 }), mask);
  assert.notDeepEqual(undersamplingMask({ lines: 128, acceleration: 4, centerFraction: 0.1, seed: 8 }), mask);
  assert.equal(
    undersamplingMask({ lines: 16, acceleration: 1 }).every((v) => v === 1),
    true,
  );
});

test('zero-filled reconstruction: exact with every line, degraded but close with a quarter of them', () => {
  const rows = 64;
  // a smooth disc: most energy near the k-space centre, as in anatomy
  const image = Float32Array.from({ length: rows * rows }, (_, i) =>
    Math.hypot((i % rows) - 30, Math.floor(i / rows) - 34) < 18 ? 100 : 10,
  );
  const full = zeroFilledReconstruction(image, rows, rows, new Uint8Array(rows).fill(1));
  assert.ok(full.every((v, i) => Math.abs(v - image[i]) < 0.01));
  const error = (recon: Float32Array): number =>
    Math.sqrt(recon.reduce((s, v, i) => s + (v - image[i]) ** 2, 0) / image.length);
  const quarter = error(
    zeroFilledReconstruction(image, rows, rows, undersamplingMask({ lines: rows, acceleration: 4, seed: 1 })),
  );
  const centreOnly = error(
    zeroFilledReconstruction(
      image,
      rows,
      rows,
      undersamplingMask({ lines: rows, acceleration: 4, centerFraction: 0.25 }),
    ),
  );
  assert.ok(quarter > 1, `missing lines must degrade the image (RMSE ${quarter})`);
  assert.ok(quarter < 30 && centreOnly < 30, `but keep the anatomy (RMSE ${quarter}, ${centreOnly})`);
});

test('applyLineMask zeroes whole unmeasured rows; log magnitude is brightest at DC', () => {
  const k = toKSpace(randomImage(8, 8, 1), 8, 8);
  const mask = [0, 1, 0, 1, 1, 0, 0, 1];
  const masked = applyLineMask(k, mask);
  for (let r = 0; r < 8; r++) {
    const row = masked.real.subarray(r * 8, r * 8 + 8);
    assert.equal(
      row.every((v) => v === 0),
      mask[r] === 0,
      `row ${r}`,
    );
  }
  const log = kspaceLogMagnitude(k);
  assert.equal(log.indexOf(Math.max(...log)), 4 * 8 + 4);
});

test('bad input is a KSpaceError that names the operation and the reason', () => {
  assert.throws(
    () => toKSpace([1, 2, 3], 2, 2),
    (e: unknown) => e instanceof KSpaceError && /toKSpace: expected 2 × 2 = 4 values, got 3/.test(e.message),
  );
  assert.throws(
    () => undersamplingMask({ lines: 10, acceleration: 0.5 }),
    /undersamplingMask: acceleration must be ≥ 1/,
  );
  assert.throws(
    () => applyLineMask(toKSpace([1, 2, 3, 4], 2, 2), [1]),
    /applyLineMask: mask has 1 lines, k-space has 2 rows/,
  );
});

test('data consistency keeps the measured lines: the truth stays the truth, a wrong estimate gets closer to it', () => {
  const rows = 32;
  const columns = 24; // padded to 32 × 32 in k-space
  const truth = randomImage(rows, columns, 5);
  const scan = toKSpace(truth, rows, columns);
  const mask = undersamplingMask({ lines: scan.rows, acceleration: 4, seed: 3 });
  const error = (image: Float32Array) =>
    Math.sqrt(image.reduce((sum, v, i) => sum + (v - truth[i]) ** 2, 0) / image.length);
  const kept = enforceDataConsistency(truth, scan, mask);
  assert.ok(error(kept) < 1e-2, `the true image is left as it is (RMS change ${error(kept)})`);
  const fullMask = new Uint8Array(scan.rows).fill(1);
  assert.ok(
    error(enforceDataConsistency(new Float32Array(truth.length), scan, fullMask)) < 1e-2,
    'a fully measured scan replaces any estimate',
  );
  const zeroFilled = zeroFilledReconstruction(truth, rows, columns, mask);
  const blurred = zeroFilled.map((v, i) => (v + zeroFilled[(i + 1) % zeroFilled.length]) / 2); // a poor "network"
  assert.ok(
    error(enforceDataConsistency(blurred, scan, mask)) < error(blurred),
    'the measured lines pull a wrong estimate towards the truth',
  );
  assert.throws(
    () => enforceDataConsistency(truth, scan, new Uint8Array(5)),
    (err: Error) => err instanceof KSpaceError && /mask has 5 lines, k-space has 32 rows/.test(err.message),
  );
});
