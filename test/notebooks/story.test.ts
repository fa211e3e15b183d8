// The teaching notebooks 01, 03 and 04 run top to bottom in the real headless runner (fast mode) and
// show what their markdown promises: viewer images, feature maps, and figures above a floor.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/env';

const VIEWER_MIME = 'application/vnd.radnb.dicom';

interface Output {
  output_type: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

interface RunResult {
  outputs: Output[][];
  text: string;
  seconds: number;
}

/** Runs notebooks/<name> with --param fast=true and returns every cell's outputs and all printed text. */
function runNotebook(name: string): RunResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-story-test-'));
  try {
    const out = path.join(dir, name);
    const started = Date.now();
    const run = spawnSync(process.execPath, ['out/cli/radnb.js', 'run', `notebooks/${name}`, '--param', 'fast=true', '--out', out], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 300_000,
    });
    const seconds = (Date.now() - started) / 1000;
    assert.equal(run.status, 0, `${name} failed:\n${run.stdout}\n${run.stderr}`);
    const cells = (JSON.parse(readFileSync(out, 'utf8')) as { cells: { outputs?: Output[] }[] }).cells;
    const outputs = cells.map((c) => c.outputs ?? []);
    const text = outputs
      .flat()
      .map((o) => [o.text ?? '', String(o.data?.['text/plain'] ?? '')].flat().join(''))
      .join('\n');
    return { outputs, text, seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function countWithMime(result: RunResult, mime: string): number {
  return result.outputs.flat().filter((o) => o.data?.[mime] !== undefined).length;
}

/** The number printed after `label` (e.g. "test AUC (slice level) = 0.943"). */
function printed(result: RunResult, label: RegExp): number {
  const match = new RegExp(`${label.source}\\s*=?\\s*(-?[0-9.]+(?:e[-+]?[0-9]+)?)`).exec(result.text);
  assert.ok(match, `no ${label} in the outputs:\n${result.text}`);
  return Number(match[1]);
}

test('01 pixels to diagnosis: HU windows in the viewer, Sobel loop = tf.conv2d, feature maps, a trained classifier', () => {
  const result = runNotebook('01-pixels-to-diagnosis.radnb');
  assert.match(result.text, /lung window \(C −600, W 1500\), 64×64, 16 frames/);
  assert.match(result.text, /mediastinum window \(C 50, W 350\)/);
  assert.ok(printed(result, /HU at the nodule centre:/) > -400, 'a nodule is denser than lung');
  assert.ok(printed(result, /outside the body \(corner\):/) < -900, 'air is about −1000 HU');
  assert.ok(printed(result, /largest difference inside the border/) < 1e-4, 'the loop and tf.conv2d agree');
  assert.match(result.text, /edges 64×64 → pooled 32×32 → pooled again 16×16/);
  assert.ok(countWithMime(result, VIEWER_MIME) >= 6, 'phantom windows, Sobel and pooled images open in the viewer');
  assert.equal(countWithMime(result, 'application/vnd.radnb.featuremaps'), 1);
  assert.ok(printed(result, /test AUC \(slice level\)/) >= 0.8, 'the small CNN separates nodule slices on held-out patients');
  const byHand = printed(result, /P\(nodule\) by hand/);
  assert.equal(byHand, printed(result, /by model\.predict/), 'the dense head computed by hand equals the model');
  console.log(`01 ran in ${result.seconds.toFixed(1)} s`);
});

test('03 nodule segmentation: a U-Net with Dice per test case, failure cases and the best case in the viewer', () => {
  const result = runNotebook('03-nodule-segmentation.radnb');
  const perCase = [...result.text.matchAll(/case \d+: largest nodule [0-9.]+ mm, Dice ([0-9.]+)/g)].map((m) => Number(m[1]));
  assert.ok(perCase.length >= 2, `Dice for every test case with a nodule:\n${result.text}`);
  assert.ok(Math.max(...perCase) >= 0.6, `the best case is segmented well (${perCase})`);
  assert.ok(printed(result, /mean Dice over \d+ test cases with nodules/) >= 0.3, 'the U-Net finds nodules, not background');
  const viewers = result.outputs.flat().filter((o) => o.data?.[VIEWER_MIME] !== undefined).map((o) => String(o.data?.['text/plain']));
  assert.equal(viewers.filter((t) => t.startsWith('failure case')).length, 2, 'the worst cases shown as failure cases');
  assert.equal(viewers.filter((t) => t.startsWith('best case')).length, 1);
  console.log(`03 ran in ${result.seconds.toFixed(1)} s`);
});

test('04 enhance and reconstruct: the denoiser beats low dose; k-space of the real MR, zero-filled vs CNN-refined side by side', () => {
  const result = runNotebook('04-enhance-and-reconstruct.radnb');
  const lowPsnr = printed(result, /low dose vs full dose: PSNR/);
  const lowSsim = printed(result, /low dose vs full dose: PSNR = [0-9.]+ dB, SSIM/);
  const denoisedPsnr = printed(result, /denoised vs full dose: PSNR/);
  const denoisedSsim = printed(result, /denoised vs full dose: PSNR = [0-9.]+ dB, SSIM/);
  assert.ok(denoisedPsnr > lowPsnr + 0.5, `DnCNN removes noise: ${denoisedPsnr} vs ${lowPsnr} dB`);
  assert.ok(denoisedSsim > lowSsim, `and keeps structure: SSIM ${denoisedSsim} vs ${lowSsim}`);
  const mrFile = '/usr/lib/python3/dist-packages/pydicom/data/test_files/MR_small.dcm';
  assert.match(result.text, existsSync(mrFile) ? /k-space example: real MR/ : /phantom CT slice — .* not found/);
  assert.match(result.text, /measured 16 of 64 phase-encode lines \(4× faster\)/);
  const zeroFilled = printed(result, /zero-filled vs fully sampled: PSNR/);
  const refined = printed(result, /CNN-refined vs fully sampled: PSNR/);
  assert.ok(zeroFilled > 12 && zeroFilled < 35, `4× undersampling degrades the image but keeps it recognisable (${zeroFilled} dB)`);
  assert.ok(Math.abs(refined - zeroFilled) < 3, `the refiner trained off-domain stays near the zero-filled image (${refined} vs ${zeroFilled} dB)`);
  const viewers = result.outputs.flat().filter((o) => o.data?.[VIEWER_MIME] !== undefined).map((o) => String(o.data?.['text/plain']));
  assert.ok(viewers.some((t) => t.startsWith('full dose | low dose | DnCNN denoised, 192×64, 32 frames')), viewers.join('\n'));
  assert.ok(viewers.some((t) => t.startsWith('fully sampled | zero-filled 4× | CNN-refined, 192×64')));
  assert.ok(viewers.some((t) => t.startsWith('k-space, log magnitude')));
  console.log(`04 ran in ${result.seconds.toFixed(1)} s`);
});
