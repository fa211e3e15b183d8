// Runs the teaching notebooks 01, 03 and 04 in full mode (--param fast=false) with the real radnb CLI, once per
// seed, and records their key figures (each run's, and their spread) and run time in
// bench/results/notebooks-story.json. Notebook 03 also runs its first seed on the cpu backend (hours; a
// run cut short resumes from its checkpoint in bench/.checkpoints/).
//   node --import tsx bench/notebooks-story.ts [01|03|04[:seeds|:backend] …]
import { recordFullModeRuns, type FullModeSpec } from './support/notebookRuns';

const FIGURES: Record<string, FullModeSpec> = {
  '01': {
    file: '01-pixels-to-diagnosis.radnb',
    figures: { test_auc_slice_level: /test AUC \(slice level\)/, training_seconds: /trained \d+ epochs in/ },
  },
  '03': {
    file: '03-nodule-segmentation.radnb',
    seeds: [1, 2, 3, 4, 5],
    otherBackend: 'cpu',
    checkpointParam: 'checkpoint',
    figures: {
      mean_dice_test_cases_with_nodules: /mean Dice over \d+ test cases with nodules/,
      training_seconds: /trained \d+ epochs in/,
    },
  },
  '04': {
    file: '04-enhance-and-reconstruct.radnb',
    seeds: [1, 2, 3],
    figures: {
      low_dose_psnr_db: /low dose vs full dose: PSNR/,
      low_dose_ssim: /low dose vs full dose: PSNR = [0-9.]+ dB, SSIM/,
      denoised_psnr_db: /denoised vs full dose: PSNR/,
      denoised_ssim: /denoised vs full dose: PSNR = [0-9.]+ dB, SSIM/,
      mr_zero_filled_psnr_db: /zero-filled vs fully sampled: PSNR/,
      mr_zero_filled_ssim: /zero-filled vs fully sampled: PSNR = [0-9.]+ dB, SSIM/,
      mr_network_psnr_db: /CNN output alone vs fully sampled: PSNR/,
      mr_network_ssim: /CNN output alone vs fully sampled: PSNR = [0-9.]+ dB, SSIM/,
      mr_refined_psnr_db: /CNN-refined \(with data consistency\) vs fully sampled: PSNR/,
      mr_refined_ssim: /CNN-refined \(with data consistency\) vs fully sampled: PSNR = [0-9.]+ dB, SSIM/,
    },
  },
};

recordFullModeRuns('notebooks-story', FIGURES).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
