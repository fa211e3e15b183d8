// What a Jupyter front end receives for radnb's outputs: every image viewable (base64 PNG), JSON as JSON,
// radnb-only binary payloads left out beside their fallbacks, training curves with a PNG.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WireBundle } from '../../src/common/kernelProtocol';
import { TrainingCurves } from '../../src/cnn/trainingCurves';
import { dicomViewBundle } from '../../src/display';
import { toJupyterDisplay } from '../../src/jupyter/jupyterDisplay';
import { toWireBundle } from '../../src/kernel/format';
import { readPng } from '../support/pngReader';

const MAX = 8 << 20;
const png = (base64: unknown) => readPng(Buffer.from(String(base64), 'base64'));

test('a DICOM view becomes its PNG snapshot and text; the viewer payload Jupyter cannot show is left out', () => {
  const pixels = Int16Array.from({ length: 16 * 16 }, (_, i) => i * 10 - 1000);
  const bundle = dicomViewBundle({
    rows: 16,
    columns: 16,
    frames: 1,
    samplesPerPixel: 1,
    pixels,
    slope: 1,
    intercept: 0,
    units: 'HU',
  });
  const wire = toWireBundle(bundle, MAX);
  assert.ok(wire['application/vnd.radnb.dicom'] instanceof Uint8Array, 'the radnb bundle has the viewer payload');
  const { data, metadata } = toJupyterDisplay(wire);
  assert.deepEqual(Object.keys(data).sort(), ['image/png', 'text/plain']);
  assert.equal(png(data['image/png']).width, 16);
  assert.deepEqual(metadata, {});
});

test('JSON types arrive as JSON values, text as text, binary images as base64', () => {
  const wire: WireBundle = {
    'application/json': '{"auc":0.93}',
    'application/vnd.radnb.metrics+json': '{"kind":"roc"}',
    'text/html': '<b>x</b>',
    'image/svg+xml': '<svg/>',
    'image/jpeg': new Uint8Array([0xff, 0xd8, 0xff]),
    'application/octet-stream': new Uint8Array([1]),
  };
  assert.deepEqual(toJupyterDisplay(wire).data, {
    'application/json': { auc: 0.93 },
    'application/vnd.radnb.metrics+json': { kind: 'roc' },
    'text/html': '<b>x</b>',
    'image/svg+xml': '<svg/>',
    'image/jpeg': '/9j/',
  });
});

test('final training curves carry their PNG from the kernel; Jupyter gets it beside the plotly JSON', () => {
  const shown: unknown[] = [];
  const host = {
    display: (value: unknown) => (shown.push(value), { id: 'curves' }),
    update: (_: unknown, value: unknown) => void shown.push(value),
    signal: new AbortController().signal,
  };
  const curves = new TrainingCurves(host, 'training', 0);
  curves.addEpoch(1, { loss: 0.7, val_loss: 0.8 }, 'epoch 1');
  curves.addEpoch(2, { loss: 0.5, val_loss: 0.6 }, 'epoch 2');
  assert.equal(curves.bundle(true)['image/png'], undefined, 'live updates skip drawing the PNG');
  const bundle = curves.bundle(false);
  assert.ok(bundle['image/png'] instanceof Uint8Array, 'the kernel draws the fallback');
  const { data } = toJupyterDisplay(toWireBundle(bundle, MAX));
  assert.equal((data['application/vnd.plotly.v1+json'] as { data: unknown[] }).data.length, 2);
  assert.ok(png(data['image/png']).width > 100);
  assert.match(String(data['text/plain']), /training: /);
});
