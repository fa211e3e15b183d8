// `radnb dicom info|export`: what a user sees, masking of identifying values, .npy files equal to
// pydicom's pixel_array / apply_modality_lut, windowed PNGs, one-line reasons and exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runDicomCommand } from '../../src/cli/dicom';
import { readDicom } from '../../src/medical/image';
import { WINDOW_PRESETS } from '../../src/medical/presets';
import { applyWindow } from '../../src/medical/voiLut';
import { need, needFile } from '../support/env';
import { hasPydicom, octaveFile, pydicomFile, PYTHON } from '../medical/support/samples';
import { readPng } from '../support/pngReader';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDicomCommand(args, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const CT = pydicomFile('CT_small.dcm');
const ANKLE = octaveFile('CT-MONO2-16-ankle.dcm');

describe('radnb dicom info', () => {
  test('shows modality, size, syntax, window and spacing; masks identity unless --phi', async (t) => {
    if (!needFile(t, CT, 'python3-pydicom test files')) return;
    const masked = await run('info', CT);
    assert.equal(masked.code, 0);
    assert.match(masked.out, /CT · 128×128 · 1 frame\(s\) · MONOCHROME2 · 16\/16 bits signed/);
    assert.match(masked.out, /transfer syntax: Explicit VR Little Endian \(1\.2\.840\.10008\.1\.2\.1\)/);
    assert.match(masked.out, /spacing: 0\.661468 × 0\.661468 mm/);
    assert.match(masked.out, /patientName <masked>/);
    assert.match(masked.out, /manufacturer GE MEDICAL SYSTEMS/, 'equipment is not identifying');
    assert.doesNotMatch(masked.out, /CompressedSamples/);
    const shown = await run('info', CT, '--phi');
    assert.match(shown.out, /patientName CompressedSamples\^CT1/);
  });

  test('--json gives one object per file', async (t) => {
    if (!needFile(t, CT, 'python3-pydicom test files') || !needFile(t, ANKLE, 'octave-dicom')) return;
    const { code, out } = await run('info', CT, ANKLE, '--json');
    assert.equal(code, 0);
    const reports = JSON.parse(out) as Record<string, unknown>[];
    assert.equal(reports.length, 2);
    assert.equal(reports[1].rows, 512);
    assert.deepEqual(reports[1].rescale, { slope: 1, intercept: -1024, units: 'HU' });
    assert.equal(reports[0].patientId, '<masked>');
  });

  test('a bad file gives a one-line reason and exit code 1, the good ones are still shown', async (t) => {
    if (!needFile(t, CT, 'python3-pydicom test files')) return;
    const dir = mkdtempSync(path.join(tmpdir(), 'radnb-cli-'));
    const bad = path.join(dir, 'notes.txt');
    writeFileSync(bad, 'not an image at all, just some text that is long enough to have 132 bytes '.repeat(3));
    const result = await run('info', bad, CT);
    rmSync(dir, { recursive: true });
    assert.equal(result.code, 1);
    assert.equal(result.err.split('\n').length, 1);
    assert.match(result.err, /notes\.txt: not a DICOM file/);
    assert.match(result.out, /CT_small\.dcm/);
  });

  test('DICOM files without an image (an RT plan) still show what they are', async (t) => {
    const plan = pydicomFile('rtplan.dcm');
    if (!needFile(t, plan, 'python3-pydicom test files')) return;
    const { code, out } = await run('info', plan);
    assert.equal(code, 0);
    assert.match(out, /RTPLAN · no image/);
  });

  test('usage errors exit with 2', async () => {
    assert.equal((await run('info')).code, 2);
    assert.equal((await run('frobnicate')).code, 2);
    assert.equal((await run('export', CT, '--out', 'x.jpg')).code, 2);
    assert.equal((await run('export', CT, '--out', 'x.png', '--preset', 'kidney')).code, 2);
  });
});

describe('radnb dicom export', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'radnb-export-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const sameAsPydicom = (npyFile: string, dicomFile: string, expression: string): boolean => {
    const script = `import sys, numpy as np, pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut
ds = pydicom.dcmread(sys.argv[2]); a = np.load(sys.argv[1]); ref = ${expression}
print(a.dtype, a.shape, ref.shape, np.array_equal(a, ref))`;
    const r = spawnSync(PYTHON, ['-c', script, npyFile, dicomFile], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().endsWith('True');
  };

  test('.npy holds HU as float32 (apply_modality_lut) or, with --raw, pixel_array', async (t) => {
    if (!need(t, hasPydicom, 'python3-pydicom') || !needFile(t, ANKLE, 'octave-dicom')) return;
    const hu = path.join(dir, 'hu.npy');
    assert.equal((await run('export', ANKLE, '--out', hu)).code, 0);
    assert.ok(sameAsPydicom(hu, ANKLE, 'apply_modality_lut(ds.pixel_array, ds).astype(np.float32)'));
    const raw = path.join(dir, 'raw.npy');
    assert.equal((await run('export', ANKLE, '--out', raw, '--raw')).code, 0);
    assert.ok(sameAsPydicom(raw, ANKLE, 'ds.pixel_array'));
  });

  test('multi-frame .npy is (frames, rows, cols[, samples]); --frame picks one', async (t) => {
    const file = pydicomFile('SC_rgb_rle_2frame.dcm');
    if (!need(t, hasPydicom, 'python3-pydicom') || !needFile(t, file)) return;
    const all = path.join(dir, 'rgb.npy');
    assert.equal((await run('export', file, '--out', all, '--raw')).code, 0);
    assert.ok(sameAsPydicom(all, file, 'ds.pixel_array'));
    const one = path.join(dir, 'rgb1.npy');
    assert.equal((await run('export', file, '--out', one, '--raw', '--frame', '1')).code, 0);
    assert.ok(sameAsPydicom(one, file, 'ds.pixel_array[1]'));
    const missing = await run('export', file, '--out', one, '--frame', '2');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /frame 2 does not exist \(the file has 2\)/);
  });

  test('.png is the frame windowed to 8 bits', async (t) => {
    if (!needFile(t, ANKLE, 'octave-dicom')) return;
    const out = path.join(dir, 'lung.png');
    assert.equal((await run('export', ANKLE, '--out', out, '--preset', 'lung')).code, 0);
    const { width, height, channels, pixels } = readPng(readFileSync(out));
    assert.deepEqual([width, height, channels], [512, 512, 1]);
    const image = await readDicom(ANKLE);
    const expected = applyWindow(image.modalityValues(0), WINDOW_PRESETS.lung, { min: 0, max: 255 });
    for (const i of [0, 1000, 131328, 262143]) assert.equal(pixels[i], Math.round(expected[i]), `pixel ${i}`);
    const custom = path.join(dir, 'custom.png');
    assert.equal((await run('export', ANKLE, '--out', custom, '--window', '300,1500')).code, 0);
    assert.notDeepEqual(readFileSync(custom), readFileSync(out));
  });
});
