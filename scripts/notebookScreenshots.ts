// Screenshots of notebooks 01–06 as VS Code shows them, for README (`npm run screenshots`): each notebook
// runs headless with the radnb CLI in fast mode (06 against a local Orthanc holding phantom studies), the
// executed notebooks open in a real VS Code (code-server + Debian chromium), and one frame per notebook is
// captured from a chosen heading or output down. Writes media/screenshots/notebook-0N.png. The executed notebooks are
// kept in .cache/notebook-screenshots/; `--reuse` captures them again without running them.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { runNotebook } from '../bench/support/notebookRuns';
import type { NotebookRun } from '../bench/support/notebookRuns';
import {
  installCodeServer,
  openNotebookFromExplorer,
  openWorkbench,
  waitForSelectorInFrames,
  waitForTextInFrames,
} from '../test/e2e/harness';
import { orthancInstalled, withPhantomPacs } from '../test/support/orthanc';
import { repoRoot, sharedDir } from '../test/support/env';

interface Shot {
  notebook: string;
  /** Text in the notebook's webview (a markdown heading or an output) that the frame starts just above. */
  anchor: string;
  /** A renderer element that must have drawn before the capture. */
  drawn: string;
}

const SHOTS: Shot[] = [
  { notebook: '01-pixels-to-diagnosis.radnb', anchor: 'with a nodule; val:', drawn: '.radnb-plotly' },
  { notebook: '02-pneumonia-xray.radnb', anchor: 'Test ROC AUC', drawn: 'svg' },
  { notebook: '03-nodule-segmentation.radnb', anchor: 'failure case', drawn: 'canvas.radnb-dicom-canvas' },
  {
    notebook: '04-enhance-and-reconstruct.radnb',
    anchor: 'zero-filled vs fully sampled: PSNR',
    drawn: 'canvas.radnb-dicom-canvas',
  },
  { notebook: '05-explain-and-audit.radnb', anchor: 'Grad-CAM: test slice', drawn: 'canvas.radnb-dicom-canvas' },
  { notebook: '06-dicomweb.radnb', anchor: '4. Look at it', drawn: 'canvas.radnb-dicom-canvas' },
];

/** VS Code's activity bar, left of the notebook once the side bar is hidden. */
const ACTIVITY_BAR = 48;
const FRAME = { width: 1240, height: 980 };
/** Tall enough that VS Code renders every cell of a fast-mode notebook (it renders only what is on screen). */
const VIEWPORT = { width: ACTIVITY_BAR + FRAME.width, height: 16_000 };
const outDir = path.join(repoRoot, 'media', 'screenshots');
const executedDir = path.join(repoRoot, '.cache', 'notebook-screenshots');
async function executeNotebooks(folder: string): Promise<void> {
  for (const { notebook } of SHOTS) {
    let run: NotebookRun;
    if (notebook.startsWith('06')) {
      if (!orthancInstalled) throw new Error('notebook 06 needs Debian orthanc and orthanc-dicomweb');
      run = await withPhantomPacs(({ params }) => runNotebook(notebook, { fast: true, ...params }, 600_000));
    } else {
      const params = notebook.startsWith('02')
        ? { fast: true, data: path.join(sharedDir, 'data', 'pneumoniamnist.npz') }
        : { fast: true };
      run = await runNotebook(notebook, params, 600_000);
    }
    if (run.status !== 0)
      throw new Error(`${notebook} failed (exit ${run.status}):\n${run.errors.join('\n')}\n${run.log.slice(-2000)}`);
    copyFileSync(run.outFile, path.join(folder, notebook));
    console.log(`ran ${notebook} in ${run.seconds.toFixed(0)} s`);
  }
}

async function capture(page: Page, shot: Shot): Promise<void> {
  await openNotebookFromExplorer(page, shot.notebook);
  await page.keyboard.press('Control+B'); // hide the side bar: the frame shows the notebook only
  // rendered markdown lives in the notebook's webview, like the outputs
  const frame = await waitForTextInFrames(page, shot.anchor, 60_000);
  await waitForSelectorInFrames(page, shot.drawn, 60_000);
  await waitUntilViewersDrawn(frame, 60_000);
  await page.waitForTimeout(2000); // the last layout passes
  const box = await frame.getByText(shot.anchor).first().boundingBox();
  if (box === null) throw new Error(`${shot.notebook}: "${shot.anchor}" is not on screen`);
  const file = path.join(outDir, `notebook-${shot.notebook.slice(0, 2)}.png`);
  await page.screenshot({ path: file, clip: { x: ACTIVITY_BAR, y: Math.max(0, box.y - 40), ...FRAME } });
  console.log(`wrote ${path.relative(repoRoot, file)}`);
  await page.keyboard.press('Control+W');
  await page.keyboard.press('Control+B'); // the explorer again, to open the next notebook
}

/** Waits until every DICOM viewer of the notebook shows its image (viewers decode and draw asynchronously). */
async function waitUntilViewersDrawn(frame: Frame, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const blank = await frame.locator('canvas.radnb-dicom-canvas').evaluateAll(
      (canvases) =>
        (canvases as HTMLCanvasElement[]).filter((canvas) => {
          const context = canvas.getContext('2d');
          if (context === null || canvas.width === 0) return true;
          const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
          for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return false;
          return true;
        }).length,
    );
    if (blank === 0) return;
    if (Date.now() > deadline) throw new Error(`${blank} DICOM viewer(s) still blank after ${timeoutMs / 1000} s`);
    await frame.page().waitForTimeout(250);
  }
}

async function main(): Promise<void> {
  installCodeServer();
  mkdirSync(outDir, { recursive: true });
  const reuse = process.argv.includes('--reuse') && SHOTS.every((s) => existsSync(path.join(executedDir, s.notebook)));
  if (!reuse) {
    rmSync(executedDir, { recursive: true, force: true });
    mkdirSync(executedDir, { recursive: true });
    await executeNotebooks(executedDir);
  }
  // VS Code gets a scratch copy: opening a notebook may rewrite it
  const folder = mkdtempSync(path.join(os.tmpdir(), 'radnb-notebooks-'));
  for (const { notebook } of SHOTS) copyFileSync(path.join(executedDir, notebook), path.join(folder, notebook));
  const workbench = await openWorkbench({ folder, extensionDevelopmentPath: repoRoot, viewport: VIEWPORT });
  try {
    await workbench.page.locator('.explorer-folders-view').waitFor({ timeout: 60_000 });
    for (const shot of SHOTS) await capture(workbench.page, shot);
  } finally {
    await workbench.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
