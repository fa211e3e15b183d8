// Runs the teaching notebooks 01, 03 and 04 in full mode (--param fast=false) with the real radnb CLI and
// records their key figures and run time in bench/results/notebooks-story.json. `printed` reads a figure
// the way the notebooks print it ("label = 0.943"); test/notebooks/story.test.ts uses it on fast runs.
//   node --import tsx bench/notebooks-story.ts [01|03|04 …]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runNotebook } from './notebooks-clinical';

const repoRoot = path.resolve(__dirname, '..');

/** The number printed after `label`, with an optional "=" (e.g. "test AUC (slice level) = 0.943", "difference 4.77e-7"). */
export function printed(text: string, label: RegExp): number {
  const match = new RegExp(`${label.source}\\s*=?\\s*(-?[0-9.]+(?:e[-+]?[0-9]+)?)`).exec(text);
  if (!match) throw new Error(`the notebook printed no ${label} <number>:\n${text}`);
  return Number(match[1]);
}

const FIGURES: Record<string, { file: string; figures: Record<string, RegExp> }> = {
  '01': { file: '01-pixels-to-diagnosis.radnb', figures: { test_auc_slice_level: /test AUC \(slice level\)/, training_seconds: /trained \d+ epochs in/ } },
  '03': { file: '03-nodule-segmentation.radnb', figures: { mean_dice_test_cases_with_nodules: /mean Dice over \d+ test cases with nodules/, training_seconds: /trained \d+ epochs in/ } },
  '04': {
    file: '04-enhance-and-reconstruct.radnb',
    figures: {
      low_dose_psnr_db: /low dose vs full dose: PSNR/,
      low_dose_ssim: /low dose vs full dose: PSNR = [0-9.]+ dB, SSIM/,
      denoised_psnr_db: /denoised vs full dose: PSNR/,
      denoised_ssim: /denoised vs full dose: PSNR = [0-9.]+ dB, SSIM/,
      mr_zero_filled_psnr_db: /zero-filled vs fully sampled: PSNR/,
      mr_zero_filled_ssim: /zero-filled vs fully sampled: PSNR = [0-9.]+ dB, SSIM/,
      mr_refined_psnr_db: /CNN-refined vs fully sampled: PSNR/,
      mr_refined_ssim: /CNN-refined vs fully sampled: PSNR = [0-9.]+ dB, SSIM/,
    },
  },
};

async function main(): Promise<void> {
  const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(FIGURES);
  const target = path.join(repoRoot, 'bench/results/notebooks-story.json');
  // Notebooks not re-run this time keep their last recorded figures.
  const previous = existsSync(target) ? (JSON.parse(readFileSync(target, 'utf8')) as { notebooks?: Record<string, unknown> }).notebooks : undefined;
  const results: Record<string, unknown> = { ...previous };
  for (const key of chosen) {
    const { file, figures } = FIGURES[key];
    console.log(`running ${file} in full mode…`);
    const run = await runNotebook(file, { fast: false }, 40 * 60_000);
    if (run.status !== 0) throw new Error(`${file} failed:\n${run.log}`);
    results[file] = {
      date: new Date().toISOString(),
      seconds: +run.seconds.toFixed(1),
      ...Object.fromEntries(Object.entries(figures).map(([name, label]) => [name, printed(run.text, label)])),
    };
    console.log(file, results[file]);
  }
  const record = {
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'} (shared, loaded), Node ${process.version}, tfjs wasm backend`,
    notebooks: results,
  };
  mkdirSync(path.join(repoRoot, 'bench/results'), { recursive: true });
  writeFileSync(target, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`wrote ${target}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
