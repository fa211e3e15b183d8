// Tensors for a CNN: channels-last shapes, window/min-max/z-score normalisation, resizing, 3 channels,
// multi-frame and volume stacks, colour scaled to [0, 1].
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { before, describe, test } from 'node:test';
import { readDicom } from '../../src/medical/image';
import { WINDOW_PRESETS } from '../../src/medical/presets';
import { toTensor } from '../../src/medical/tensor';
import { applyWindow } from '../../src/medical/voiLut';
import { needFile } from '../support/env';
import { octaveFile, pydicomFile } from './support/samples';

const ANKLE = octaveFile('CT-MONO2-16-ankle.dcm');

describe('DICOM to tensors', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  test('a CT frame windowed by a preset: [rows, columns, 1] with the windowed values', async (t) => {
    if (!needFile(t, ANKLE, 'octave-dicom')) return;
    const image = await readDicom(ANKLE);
    const tensor = toTensor(image, { window: 'lung' });
    assert.deepEqual(tensor.shape, [512, 512, 1]);
    assert.deepEqual(tensor.dataSync(), applyWindow(image.modalityValues(0), WINDOW_PRESETS.lung));
    tensor.dispose();
  });

  test('resized, three channels, z-score normalised', async (t) => {
    if (!needFile(t, ANKLE, 'octave-dicom')) return;
    const image = await readDicom(ANKLE);
    const tensor = toTensor(image, { size: [64, 64], channels: 3, normalize: 'zscore' }) as tf.Tensor3D;
    assert.deepEqual(tensor.shape, [64, 64, 3]);
    const [r, g] = tf.split(tensor, 3, 2);
    assert.deepEqual(r.dataSync(), g.dataSync());
    const { mean, variance } = tf.moments(toTensor(image, { normalize: 'zscore' }));
    assert.ok(Math.abs(mean.dataSync()[0]) < 1e-4 && Math.abs(variance.dataSync()[0] - 1) < 1e-3);
    tf.dispose([tensor, r, g, mean, variance]);
  });

  test('min-max puts values in [0, 1]; all frames stack on the first axis', async (t) => {
    const file = pydicomFile('rtdose.dcm');
    if (!needFile(t, file, 'python3-pydicom test files')) return;
    const image = await readDicom(file);
    const tensor = toTensor(image, { frame: 'all', normalize: 'minmax' });
    assert.deepEqual(tensor.shape, [15, 10, 10, 1]);
    const frame3 = toTensor(image, { frame: 3, normalize: 'minmax' });
    assert.equal(tf.max(frame3).dataSync()[0], 1);
    assert.equal(tf.min(frame3).dataSync()[0], 0);
    tf.dispose([tensor, frame3]);
  });

  test('colour images come as [rows, columns, 3] in [0, 1]', async (t) => {
    const file = pydicomFile('SC_rgb_rle.dcm');
    if (!needFile(t, file, 'python3-pydicom test files')) return;
    const image = await readDicom(file);
    const tensor = toTensor(image);
    assert.deepEqual(tensor.shape, [100, 100, 3]);
    const data = tensor.dataSync();
    assert.equal(data[0], image.pixelArray[0] / 255);
    tensor.dispose();
  });

  test("'window' without any window is an error that says what to pass", async (t) => {
    const file = pydicomFile('rtdose.dcm');
    if (!needFile(t, file, 'python3-pydicom test files')) return;
    const image = await readDicom(file);
    assert.throws(() => toTensor(image, { normalize: 'window' }), /needs a window/);
  });
});
