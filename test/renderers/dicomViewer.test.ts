// The DICOM viewer in a real chromium: real CT pixels from the Node encoder, the real bundle, and what a
// user sees and does — value under the cursor, window drag, keyboard, overlays, PHI, hostile tags.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setIdentifiersAllowed } from '../../src/common/phi';
import type { ViewerImage } from '../../src/common/viewer';
import { dicomViewBundle } from '../../src/display/dicomView';
import { windowFrame } from '../../src/common/windowing';
import { need, needFile } from '../support/env';
import { CHROMIUM, RendererPage } from './browser';
import { CT_SMALL, readViewerImage } from '../support/viewerImages';

const DICOM = 'application/vnd.radnb.dicom';
const SCREENSHOTS = path.join(__dirname, 'screenshots');
let view: RendererPage | undefined;

before(async () => {
  if (existsSync(CHROMIUM) && existsSync(CT_SMALL)) view = await RendererPage.open();
  mkdirSync(SCREENSHOTS, { recursive: true });
});
after(async () => view?.close());

function ready(t: import('node:test').TestContext): RendererPage | undefined {
  if (!need(t, existsSync(CHROMIUM), 'Debian chromium at /usr/bin/chromium')) return undefined;
  if (!needFile(t, CT_SMALL, 'python3-pydicom test files (Debian python3-pydicom)')) return undefined;
  return view;
}

async function show(page: RendererPage, id: string, image: ViewerImage): Promise<void> {
  await page.render(id, DICOM, dicomViewBundle(image)[DICOM] as Uint8Array);
  await page.page.waitForSelector(`#${id} .radnb-dicom-canvas`);
}

/** Moves the mouse over the centre of image pixel (x, y). */
async function hoverPixel(page: RendererPage, id: string, x: number, y: number, image: ViewerImage): Promise<void> {
  const canvas = page.page.locator(`#${id} .radnb-dicom-canvas`);
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  assert.ok(box);
  await page.page.mouse.move(
    box.x + ((x + 0.5) / image.columns) * box.width,
    box.y + ((y + 0.5) / image.rows) * box.height,
  );
}

const canvasChecksum = (page: RendererPage, id: string): Promise<number> =>
  page.page.evaluate((sel) => {
    const canvas = document.querySelector(sel) as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum = (sum * 31 + data[i]) % 1_000_000_007;
    return sum;
  }, `#${id} .radnb-dicom-canvas`);

const pixelAt = (page: RendererPage, id: string, x: number, y: number): Promise<number[]> =>
  page.page.evaluate(
    ([sel, px, py]) => {
      const canvas = document.querySelector(sel as string) as HTMLCanvasElement;
      return Array.from(canvas.getContext('2d')!.getImageData(px as number, py as number, 1, 1).data);
    },
    [`#${id} .radnb-dicom-canvas`, x, y] as const,
  );

test('the value under the cursor is the pixel in Hounsfield units', async (t) => {
  const page = ready(t);
  if (!page) return;
  const image = await readViewerImage(CT_SMALL);
  await show(page, 'ct', image);
  for (const [x, y] of [
    [64, 64],
    [10, 100],
    [127, 0],
  ]) {
    await hoverPixel(page, 'ct', x, y, image);
    const hu = image.pixels[y * image.columns + x] * image.slope + image.intercept;
    assert.equal(await page.page.locator('#ct .radnb-dicom-readout').textContent(), `(${x}, ${y})  ${hu} HU`);
  }
  assert.deepEqual(await page.page.locator('#ct .radnb-dicom-orient').allTextContents(), ['A', 'P', 'R', 'L']);
  assert.match((await page.page.locator('#ct .radnb-dicom-scalebar-label').textContent()) ?? '', /^\d+ (mm|cm)$/);
  await page.page.locator('#ct').screenshot({ path: path.join(SCREENSHOTS, 'dicom-ct-small.png') });
  // The editor narrows: the image shrinks with it and the scale bar is recomputed for the new size.
  const barWidth = (): Promise<number> =>
    page.page.locator('#ct .radnb-dicom-scalebar').evaluate((el) => el.getBoundingClientRect().width);
  const wide = {
    bar: await barWidth(),
    label: await page.page.locator('#ct .radnb-dicom-scalebar-label').textContent(),
  };
  await page.page.locator('#ct').evaluate((el) => (el.style.width = '300px'));
  await page.page.waitForFunction((w) => {
    const bar = document.querySelector('#ct .radnb-dicom-scalebar') as HTMLElement;
    return bar.getBoundingClientRect().width !== w;
  }, wide.bar);
  const canvasWidth = await page.page
    .locator('#ct .radnb-dicom-canvas')
    .evaluate((el) => el.getBoundingClientRect().width);
  assert.equal(canvasWidth, 300);
  const narrow = {
    bar: await barWidth(),
    label: await page.page.locator('#ct .radnb-dicom-scalebar-label').textContent(),
  };
  // mm per CSS pixel doubles; the bar shows a round length that still fits a quarter of the width.
  const mmPerPx = (bar: number, label: string | null): number =>
    (parseFloat(label ?? '') * (label?.endsWith('cm') ? 10 : 1)) / bar;
  assert.ok(
    Math.abs(mmPerPx(narrow.bar, narrow.label) / mmPerPx(wide.bar, wide.label) - 640 / 300) < 0.01,
    JSON.stringify({ wide, narrow }),
  );
  assert.ok(narrow.bar <= 75);
});

test('dragging changes window/level and the drawn pixels; presets and reset restore them', async (t) => {
  const page = ready(t);
  if (!page) return;
  const image = await readViewerImage(CT_SMALL);
  await show(page, 'drag', image);
  const before = await canvasChecksum(page, 'drag');
  const label = await page.page.locator('#drag .radnb-dicom-window').textContent();
  await hoverPixel(page, 'drag', 64, 64, image);
  await page.page.mouse.down();
  await hoverPixel(page, 'drag', 20, 90, image);
  await page.page.mouse.up();
  await page.page.waitForFunction((l) => document.querySelector('#drag .radnb-dicom-window')?.textContent !== l, label);
  assert.notEqual(await canvasChecksum(page, 'drag'), before);
  await page.page.locator('#drag .radnb-dicom-preset').selectOption({ label: 'Lung (C-600 W1500)' });
  await page.page.waitForFunction(
    () => document.querySelector('#drag .radnb-dicom-window')?.textContent === 'C -600  W 1500',
  );
  await page.page.locator('#drag .radnb-dicom-reset').click();
  await page.page.waitForFunction((l) => document.querySelector('#drag .radnb-dicom-window')?.textContent === l, label);
  assert.equal(await canvasChecksum(page, 'drag'), before);
});

test('keyboard: slices with arrows, zoom with +/-, invert with I', async (t) => {
  const page = ready(t);
  if (!page) return;
  const base = await readViewerImage(CT_SMALL);
  const frames = 5;
  const pixels = new Int16Array(base.pixels.length * frames);
  for (let f = 0; f < frames; f++)
    pixels.set(
      (base.pixels as Int16Array).map((v) => v + f * 100),
      f * base.pixels.length,
    );
  const image: ViewerImage = { ...base, frames, pixels, sliceSpacing: 5 };
  await show(page, 'stack', image);
  const slice = page.page.locator('#stack .radnb-dicom-slice');
  assert.equal(await slice.textContent(), 'slice 3 / 5');
  await page.page.locator('#stack .radnb-dicom-viewport').focus();
  await page.page.keyboard.press('ArrowDown');
  await page.page.waitForFunction(
    () => document.querySelector('#stack .radnb-dicom-slice')?.textContent === 'slice 4 / 5',
  );
  await hoverPixel(page, 'stack', 64, 64, image);
  const hu = base.pixels[64 * 128 + 64] + base.intercept + 300;
  assert.equal(await page.page.locator('#stack .radnb-dicom-readout').textContent(), `(64, 64)  ${hu} HU`);
  await page.page.mouse.wheel(0, -100);
  await page.page.waitForFunction(
    () => document.querySelector('#stack .radnb-dicom-slice')?.textContent === 'slice 3 / 5',
  );
  const stage = page.page.locator('#stack .radnb-dicom-stage');
  await page.page.locator('#stack .radnb-dicom-viewport').focus();
  await page.page.keyboard.press('+');
  assert.match((await stage.getAttribute('style')) ?? '', /scale\(1\.25\)/);
  await page.page.keyboard.press('-');
  assert.match((await stage.getAttribute('style')) ?? '', /scale\(1\)/);
  const [r] = await pixelAt(page, 'stack', 64, 64);
  await page.page.keyboard.press('i');
  await page.page.waitForFunction(
    () => (document.querySelector('#stack .radnb-dicom-invert') as HTMLInputElement).checked,
  );
  assert.equal((await pixelAt(page, 'stack', 64, 64))[0], 255 - r);
});

test('a mask overlay tints its pixels; opacity 0 removes the tint', async (t) => {
  const page = ready(t);
  if (!page) return;
  const image = await readViewerImage(CT_SMALL);
  const mask = new Uint8Array(128 * 128);
  for (let y = 40; y < 80; y++) for (let x = 40; x < 80; x++) mask[y * 128 + x] = 1;
  const heat = Float32Array.from({ length: 128 * 128 }, (_, i) => (i % 128) / 127);
  await show(page, 'overlay', {
    ...image,
    overlays: [
      { kind: 'mask', label: 'lesion', data: mask, colormap: '#00ff00', opacity: 0.5 },
      { kind: 'heatmap', label: 'Grad-CAM', data: heat, opacity: 0 },
    ],
  });
  const [r, g, b] = await pixelAt(page, 'overlay', 60, 60);
  assert.ok(g > r + 60 && g > b + 60, `tinted pixel ${[r, g, b]}`);
  const outside = await pixelAt(page, 'overlay', 10, 10);
  assert.equal(outside[0], outside[1], 'pixel outside the mask stays grey');
  await page.page.locator('#overlay input[aria-label="lesion opacity"]').fill('0');
  await page.page.waitForFunction(() => {
    const c = document.querySelector('#overlay .radnb-dicom-canvas') as HTMLCanvasElement;
    const [r2, g2] = c.getContext('2d')!.getImageData(60, 60, 1, 1).data;
    return r2 === g2;
  });
  assert.deepEqual(await page.page.locator('#overlay .radnb-dicom-overlay label').allTextContents(), [
    'lesion',
    'Grad-CAM',
  ]);
  await page.theme('dark');
  await page.page.locator('#overlay input[aria-label="lesion opacity"]').fill('40');
  await page.page.locator('#overlay input[aria-label="Grad-CAM opacity"]').fill('35');
  await page.page.locator('#overlay select[aria-label="Grad-CAM colour map"]').selectOption('inferno');
  await page.page.locator('#overlay').screenshot({ path: path.join(SCREENSHOTS, 'dicom-overlays-dark.png') });
  await page.theme('light');
});

test('PHI stays hidden until asked for; hostile tag values render as inert text', async (t) => {
  const page = ready(t);
  if (!page) return;
  const image = await readViewerImage(CT_SMALL);
  const hostile = '<img src=x onerror="window.pwned=1">';
  image.title = '<script>window.pwned=2</script>';
  image.metadata = [
    ...(image.metadata ?? []),
    { tag: '(0008,103E)', name: 'SeriesDescription', value: hostile, phi: false },
    { tag: '(0010,1000)', name: 'OtherPatientIDs', value: '<b>secret</b>', phi: true },
  ];
  // A notebook that allows identifiers carries them in the payload; the viewer still hides them by default.
  setIdentifiersAllowed(true);
  try {
    await show(page, 'phi', image);
  } finally {
    setIdentifiersAllowed(false);
  }
  const root = page.page.locator('#phi');
  await root.locator('summary').click();
  const text = (await root.textContent()) ?? '';
  assert.ok(!text.includes('CompressedSamples^CT1'), 'patient name hidden');
  assert.ok(!text.includes('secret'), 'PHI value not in the DOM');
  assert.ok(
    text.includes(hostile) && text.includes('<script>window.pwned=2</script>'),
    'hostile strings shown as text',
  );
  assert.equal(await root.locator('img, script, b').count(), 0);
  await root.locator('.radnb-dicom-phi-toggle').click();
  assert.ok(((await root.textContent()) ?? '').includes('CompressedSamples^CT1'));
  assert.ok(((await root.textContent()) ?? '').includes('<b>secret</b>'));
  assert.equal(await page.page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);

  // By default the identifying values never enter the saved payload: "Show PHI" has nothing to show.
  await show(page, 'phi-default', image);
  const plain = page.page.locator('#phi-default');
  await plain.locator('summary').click();
  await plain.locator('.radnb-dicom-phi-toggle').click();
  const shown = (await plain.textContent()) ?? '';
  assert.ok(shown.includes('[redacted]'));
  assert.ok(!shown.includes('CompressedSamples^CT1') && !shown.includes('secret'));
});

test('a real-valued image (a CNN output in 0…1) windowed C 0.5 W 1 shows as a grey ramp, in the viewer and in its PNG', async (t) => {
  const page = ready(t);
  if (!page) return;
  const columns = 64;
  const ramp: ViewerImage = {
    rows: 8,
    columns,
    frames: 1,
    samplesPerPixel: 1,
    slope: 1,
    intercept: 0,
    units: '',
    pixels: Float32Array.from({ length: 8 * columns }, (_, i) => (i % columns) / (columns - 1)),
    window: { center: 0.5, width: 1 },
  };
  await show(page, 'ramp', ramp);
  const grey = async (x: number) => (await pixelAt(page, 'ramp', x, 4))[0];
  // LINEAR_EXACT: level = (value − 0.5 + 0.5) × 255, so the ramp's value × 255 — not a threshold at 0
  for (const x of [0, 16, 32, 48, 63])
    assert.ok(Math.abs((await grey(x)) - (x / 63) * 255) <= 1, `column ${x}: grey ${await grey(x)}`);
  assert.equal(windowFrame(ramp.pixels, 0, columns, 1, 0, ramp.window!, false)[32], Math.round((32 / 63) * 255));
  // the arrow keys can narrow the window below 1 (a tenth of it, here): contrast rises around the centre
  await page.page.locator('#ramp .radnb-dicom-canvas').click();
  for (let i = 0; i < 20; i++) await page.page.keyboard.press('ArrowLeft');
  const label = (await page.page.locator('#ramp .radnb-dicom-window').textContent()) ?? '';
  const width = Number(/W ([0-9.e-]+)/.exec(label)?.[1]);
  assert.ok(width < 1 && width > 0, `window label after narrowing: ${label}`);
  // the label changes at once, the canvas on the next frame: wait for the redraw (at most 5 s) before reading it
  const contrastRose = ([sel]: string[]) => {
    const context = (document.querySelector(sel) as HTMLCanvasElement).getContext('2d')!;
    return context.getImageData(16, 4, 1, 1).data[0] < 40 && context.getImageData(48, 4, 1, 1).data[0] > 215;
  };
  await page.page
    .waitForFunction(contrastRose, ['#ramp .radnb-dicom-canvas'], { timeout: 5000 })
    .catch(() => undefined);
  const [low, high] = [await grey(16), await grey(48)];
  assert.ok(low < 40 && high > 215, `narrower window: grey ${low} at 0.25, ${high} at 0.75`);
});
