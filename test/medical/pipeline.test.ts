// The pixel pipeline agrees with pydicom: modality LUT (HU of the 512² CT), windowing with LINEAR,
// LINEAR_EXACT and SIGMOID, presets, MONOCHROME1 inversion, palette colour.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readDicom } from '../../src/medical/image';
import { WINDOW_PRESETS } from '../../src/medical/presets';
import { applyModalityLut } from '../../src/medical/modalityLut';
import { applyVoiTable, applyWindow, type VoiFunction } from '../../src/medical/voiLut';
import { need, needFile } from '../support/env';
import { assertSamePixels } from './support/compare';
import { hasPydicom, octaveFile, pydicomFile, pydicomReference } from './support/samples';

const ANKLE = octaveFile('CT-MONO2-16-ankle.dcm');
const CT_SMALL = pydicomFile('CT_small.dcm');

describe('modality LUT', () => {
  for (const file of [ANKLE, CT_SMALL]) {
    test(`HU of ${file.split('/').pop()} equal pydicom's apply_modality_lut`, async (t) => {
      if (!need(t, hasPydicom, 'python3-pydicom') || !needFile(t, file)) return;
      const image = await readDicom(file);
      const [reference] = pydicomReference([{ file, mode: 'modality' }]);
      assertSamePixels(image.modalityValues(), reference, 'HU', 0);
      assert.equal(image.modalityLut.units, 'HU');
    });
  }

  test('the ankle CT stores signed values with intercept −1024, so most pixels (air) read about −900 HU', async (t) => {
    if (!needFile(t, ANKLE, 'octave-dicom')) return;
    const image = await readDicom(ANKLE);
    assert.equal(image.modalityLut.intercept, -1024);
    assert.ok(image.pixelArray instanceof Int16Array);
    const air = image.modalityValues().filter((v) => v > -1024 && v < -850).length;
    assert.ok(air > image.rows * image.columns * 0.6, `${air} air pixels`);
  });
});

describe('VOI windowing', () => {
  for (const fn of ['LINEAR', 'LINEAR_EXACT', 'SIGMOID'] as VoiFunction[]) {
    test(`${fn} equals pydicom's apply_windowing`, async (t) => {
      if (!need(t, hasPydicom, 'python3-pydicom') || !needFile(t, CT_SMALL)) return;
      const image = await readDicom(CT_SMALL);
      const window = { center: 40, width: 400, fn };
      const [reference] = pydicomReference([{ file: CT_SMALL, mode: 'window', window }]);
      // pydicom's output range: the stored range (16 bits stored, signed) through the modality LUT
      const { slope, intercept } = image.modalityLut;
      const range = { min: -(2 ** 15) * slope + intercept, max: (2 ** 15 - 1) * slope + intercept };
      assertSamePixels(image.windowed({ window, range }), reference, fn, 0.02);
    });
  }

  test('presets are named CT windows', async (t) => {
    if (!needFile(t, ANKLE, 'octave-dicom')) return;
    const image = await readDicom(ANKLE);
    const lung = image.windowed({ window: 'lung' });
    assert.deepEqual(lung, applyWindow(image.modalityValues(0), WINDOW_PRESETS.lung));
    assert.notDeepEqual(lung, image.windowed({ window: 'bone' }));
    assert.throws(() => image.windowed({ window: 'liver' as 'lung' }), /unknown window preset 'liver'/);
  });

  test('without a window the file window is used, else the full range maps to [0, 1]', async (t) => {
    if (!needFile(t, ANKLE, 'octave-dicom')) return;
    const image = await readDicom(ANKLE);
    const values = image.windowed();
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) [min, max] = [Math.min(min, v), Math.max(max, v)];
    assert.ok(min >= 0 && max <= 1 && max > min);
  });

  test('MONOCHROME1 is inverted: low values display bright', async (t) => {
    const file = octaveFile('simple-test.dcm');
    if (!needFile(t, file, 'octave-dicom')) return;
    const image = await readDicom(file);
    assert.equal(image.photometric, 'MONOCHROME1');
    const window = { center: 128, width: 256 };
    const plain = applyWindow(image.modalityValues(0), window);
    const shown = image.windowed({ window });
    for (let i = 0; i < shown.length; i++) assert.ok(Math.abs(shown[i] - (1 - plain[i])) < 1e-6);
    assert.equal(image.toViewerImage().invert, true);
  });

  test('LINEAR needs a width ≥ 1', () => {
    assert.throws(() => applyWindow([1, 2], { center: 0, width: 0.5 }), /width must be ≥ 1/);
  });
});

describe('colour', () => {
  test('palette colour equals pydicom apply_color_lut (scaled to 8 bits)', async (t) => {
    const file = octaveFile('US-PAL-8-10x-echo.dcm');
    if (!need(t, hasPydicom, 'python3-pydicom') || !needFile(t, file, 'octave-dicom')) return;
    const image = await readDicom(file);
    assert.equal(image.photometric, 'PALETTE COLOR');
    const [reference] = pydicomReference([{ file, mode: 'palette' }]);
    const frameSize = image.rows * image.columns * 3;
    const shift = reference.dtype === 'u2' ? 8 : 0;
    for (const f of [0, 9]) {
      const expected = Array.from(
        (reference.data as Uint16Array).subarray(f * frameSize, (f + 1) * frameSize),
        (v) => v >> shift,
      );
      assert.deepEqual(Array.from(image.rgb(f)), expected, `frame ${f}`);
    }
  });
});

describe('modality LUT fast path', () => {
  test('SIMD and scalar paths agree for signed and unsigned 16-bit values of any length', () => {
    const lengths = [1, 7, 8, 13, (1 << 20) + 5];
    for (const length of lengths) {
      const signed = Int16Array.from({ length }, (_, i) => ((i * 7919) % 65536) - 32768);
      const unsigned = Uint16Array.from({ length }, (_, i) => (i * 104729) % 65536);
      for (const [stored, intercept] of [
        [signed, -1024],
        [unsigned, -32768],
        [unsigned, 0],
        [signed, 3],
      ] as const) {
        const fast = applyModalityLut(stored, { slope: 1, intercept, units: '' });
        const scalar = Float64Array.from(stored, (v) => v + intercept);
        assert.deepEqual(Array.from(fast.subarray(0, 64)), Array.from(scalar.subarray(0, 64)));
        for (let i = 0; i < length; i++)
          if (fast[i] !== scalar[i])
            assert.fail(`length ${length}, intercept ${intercept}: value ${i} is ${fast[i]}, expected ${scalar[i]}`);
      }
    }
  });

  test('slopes and fractional intercepts take the exact scalar path', () => {
    const stored = Int16Array.from([-5, 0, 7, 1000]);
    assert.deepEqual(
      Array.from(applyModalityLut(stored, { slope: 2.5, intercept: 0.25, units: '' })),
      [-12.25, 0.25, 17.75, 2500.25],
    );
    assert.deepEqual(
      Array.from(applyModalityLut(stored, { slope: 1, intercept: 0.5, units: '' })),
      [-4.5, 0.5, 7.5, 1000.5],
    );
  });
});

describe('VOI LUT tables', () => {
  test('values map through the table, clamped at both ends, scaled from the table depth to the range', () => {
    const table = { firstMapped: 10, data: Uint16Array.from([0, 51, 102, 255]), bits: 8 };
    const shown = Array.from(applyVoiTable([0, 10, 11, 12, 13, 99], table), (v) => Math.round(v * 1e6) / 1e6);
    assert.deepEqual(shown, [0, 0, 0.2, 0.4, 1, 1]);
    assert.deepEqual(Array.from(applyVoiTable([11.4, 11.6], table, { min: 0, max: 255 })), [51, 102]);
  });
});
