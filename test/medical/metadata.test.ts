// Metadata: the typed view of common attributes, the tag dump against pydicom (keywords, VRs, values),
// PHI flags from the PS3.15 Basic Profile, identifying values registered for the kernel's redaction, and
// the viewer image built from a file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { phiRegistry } from '../../src/common/phi';
import { readDicom } from '../../src/medical/image';
import { isPhiTag } from '../../src/medical/phiTags';
import { need, needFile } from '../support/env';
import { hasPydicom, octaveFile, pydicomFile, PYTHON } from './support/samples';

const CT = pydicomFile('CT_small.dcm');

describe('DICOM metadata', () => {
  test('typed view of the common attributes', async (t) => {
    if (!needFile(t, CT)) return;
    const { metadata: m } = await readDicom(CT, { pixels: false });
    assert.equal(m.patientName, 'CompressedSamples^CT1');
    assert.equal(m.patientId, '1CT1');
    assert.equal(m.modality, 'CT');
    assert.equal(m.manufacturer, 'GE MEDICAL SYSTEMS');
    assert.deepEqual(m.pixelSpacing, [0.661468, 0.661468]);
    assert.deepEqual(m.imagePositionPatient, [-158.135803, -179.035797, -75.699997]);
    assert.deepEqual(m.imageOrientationPatient, [1, 0, 0, 0, 1, 0]);
    assert.equal(m.sliceThickness, 5);
    assert.equal(m.instanceNumber, 1);
    assert.equal(m.seriesInstanceUid, '1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322');
  });

  for (const name of ['CT_small.dcm', 'MR_small_implicit.dcm', 'MR_small_bigendian.dcm']) {
    test(`tag dump of ${name} agrees with pydicom (tags, keywords, VRs, text values)`, async (t) => {
      const file = pydicomFile(name);
      if (!need(t, hasPydicom, 'python3-pydicom') || !needFile(t, file)) return;
      const script = `import sys, json, pydicom
ds = pydicom.dcmread(sys.argv[1])
out = []
for e in list(ds.file_meta) + list(ds):
    v = e.value
    text = v if isinstance(v, str) else (str(v) if e.VR in ('DS', 'IS') and not isinstance(v, (list, pydicom.multival.MultiValue)) else None)
    out.append({'tag': '(%04X,%04X)' % (e.tag.group, e.tag.element), 'keyword': e.keyword, 'vr': e.VR, 'text': text})
print(json.dumps(out))`;
      const run = spawnSync(PYTHON, ['-c', script, file], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const expected = JSON.parse(run.stdout) as { tag: string; keyword: string; vr: string; text: string | null }[];
      const dump = (await readDicom(file, { pixels: false })).tags().filter((e) => e.depth === 0);
      const byTag = new Map(dump.map((e) => [e.tag, e]));
      for (const want of expected) {
        if (want.tag >= '(7FE0,0010)') continue; // a metadata read stops before the pixel data
        const got = byTag.get(want.tag);
        assert.ok(got, `${want.tag} ${want.keyword} missing from the dump`);
        if (want.keyword) assert.equal(got.keyword, want.keyword, want.tag);
        if (!want.vr.includes(' or ')) assert.equal(got.vr, want.vr, `${want.tag} VR`);
        if (want.text !== null && want.vr !== 'DS' && want.vr !== 'IS')
          assert.equal(got.value.trim(), want.text.trim(), `${want.tag} value`);
      }
    });
  }

  test('PHI flags follow the PS3.15 Basic Profile', async (t) => {
    if (!needFile(t, CT)) return;
    for (const tag of ['00100010', '(0010,0020)', 'x00100030', '0020000D', '00080080', '00091001'])
      assert.ok(isPhiTag(tag), tag);
    for (const tag of ['00280010', '00080060', '00281050', '7FE00010']) assert.ok(!isPhiTag(tag), tag);
    const tags = (await readDicom(CT, { pixels: false })).tags();
    assert.equal(tags.find((e) => e.keyword === 'PatientName')?.phi, true);
    assert.equal(tags.find((e) => e.keyword === 'Rows')?.phi, false);
  });

  test('identifying values of every file read are registered for redaction', async (t) => {
    if (!needFile(t, CT)) return;
    await readDicom(CT, { pixels: false });
    const { text, count } = phiRegistry().redact(
      'patient CompressedSamples^CT1, id 1CT1, study 1.3.6.1.4.1.5962.1.2.1.20040119072730.12322',
    );
    assert.equal(count, 3);
    assert.doesNotMatch(text, /CompressedSamples|1CT1|12322/);
  });

  test('toViewerImage carries stored values, modality LUT, window, geometry and flagged metadata', async (t) => {
    const ankle = octaveFile('CT-MONO2-16-ankle.dcm');
    if (!needFile(t, ankle, 'octave-dicom')) return;
    const image = await readDicom(ankle);
    const viewer = image.toViewerImage();
    assert.equal(viewer.pixels, image.pixelArray);
    assert.deepEqual([viewer.rows, viewer.columns, viewer.frames, viewer.samplesPerPixel], [512, 512, 1, 1]);
    assert.deepEqual([viewer.slope, viewer.intercept, viewer.units], [1, -1024, 'HU']);
    assert.deepEqual(viewer.window, { center: 1024, width: 4095 });
    assert.ok(viewer.metadata?.some((e) => e.name === 'PatientName' && e.phi));
    assert.ok(viewer.metadata?.every((e) => !e.value.startsWith('<')));
    const palette = await readDicom(octaveFile('US-PAL-8-10x-echo.dcm'));
    const colour = palette.toViewerImage();
    assert.deepEqual([colour.samplesPerPixel, colour.frames, colour.pixels.length], [3, 10, 430 * 600 * 3 * 10]);
  });
});
