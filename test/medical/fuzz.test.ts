// Robustness: thousands of mutated and truncated copies of real files (every codec) go through parsing
// and the whole pixel pipeline. The process never crashes or hangs, and every failure is a DicomError.
// Seeded, so a failure reproduces: the message names the seed, the source file and the mutation.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import dicomParser from 'dicom-parser';
import { DicomError } from '../../src/medical/errors';
import { decodeDicom, type DicomImage } from '../../src/medical/image';
import { needFile } from '../support/env';
import { pydicomFile } from './support/samples';
import { seededRandom } from '../../src/common/random';

const SOURCES = [
  'MR_small.dcm',
  'MR_small_implicit.dcm',
  'MR_small_bigendian.dcm',
  'MR_small_RLE.dcm',
  'MR_small_jp2klossless.dcm',
  'MR_small_jpeg_ls_lossless.dcm',
  'SC_rgb_jpeg_dcmtk.dcm',
  'SC_rgb_jpeg_gdcm.dcm',
  'SC_rgb_rle_16bit_2frame.dcm',
  'SC_ybr_full_422_uncompressed.dcm',
  'rtdose_rle.dcm',
  'image_dfl.dcm',
].map(pydicomFile);

const ITERATIONS = Number(process.env.RADNB_FUZZ_ITERATIONS ?? 5000);
const SEED = Number(process.env.RADNB_FUZZ_SEED ?? 20240601);

type Mutation = (bytes: Uint8Array, next: () => number) => { bytes: Uint8Array; what: string };

const int = (next: () => number, n: number): number => Math.floor(next() * n);

const MUTATIONS: Mutation[] = [
  (b, next) => {
    const out = b.slice();
    const n = 1 + int(next, 16);
    for (let i = 0; i < n; i++) out[int(next, out.length)] = int(next, 256);
    return { bytes: out, what: `${n} random bytes` };
  },
  (b, next) => {
    const length = int(next, b.length);
    return { bytes: b.slice(0, length), what: `truncated to ${length}` };
  },
  (b, next) => {
    // a plausible-looking length or count: the fields hostile files abuse
    const out = b.slice();
    const at = int(next, out.length - 4);
    const values = [0xffffffff, 0x7fffffff, 0x10000, 0xffff, 0, 1, out.length];
    new DataView(out.buffer).setUint32(at, values[int(next, values.length)], true);
    return { bytes: out, what: `32-bit value at ${at}` };
  },
  (b, next) => {
    const at = int(next, b.length);
    const insert = Uint8Array.from({ length: 1 + int(next, 64) }, () => int(next, 256));
    const out = new Uint8Array(b.length + insert.length);
    out.set(b.subarray(0, at));
    out.set(insert, at);
    out.set(b.subarray(at), at + insert.length);
    return { bytes: out, what: `${insert.length} bytes inserted at ${at}` };
  },
  (b, next) => {
    // the tail of the file (pixel data, fragments) takes most of the damage in real transfers
    const out = b.slice();
    const from = Math.floor(out.length * (0.5 + next() / 2));
    for (let i = from; i < Math.min(out.length, from + 1 + int(next, 256)); i++) out[i] ^= int(next, 256);
    return { bytes: out, what: `tail scrambled from ${from}` };
  },
  (b, next) => {
    // the attributes that size allocations: Rows, Columns, Bits Allocated/Stored, Samples, Pixel Representation, Planar Configuration
    const out = b.slice();
    let elements: Record<string, { dataOffset: number; length: number }>;
    try {
      elements = dicomParser.parseDicom(Buffer.from(out.buffer), { untilTag: 'x7fe00010' }).elements;
    } catch {
      return { bytes: out, what: 'unparsable original' };
    }
    const tags = ['x00280010', 'x00280011', 'x00280100', 'x00280101', 'x00280002', 'x00280103', 'x00280006'].filter(
      (tag) => elements[tag]?.length === 2,
    );
    if (tags.length === 0) return { bytes: out, what: 'no image pixel attributes' };
    const tag = tags[int(next, tags.length)];
    const values = [0, 1, 2, 3, 7, 8, 12, 16, 17, 32, 64, 255, 4096, 65535];
    const value = values[int(next, values.length)];
    new DataView(out.buffer).setUint16(elements[tag].dataOffset, value, true);
    return { bytes: out, what: `${tag} = ${value}` };
  },
];

/** Everything a user might do with a file once it has loaded. */
function exercise(image: DicomImage): void {
  image.modalityValues();
  image.tags();
  image.toViewerImage();
  if (image.samplesPerPixel === 1 && image.photometric !== 'PALETTE COLOR') image.windowed({ frame: image.frames - 1 });
  else image.rgb(0);
}

describe('fuzz: mutated and truncated DICOM files', () => {
  test(`${ITERATIONS} mutations (seed ${SEED}) fail only with DicomError`, { timeout: 120_000 }, async (t) => {
    const present = SOURCES.filter((f) => existsSync(f));
    if (!needFile(t, present.length === SOURCES.length ? SOURCES[0] : '', 'python3-pydicom test files')) return;
    const originals = present.map((f) => new Uint8Array(readFileSync(f)));
    const next = seededRandom(SEED);
    const outcomes = { ok: 0, dicomError: 0 };
    const started = Date.now();
    for (let i = 0; i < ITERATIONS; i++) {
      const source = int(next, originals.length);
      const { bytes, what } = MUTATIONS[int(next, MUTATIONS.length)](originals[source], next);
      const label = `iteration ${i}: ${present[source].split('/').pop()}, ${what}`;
      try {
        exercise(await decodeDicom(bytes, 'fuzzed.dcm'));
        outcomes.ok++;
      } catch (error) {
        if (!(error instanceof DicomError))
          assert.fail(
            `${label}: ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error)}`,
          );
        assert.equal(error.file, 'fuzzed.dcm');
        outcomes.dicomError++;
      }
    }
    t.diagnostic(`${outcomes.ok} loaded, ${outcomes.dicomError} DicomError, ${Date.now() - started} ms`);
    // both paths were exercised: the mutations neither all break nor all spare the files
    assert.ok(outcomes.ok > ITERATIONS / 10 && outcomes.dicomError > ITERATIONS / 10, JSON.stringify(outcomes));
  });
});
