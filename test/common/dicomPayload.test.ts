// The DICOM viewer's binary output item: what the kernel encodes is what the renderer decodes, bit for bit,
// for every sample type the medical library produces, and a 512² CT stays about the size of its PNG.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync, inflateSync } from 'node:zlib';
import { DISPLAY } from '../../src/common/display';
import type { ViewerImage, ViewerPixels } from '../../src/common/viewer';
import { decodeDicomPayload, encodeDicomPayload, openDicomPayload } from '../../src/common/dicomPayload';
import { dicomViewBundle } from '../../src/display/dicomView';
import { showImage } from '../../src/display/showImage';
import { readDicom } from '../../src/medical';
import { needFile } from '../support/env';
import { CT_ANKLE_512, CT_SMALL, readViewerImage } from '../support/viewerImages';

const inflate = (bytes: Uint8Array): Uint8Array => inflateSync(bytes);
const deflate = (bytes: Uint8Array): Uint8Array => deflateSync(bytes);

function image(pixels: ViewerPixels, samplesPerPixel: 1 | 3 = 1): ViewerImage {
  const columns = 7;
  const rows = 5;
  return {
    rows,
    columns,
    frames: pixels.length / (rows * columns * samplesPerPixel),
    samplesPerPixel,
    pixels,
    slope: 1,
    intercept: 0,
    units: '',
  };
}

function extremes<T extends ViewerPixels>(ctor: { new (n: number): T }, min: number, max: number, n: number): T {
  const a = new ctor(n);
  for (let i = 0; i < n; i++) a[i] = i % 3 === 0 ? min : i % 3 === 1 ? max : Math.round(min / 2 + ((max / 2) * i) / n);
  return a;
}

test('every sample type round-trips exactly, compressed and raw, multi-frame and RGB', async () => {
  const n = 7 * 5 * 2;
  const cases: [string, ViewerImage][] = [
    ['int8', image(extremes(Int8Array, -128, 127, n))],
    ['uint8', image(extremes(Uint8Array, 0, 255, n))],
    ['int16', image(extremes(Int16Array, -32768, 32767, n))],
    ['uint16', image(extremes(Uint16Array, 0, 65535, n))],
    ['int32', image(extremes(Int32Array, -2147483648, 2147483647, n))],
    ['uint32', image(extremes(Uint32Array, 0, 4294967295, n))],
    ['float32', image(Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 1e3 - 0.125))],
    [
      'rgb',
      image(
        Uint8Array.from({ length: n * 3 }, (_, i) => (i * 37) % 256),
        3,
      ),
    ],
  ];
  for (const [name, img] of cases) {
    for (const compress of [undefined, deflate]) {
      const decoded = await decodeDicomPayload(encodeDicomPayload(img, compress), inflate);
      assert.equal(decoded.pixels.constructor, img.pixels.constructor, name);
      assert.deepEqual(Array.from(decoded.pixels), Array.from(img.pixels), `${name} ${compress ? 'deflate' : 'raw'}`);
      assert.equal(decoded.header.frames, img.frames);
    }
  }
});

test('overlays travel after the pixels with their label, colour map and opacity', async () => {
  const img = image(new Int16Array(35).fill(-1000));
  img.overlays = [
    {
      kind: 'mask',
      label: 'lesion',
      data: Uint8Array.from({ length: 35 }, (_, i) => (i > 20 ? 1 : 0)),
      colormap: '#ff0000',
      opacity: 0.4,
    },
    { kind: 'heatmap', label: 'Grad-CAM', data: Float32Array.from({ length: 35 }, (_, i) => i / 34), colormap: 'jet' },
  ];
  const { overlays, header } = await decodeDicomPayload(encodeDicomPayload(img, deflate), inflate);
  assert.deepEqual(header.storedRange, [-1000, -1000]);
  assert.deepEqual(
    overlays.map((o) => [o.overlay.kind, o.overlay.label, o.overlay.colormap, o.overlay.opacity]),
    [
      ['mask', 'lesion', '#ff0000', 0.4],
      ['heatmap', 'Grad-CAM', 'jet', undefined],
    ],
  );
  assert.deepEqual(Array.from(overlays[0].data), Array.from(img.overlays[0].data));
  assert.deepEqual(Array.from(overlays[1].data), Array.from(img.overlays[1].data));
});

test('inconsistent images and foreign bytes are rejected with the reason', async () => {
  assert.throws(() => encodeDicomPayload({ ...image(new Int16Array(35)), rows: 6 }), /needs 42 samples, got 35/);
  const img = image(new Int16Array(35));
  img.overlays = [{ kind: 'mask', label: 'short', data: new Uint8Array(3) }];
  assert.throws(() => encodeDicomPayload(img), /overlay "short" has 3 values, expected 35/);
  await assert.rejects(
    decodeDicomPayload(new TextEncoder().encode('{"not":"binary"}')),
    /DICOM viewer output: not a radnb binary output/,
  );
  const truncated = encodeDicomPayload(image(new Int16Array(35))).subarray(0, 40);
  await assert.rejects(decodeDicomPayload(truncated), /DICOM viewer output: truncated/);
});

test('a real CT decodes to the stored values; its bundle carries binary, PNG and text', async (t) => {
  if (!needFile(t, CT_SMALL, 'python3-pydicom test files (Debian python3-pydicom)')) return;
  const img = await readViewerImage(CT_SMALL);
  const bundle = dicomViewBundle(img);
  const decoded = await decodeDicomPayload(bundle['application/vnd.radnb.dicom'] as Uint8Array, inflate);
  assert.deepEqual(Array.from(decoded.pixels), Array.from(img.pixels));
  assert.deepEqual(decoded.header.pixelSpacing, [0.661468, 0.661468]);
  assert.equal(decoded.header.metadata?.find((m) => m.name === 'PatientName')?.phi, true);
  const png = bundle['image/png'] as Buffer;
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  assert.equal(png.readUInt32BE(16), 128);
  assert.match(bundle['text/plain'] as string, /128×128, 1 frame, window .* HU, 0\.66×0\.66 mm\/pixel/);
});

test('a 512² CT output is at most 1.2× the size of its PNG snapshot', async (t) => {
  if (!needFile(t, CT_ANKLE_512, 'gdcmData CT (Debian octave-dicom)')) return;
  const bundle = dicomViewBundle(await readViewerImage(CT_ANKLE_512));
  const ratio = (bundle['application/vnd.radnb.dicom'] as Uint8Array).length / (bundle['image/png'] as Buffer).length;
  assert.ok(ratio <= 1.2, `binary/PNG = ${ratio.toFixed(2)}`);
});

test('frames decode one at a time, so a viewer shows a slice before the whole volume is decoded', async () => {
  const frames = 6;
  const img = image(Int16Array.from({ length: 35 * frames }, (_, i) => ((i * 7) % 3000) - 1024));
  const { frames: reader } = await openDicomPayload(encodeDicomPayload(img, deflate), inflate);
  await reader.decode(3);
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((f) => reader.isReady(f)),
    [false, false, false, true, false, false],
  );
  assert.deepEqual(Array.from(reader.pixels.subarray(3 * 35, 4 * 35)), Array.from(img.pixels.subarray(3 * 35, 4 * 35)));
  const stop = new AbortController();
  stop.abort();
  await reader.decodeAll(3, stop.signal);
  assert.equal(reader.isReady(0), false, 'an aborted background decode stops');
  await reader.decodeAll(3);
  assert.deepEqual(Array.from(reader.pixels), Array.from(img.pixels));
});

test("showImage opens the viewer in the window it is given, else in the image's own", async () => {
  const ct = { ...image(new Int16Array(35).map((_, i) => i * 10)), units: 'HU', window: { center: 40, width: 400 } };
  const header = async (options: Parameters<typeof showImage>[1]) =>
    (
      await decodeDicomPayload(
        (showImage(ct, options)[DISPLAY]() as Record<string, unknown>)['application/vnd.radnb.dicom'] as Uint8Array,
        inflate,
      )
    ).header;
  assert.deepEqual((await header({ window: { center: -600, width: 1500 } })).window, { center: -600, width: 1500 });
  assert.deepEqual((await header({})).window, { center: 40, width: 400 });
});

test('showImage adds overlays to a DICOM image and displays it in the viewer', async (t) => {
  if (!needFile(t, CT_SMALL, 'python3-pydicom test files (Debian python3-pydicom)')) return;
  const dicom = await readDicom(CT_SMALL);
  const heat = Float32Array.from({ length: 128 * 128 }, (_, i) => (i % 128) / 127);
  const shown = showImage(dicom, {
    title: 'Grad-CAM',
    overlays: [{ kind: 'heatmap', label: 'Grad-CAM', data: heat, colormap: 'jet' }],
  });
  const bundle = shown[DISPLAY]() as Record<string, unknown>;
  const { header, overlays } = await decodeDicomPayload(bundle['application/vnd.radnb.dicom'] as Uint8Array, inflate);
  assert.equal(header.title, 'Grad-CAM');
  assert.deepEqual(
    overlays.map((o) => o.overlay.label),
    ['Grad-CAM'],
  );
  assert.deepEqual(Array.from(overlays[0].data), Array.from(heat));
  assert.throws(
    () =>
      showImage(dicom, { overlays: [{ kind: 'mask', label: 'wrong size', data: new Uint8Array(28 * 28) }] })[DISPLAY](),
    /overlay "wrong size" has 784 values, expected 16384/,
  );
});
