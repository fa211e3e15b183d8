// A folder of DICOM files + label CSV → tf.data datasets split by patient: labels join by relative path
// or SOP Instance UID, no patient is in two splits, batches have the right shapes and values, the train
// order is seeded, and bad or missing files are reported while the rest loads.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadDicomFolder } from '../../../src/medical/datasets/dicomFolder';
import { deidentifyDirectory } from '../../../src/medical/deid';
import { writePhantomDataset, type PhantomWriteResult } from '../../../src/medical/phantomDicom';
import { needFile } from '../../support/env';

const SAMPLES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';

async function collect(
  ds: tf.data.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor2D }>,
): Promise<{ shapes: number[][]; labels: number[]; first: number[] }> {
  const shapes: number[][] = [];
  const labels: number[] = [];
  let first: number[] = [];
  await ds.forEachAsync(({ xs, ys }) => {
    shapes.push(xs.shape);
    if (first.length === 0) first = Array.from(xs.dataSync().slice(0, 8));
    labels.push(...ys.dataSync());
    tf.dispose([xs, ys]);
  });
  return { shapes, labels, first };
}

describe('DICOM folder + label CSV dataset', () => {
  let dir: string;
  let phantom: PhantomWriteResult;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'radnb-folder-'));
    phantom = await writePhantomDataset(dir, 10, { size: 16, slices: 4, seed: 5, nodulePrevalence: 0.5 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('by relative path: every labelled slice loads, split by patient, with seeded batches', async () => {
    const data = await loadDicomFolder(dir, {
      labels: 'labels.csv',
      batchSize: 5,
      split: { val: 0.2, test: 0.2 },
      seed: 3,
    });
    assert.equal(data.examples.length, 40);
    assert.deepEqual(data.skipped, []);
    assert.deepEqual(data.imageShape, [16, 16, 1]);
    const splitOf = new Map<string, string>();
    for (const e of data.examples) {
      assert.equal(splitOf.get(e.patientId) ?? e.split, e.split, `${e.patientId} in two splits`);
      splitOf.set(e.patientId, e.split);
    }
    assert.deepEqual(new Set(data.examples.map((e) => e.split)), new Set(['train', 'val', 'test']));
    const train = await collect(data.train);
    const expected = data.examples.filter((e) => e.split === 'train');
    assert.equal(train.labels.length, expected.length);
    assert.deepEqual(train.shapes[0], [5, 16, 16, 1]);
    assert.deepEqual([...train.labels].sort(), expected.map((e) => e.label).sort());
    assert.ok(train.first.every((v) => v >= 0 && v <= 1));
    const again = await collect(
      (await loadDicomFolder(dir, { labels: 'labels.csv', batchSize: 5, split: { val: 0.2, test: 0.2 }, seed: 3 }))
        .train,
    );
    assert.deepEqual(again.labels, train.labels, 'same seed, same order');
    const val = await collect(data.val);
    assert.deepEqual(
      val.labels,
      data.examples.filter((e) => e.split === 'val').map((e) => e.label),
      'val keeps file order',
    );
  });

  test('labels follow the slices: the label CSV agrees with the phantom masks', async () => {
    const data = await loadDicomFolder(dir, { labels: 'labels.csv', normalize: 'none' });
    for (const e of data.examples) {
      const [, c, z] = /case-(\d+)\/slice-(\d+)/.exec(e.file)!.map(Number);
      const size = 16 * 16;
      assert.equal(e.label, phantom.cases[c].mask.subarray(z * size, (z + 1) * size).some((v) => v) ? 1 : 0, e.file);
    }
  });

  test('by SOP Instance UID with class names; a window and a resize apply', async () => {
    const rows = ['SOPInstanceUID,finding'];
    phantom.series.forEach((s, c) =>
      s.slices.forEach((_, z) => rows.push(`${uidOf(c, z)},${phantom.cases[c].hasNodule ? 'nodule' : 'clear'}`)),
    );
    writeFileSync(path.join(dir, 'by-sop.csv'), `${rows.join('\n')}\n`);
    const data = await loadDicomFolder(dir, {
      labels: 'by-sop.csv',
      labelColumn: 'finding',
      size: [8, 8],
      normalize: { center: 40, width: 400 },
    });
    assert.deepEqual(data.classNames, ['clear', 'nodule']);
    assert.equal(data.examples.length, 40);
    assert.deepEqual(data.imageShape, [8, 8, 1]);
    const batch = await collect(data.train);
    assert.deepEqual(batch.shapes[0].slice(1), [8, 8, 1]);
    assert.equal(batch.first[0], 0, 'air (the corner) is below the mediastinal window');
  });

  test('bad files are reported with the reason and skipped; the rest loads', async () => {
    const bad = mkdtempSync(path.join(tmpdir(), 'radnb-folder-bad-'));
    try {
      const rows = ['path,label'];
      for (const file of phantom.series[0].slices) {
        copyFileSync(path.join(dir, file), path.join(bad, path.basename(file)));
        rows.push(`${path.basename(file)},1`);
      }
      writeFileSync(path.join(bad, 'broken.dcm'), 'this is not DICOM');
      const whole = readFileSync(path.join(dir, phantom.series[1].slices[0]));
      writeFileSync(path.join(bad, 'cut.dcm'), whole.subarray(0, 100));
      rows.push('broken.dcm,0', 'cut.dcm,0', 'missing.dcm,1');
      writeFileSync(path.join(bad, 'labels.csv'), `${rows.join('\n')}\n`);
      const data = await loadDicomFolder(bad, { labels: 'labels.csv' });
      assert.equal(data.examples.length, 4);
      assert.deepEqual(data.skipped.map((s) => s.file).sort(), ['broken.dcm', 'cut.dcm', 'missing.dcm']);
      assert.match(data.skipped.find((s) => s.file === 'missing.dcm')!.reason, /listed in labels\.csv but not found/);
      assert.ok(data.skipped.every((s) => s.reason.length > 0));
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  test('real compressed files load through the radnb reader with the same values; colour images are reported', async (t) => {
    if (!needFile(t, path.join(SAMPLES, 'MR_small_RLE.dcm'), 'Debian python3-pydicom test files')) return;
    const real = mkdtempSync(path.join(tmpdir(), 'radnb-folder-real-'));
    try {
      const names = [
        'MR_small.dcm',
        'MR_small_RLE.dcm',
        'MR_small_jpeg_ls_lossless.dcm',
        'MR_small_bigendian.dcm',
        'SC_rgb_rle.dcm',
      ];
      for (const name of names) copyFileSync(path.join(SAMPLES, name), path.join(real, name));
      writeFileSync(path.join(real, 'labels.csv'), `file,label\n${names.map((n) => `${n},1`).join('\n')}\n`);
      const data = await loadDicomFolder(real, {
        labels: 'labels.csv',
        normalize: 'none',
        split: { val: 0, test: 0 },
        batchSize: 8,
      });
      assert.deepEqual(
        data.skipped.map((s) => s.file),
        ['SC_rgb_rle.dcm'],
      );
      assert.match(data.skipped[0].reason, /colour image/);
      const [batch] = await data.train.toArray();
      const values = batch.xs.dataSync();
      const size = 64 * 64;
      for (let i = 1; i < 4; i++)
        assert.deepEqual(values.subarray(i * size, (i + 1) * size), values.subarray(0, size), `file ${i}`);
      tf.dispose([batch.xs, batch.ys]);
    } finally {
      rmSync(real, { recursive: true, force: true });
    }
  });

  test("after de-identification the patient split still holds: pseudonyms keep a patient's slices together", async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'radnb-folder-deid-'));
    try {
      const report = await deidentifyDirectory(dir, out);
      assert.equal(report.files.length, 40);
      const rows = [
        'path,label',
        ...readFileSync(path.join(dir, 'labels.csv'), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((r) =>
            r
              .split(',')
              .filter((_, i) => i === 0 || i === 5)
              .join(','),
          ),
      ];
      writeFileSync(path.join(out, 'labels.csv'), `${rows.join('\n')}\n`);
      const data = await loadDicomFolder(out, { labels: 'labels.csv', split: { val: 0.2, test: 0.2 } });
      const originals = new Set(phantom.cases.map((c) => c.patient.id));
      const caseOf = (file: string): string => file.split('/')[0];
      const pseudonymOfCase = new Map<string, string>();
      for (const e of data.examples) {
        assert.ok(!originals.has(e.patientId) && e.patientId.startsWith('ANON-'), e.patientId);
        assert.equal(pseudonymOfCase.get(caseOf(e.file)) ?? e.patientId, e.patientId, 'one pseudonym per patient');
        pseudonymOfCase.set(caseOf(e.file), e.patientId);
      }
      assert.equal(new Set(pseudonymOfCase.values()).size, 10);
      const splitOfCase = new Map<string, string>();
      for (const e of data.examples) {
        assert.equal(splitOfCase.get(caseOf(e.file)) ?? e.split, e.split);
        splitOfCase.set(caseOf(e.file), e.split);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('a CSV without the needed columns is a clear error', async () => {
    writeFileSync(path.join(dir, 'odd.csv'), 'name,value\na,1\n');
    await assert.rejects(loadDicomFolder(dir, { labels: 'odd.csv' }), /odd\.csv: no column for the file/);
    await assert.rejects(loadDicomFolder(dir, { labels: 'nope.csv' }), /nope\.csv: label CSV not found/);
  });

  function uidOf(c: number, z: number): string {
    return readFileSync(path.join(dir, 'labels.csv'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${phantom.series[c].slices[z]},`))!
      .split(',')[1];
  }
});
