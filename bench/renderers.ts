// Renderer benchmarks in headless chromium, each side by side with a plain <img> PNG baseline in the same
// run: window/level drag frame time on a 512² 16-bit CT, scrolling a 300-slice 512² volume, and the saved
// size of a 512² CT output against its PNG. Writes bench/results/renderers.json.
// Run: node esbuild.js && node --import tsx bench/renderers.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ViewerImage } from '../src/common/viewer';
import { dicomSnapshotPng, dicomViewBundle } from '../src/display/dicomView';
import { RendererPage } from '../test/renderers/browser';
import { CT_ANKLE_512, readViewerImage } from '../test/support/viewerImages';
import { stats, type Stats } from './support/stats';

const DICOM = 'application/vnd.radnb.dicom';
const DRAG_STEPS = 120;
const VOLUME_SLICES = 300;
const BASELINE_FRAMES = 60;

/** A volume built from a real CT slice: each slice shifted and offset a little, like neighbouring slices. */
function syntheticVolume(base: ViewerImage, slices: number): ViewerImage {
  const size = base.rows * base.columns;
  const pixels = new Int16Array(size * slices);
  for (let s = 0; s < slices; s++) {
    const shift = s % 24;
    for (let y = 0; y < base.rows; y++) {
      for (let x = 0; x < base.columns; x++) {
        pixels[s * size + y * base.columns + x] =
          base.pixels[y * base.columns + ((x + shift) % base.columns)] + (s % 9);
      }
    }
  }
  return { ...base, title: `${slices}-slice volume`, frames: slices, pixels, sliceSpacing: 1 };
}

/** Draw times recorded by the viewer (User Timing 'radnb.dicom.frame'), cleared before each phase. */
const clearFrames = (page: RendererPage): Promise<void> =>
  page.page.evaluate(() => performance.clearMeasures('radnb.dicom.frame'));
const frameTimes = (page: RendererPage): Promise<number[]> =>
  page.page.evaluate(() => performance.getEntriesByName('radnb.dicom.frame').map((e) => e.duration));

/** Baseline: a plain <img> showing server-made PNGs, one per frame: time to decode and paint each. */
async function imgBaseline(page: RendererPage, pngs: Buffer[]): Promise<{ frameMs: Stats; framesPerSecond: number }> {
  const names = pngs.map((png, i) => page.addPayload(`baseline-${i}.png`, png));
  return page.page
    .evaluate(async (urls) => {
      const blobs = await Promise.all(urls.map(async (u) => URL.createObjectURL(await (await fetch(u)).blob())));
      const img = document.createElement('img');
      img.width = 512;
      document.body.prepend(img);
      const times: number[] = [];
      const start = performance.now();
      for (const url of blobs) {
        const t0 = performance.now();
        img.src = url;
        await img.decode();
        times.push(performance.now() - t0);
        await new Promise((r) => requestAnimationFrame(r));
      }
      const elapsed = performance.now() - start;
      img.remove();
      return { times, elapsed };
    }, names)
    .then(({ times, elapsed }) => ({
      frameMs: stats(times),
      framesPerSecond: Math.round((pngs.length / elapsed) * 1000 * 10) / 10,
    }));
}

async function main(): Promise<void> {
  const ct = await readViewerImage(CT_ANKLE_512);
  const page = await RendererPage.open();
  const results: Record<string, unknown> = {
    machine: {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      chromium: await page.page.context().browser()?.version(),
    },
    input: { file: path.basename(CT_ANKLE_512), rows: ct.rows, columns: ct.columns, type: ct.pixels.constructor.name },
  };

  // 1. Saved size of one 512² CT output against its PNG (raw bytes and base64 as in a JSON notebook).
  const bundle = dicomViewBundle(ct);
  const binary = bundle[DICOM] as Uint8Array;
  const png = bundle['image/png'] as Buffer;
  const b64 = (n: number): number => Math.ceil(n / 3) * 4;
  results.size = {
    binaryBytes: binary.length,
    pngBytes: png.length,
    binaryOverPng: Math.round((binary.length / png.length) * 1000) / 1000,
    rawPixelBytes: ct.pixels.byteLength,
    wholeOutputBytes: binary.length + png.length + Buffer.byteLength(bundle['text/plain'] as string),
    base64: { binary: b64(binary.length), png: b64(png.length) },
    goal: 'binary ≤ 1.2 × PNG',
  };

  // 2. Window/level drag on the 512² frame: real mouse input through CDP, draw time per frame.
  await page.render('wl', DICOM, binary);
  const canvas = page.page.locator('#wl .radnb-dicom-canvas');
  const box = (await canvas.boundingBox())!;
  await clearFrames(page);
  await page.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.page.mouse.down();
  const dragStart = Date.now();
  for (let i = 0; i < DRAG_STEPS; i++) {
    await page.page.mouse.move(box.x + box.width / 2 + (i % 40) * 3, box.y + box.height / 2 + (i % 25) * 2);
    await page.page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  }
  const dragSeconds = (Date.now() - dragStart) / 1000;
  await page.page.mouse.up();
  const drag = await frameTimes(page);
  const windows = Array.from({ length: BASELINE_FRAMES }, (_, i) => ({
    ...ct,
    window: { center: 200 + i * 10, width: 1000 + i * 40 },
  }));
  results.windowLevelDrag = {
    radnb: {
      drawMs: stats(drag),
      framesDrawn: drag.length,
      framesPerSecondWithCdpInput: Math.round((drag.length / dragSeconds) * 10) / 10,
    },
    imgPngBaseline: await imgBaseline(
      page,
      windows.map((w) => dicomSnapshotPng(w)),
    ),
    goalMs: 8,
  };
  await page.page.evaluate(() => document.getElementById('wl')?.remove());

  // 3. Scrolling a 300-slice 512² volume: one wheel step per animation frame.
  const volume = syntheticVolume(ct, VOLUME_SLICES);
  const encodeStart = performance.now();
  const volumeBytes = dicomViewBundle(volume)[DICOM] as Uint8Array;
  const encodeMs = performance.now() - encodeStart;
  await page.page.evaluate(() => performance.clearMarks('radnb.dicom.decoded'));
  const loadStart = Date.now();
  await page.render('vol', DICOM, volumeBytes);
  const firstSliceMs = Date.now() - loadStart;
  await page.page.waitForFunction(() => performance.getEntriesByName('radnb.dicom.decoded').length > 0, undefined, {
    timeout: 120_000,
  });
  const allSlicesMs = Date.now() - loadStart;
  await clearFrames(page);
  const scroll = await page.page.evaluate(async (slices) => {
    const viewport = document.querySelector('#vol .radnb-dicom-viewport') as HTMLElement;
    viewport.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }));
    await new Promise((r) => requestAnimationFrame(r));
    const start = performance.now();
    for (let i = 1; i < slices; i++) {
      viewport.dispatchEvent(new WheelEvent('wheel', { deltaY: 100, bubbles: true, cancelable: true }));
      await new Promise((r) => requestAnimationFrame(r));
    }
    const elapsed = performance.now() - start;
    return { seconds: elapsed / 1000, label: document.querySelector('#vol .radnb-dicom-slice')?.textContent };
  }, VOLUME_SLICES);
  const scrollDraws = await frameTimes(page);
  const slicePngs = Array.from({ length: BASELINE_FRAMES }, (_, s) => dicomSnapshotPng(volume, s));
  results.volumeScroll = {
    slices: VOLUME_SLICES,
    payloadBytes: volumeBytes.length,
    encodeMsNode: Math.round(encodeMs),
    browserMsToFirstSlice: firstSliceMs,
    browserMsToAllSlicesDecoded: allSlicesMs,
    radnb: {
      slicesPerSecond: Math.round(((VOLUME_SLICES - 1) / scroll.seconds) * 10) / 10,
      drawMs: stats(scrollDraws),
      lastLabel: scroll.label,
      note: 'one slice per requestAnimationFrame: the display refresh caps the rate',
    },
    imgPngBaseline: await imgBaseline(page, slicePngs),
    goalSlicesPerSecond: 30,
  };
  await page.close();
  mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  const out = path.join(__dirname, 'results', 'renderers.json');
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
