// The synthetic CT phantom: seeded and reproducible, realistic HU per tissue, nodules exactly where the
// masks and labels say; its DICOM files are real signed 16-bit CT that pydicom reads back to the same HU,
// its masks load with NumPy, and the in-memory tensors match.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { generatePhantomCase, HU, sliceHasNodule } from '../../src/medical/phantom';
import { writePhantomDataset, type PhantomWriteResult } from '../../src/medical/phantomDicom';
import { phantomTensors, splitPhantomTensors } from '../../src/medical/phantomTensors';
import { readDicom } from '../../src/medical/image';
import { parseNpy } from '../../src/medical/npz';
import { need } from '../support/env';

const PYTHON = '/usr/bin/python3';
const hasPydicom = spawnSync(PYTHON, ['-c', 'import pydicom, numpy'], { stdio: 'ignore' }).status === 0;

describe('synthetic CT phantom', () => {
  test('the same seed gives the same case; another seed or case index gives another', () => {
    const a = generatePhantomCase(2, { seed: 7, size: 32, slices: 4 });
    const b = generatePhantomCase(2, { seed: 7, size: 32, slices: 4 });
    assert.deepEqual(a.hu, b.hu);
    assert.deepEqual(a.patient, b.patient);
    assert.notDeepEqual(generatePhantomCase(2, { seed: 8, size: 32, slices: 4 }).hu, a.hu);
    assert.notDeepEqual(generatePhantomCase(3, { seed: 7, size: 32, slices: 4 }).hu, a.hu);
  });

  test('tissues have realistic Hounsfield units and nodules sit inside the lungs', () => {
    const c = generatePhantomCase(0, { seed: 3, size: 64, slices: 8, noiseHU: 0, nodulePrevalence: 1 });
    const values = new Set(c.hu);
    for (const tissue of [HU.air, HU.lung, HU.fat, HU.softTissue, HU.bone])
      assert.ok(values.has(tissue), `no ${tissue} HU`);
    assert.equal(c.hu[0], HU.air, 'corner is air');
    const centre = (c.slices >> 1) * 64 * 64 + 32 * 64 + 32;
    assert.ok(c.hu[centre] >= 0 && c.hu[centre] <= 100, 'mediastinum is soft tissue');
    assert.ok(c.hasNodule && c.nodules.length >= 1);
    for (const n of c.nodules) {
      assert.ok(n.hu >= -300 && n.hu <= 100 && n.radiusMm >= 2);
      assert.equal(c.mask[(n.center[0] * 64 + n.center[1]) * 64 + n.center[2]], 1, 'mask marks the nodule centre');
    }
    for (let i = 0; i < c.hu.length; i++)
      if (c.mask[i]) assert.ok(c.hu[i] > HU.lung, 'masked voxels are denser than lung');
  });

  test('cases with and without nodules both occur, and labels follow the masks', () => {
    const cases = Array.from({ length: 12 }, (_, i) => generatePhantomCase(i, { size: 64, slices: 4 }));
    const positives = cases.filter((c) => c.hasNodule).length;
    assert.ok(positives > 0 && positives < 12, `${positives}/12 with nodules`);
    for (const c of cases)
      assert.equal(
        c.hasNodule,
        c.mask.some((v) => v === 1),
      );
    const sizes = new Set(cases.flatMap((c) => c.nodules.map((n) => Math.round(n.radiusMm))));
    assert.ok(sizes.size >= 3, 'nodule sizes vary');
  });

  test('noise has the requested standard deviation', () => {
    const clean = generatePhantomCase(0, { size: 48, slices: 4, noiseHU: 0 });
    const noisy = generatePhantomCase(0, { size: 48, slices: 4, noiseHU: 25 });
    let sum = 0;
    let sumSq = 0;
    let n = 0;
    for (let i = 0; i < clean.hu.length; i++) {
      if (clean.hu[i] !== HU.lung) continue; // away from clipping at −1024
      const d = noisy.hu[i] - clean.hu[i];
      sum += d;
      sumSq += d * d;
      n++;
    }
    const sd = Math.sqrt(sumSq / n - (sum / n) ** 2);
    assert.ok(Math.abs(sd - 25) < 2, `noise sd ${sd}`);
  });

  test('in-memory tensors: one example per slice, unit scale, labels and masks agree', () => {
    const t = phantomTensors(3, { size: 32, slices: 5, nodulePrevalence: 0.7 });
    try {
      assert.deepEqual(t.images.shape, [15, 32, 32, 1]);
      assert.deepEqual(t.masks.shape, [15, 32, 32, 1]);
      assert.deepEqual(t.labels.shape, [15]);
      assert.ok(t.images.min().dataSync()[0] >= 0 && t.images.max().dataSync()[0] <= 1);
      const perSlice = t.masks.max([1, 2, 3]).dataSync();
      assert.deepEqual(Array.from(t.labels.dataSync()), Array.from(perSlice));
      assert.deepEqual(Array.from(t.caseOfExample), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
      const hu = phantomTensors(1, { size: 32, slices: 5, scale: 'hu' });
      assert.equal(hu.images.dataSync()[0], t.cases[0].hu[0]);
      hu.dispose();
    } finally {
      t.dispose();
    }
  });

  test('splits by case: no case in two splits, every example in one, tensors gathered to match', () => {
    const all = phantomTensors(10, { size: 16, slices: 3 });
    const splits = splitPhantomTensors(all, { val: 0.2, test: 0.2 }, 4);
    try {
      const cases = Object.values(splits).map((s) => new Set(s.caseOfExample));
      for (let a = 0; a < 3; a++)
        for (let b = a + 1; b < 3; b++) assert.ok([...cases[a]].every((c) => !cases[b].has(c)));
      assert.equal(
        Object.values(splits).reduce((n, s) => n + s.labels.shape[0], 0),
        30,
      );
      assert.ok(splits.val.labels.shape[0] > 0 && splits.test.labels.shape[0] > 0);
      const labels = all.labels.dataSync();
      const first = splits.test.caseOfExample[0] * 3;
      assert.equal(splits.test.labels.dataSync()[0], labels[first]);
      assert.deepEqual(splits.test.images.slice(0, 1).dataSync(), all.images.slice(first, 1).dataSync());
    } finally {
      all.dispose();
      for (const s of Object.values(splits)) tf.dispose([s.images, s.masks, s.labels]);
    }
  });

  describe('written as DICOM', () => {
    let dir: string;
    let written: PhantomWriteResult;
    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'radnb-phantom-'));
      written = await writePhantomDataset(dir, 3, { size: 32, slices: 4, seed: 11, nodulePrevalence: 0.6 });
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    test('labels.csv and cases.csv describe every file, with one UID set per series', () => {
      const rows = readFileSync(path.join(dir, 'labels.csv'), 'utf8').trim().split('\n');
      assert.equal(rows[0], 'path,sop_instance_uid,patient_id,case,slice,label');
      assert.equal(rows.length, 1 + 3 * 4);
      for (const row of rows.slice(1)) {
        const [file, sop, patient, c, z, label] = row.split(',');
        const phantom = written.cases[Number(c)];
        assert.equal(patient, phantom.patient.id);
        assert.equal(label, sliceHasNodule(phantom, Number(z)) ? '1' : '0');
        assert.match(sop, /^2\.25\.\d+$/);
        assert.equal(written.series[Number(c)].slices[Number(z)], file);
      }
      assert.equal(new Set(written.series.map((s) => s.seriesInstanceUid)).size, 3);
      const cases = readFileSync(path.join(dir, 'cases.csv'), 'utf8').trim().split('\n').slice(1);
      assert.deepEqual(
        cases.map((r) => r.split(',')[4]),
        written.cases.map((c) => (c.hasNodule ? '1' : '0')),
      );
    });

    test('masks are .npy arrays shaped [slices, rows, columns]', () => {
      const mask = parseNpy(readFileSync(path.join(dir, written.series[0].mask)), 'mask.npy');
      assert.deepEqual(mask.shape, [4, 32, 32]);
      assert.deepEqual(mask.data, written.cases[0].mask);
    });

    test('pydicom reads signed 16-bit CT whose modality LUT gives back the phantom HU, with consistent geometry', (t) => {
      if (!need(t, hasPydicom, 'python3-pydicom + numpy')) return;
      const script = String.raw`
import json, sys, pydicom, numpy as np
from pydicom.pixel_data_handlers.util import apply_modality_lut
out = []
for f in sys.argv[2:]:
    d = pydicom.dcmread(sys.argv[1] + '/' + f)
    hu = apply_modality_lut(d.pixel_array, d)
    out.append({'dtype': str(d.pixel_array.dtype), 'hu': hu.astype(int).ravel().tolist(), 'ipp': [float(v) for v in d.ImagePositionPatient],
                'spacing': [float(v) for v in d.PixelSpacing], 'thickness': float(d.SliceThickness), 'study': d.StudyInstanceUID,
                'series': d.SeriesInstanceUID, 'modality': d.Modality, 'intercept': float(d.RescaleIntercept), 'name': str(d.PatientName)})
print(json.dumps(out))`;
      const files = written.series[1].slices;
      const run = spawnSync(PYTHON, ['-c', script, dir, ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
      assert.equal(run.status, 0, run.stderr);
      const slices = JSON.parse(run.stdout) as {
        dtype: string;
        hu: number[];
        ipp: number[];
        spacing: number[];
        thickness: number;
        study: string;
        series: string;
        modality: string;
        intercept: number;
        name: string;
      }[];
      const phantom = written.cases[1];
      slices.forEach((s, z) => {
        assert.equal(s.dtype, 'int16');
        assert.equal(s.modality, 'CT');
        assert.equal(s.intercept, -1024);
        assert.equal(s.name, phantom.patient.name);
        assert.deepEqual(s.hu, Array.from(phantom.hu.subarray(z * 1024, (z + 1) * 1024)));
        assert.deepEqual(s.spacing, phantom.pixelSpacingMm);
        if (z > 0) assert.equal(s.ipp[2] - slices[z - 1].ipp[2], s.thickness, 'slices one thickness apart');
      });
      assert.equal(new Set(slices.map((s) => s.series)).size, 1);
      assert.equal(new Set(slices.map((s) => s.study)).size, 1);
    });

    test('the radnb DICOM reader gives back the phantom HU and geometry', async () => {
      const phantom = written.cases[2];
      for (const [z, file] of written.series[2].slices.entries()) {
        const image = await readDicom(path.join(dir, file));
        assert.deepEqual(
          Array.from(image.modalityValues(0)),
          Array.from(phantom.hu.subarray(z * 1024, (z + 1) * 1024)),
        );
        assert.equal(image.metadata.modality, 'CT');
        assert.equal(image.metadata.patientId, phantom.patient.id);
        assert.deepEqual(image.metadata.pixelSpacing, phantom.pixelSpacingMm);
        assert.equal(image.metadata.imagePositionPatient?.[2], (z - 1.5) * phantom.sliceThicknessMm);
      }
    });

    test('the same seed writes byte-identical files', async () => {
      const again = mkdtempSync(path.join(tmpdir(), 'radnb-phantom-'));
      try {
        await writePhantomDataset(again, 1, { size: 32, slices: 4, seed: 11, nodulePrevalence: 0.6 });
        const file = written.series[0].slices[2];
        assert.deepEqual(readFileSync(path.join(again, file)), readFileSync(path.join(dir, file)));
      } finally {
        rmSync(again, { recursive: true, force: true });
      }
    });
  });
});
