// The classic Jupyter Notebook 6.4 (Debian jupyter-notebook) in headless Chromium: a notebook with the
// radnb kernel shows a DICOM image and trains a CNN for an epoch, with both outputs visible as a Jupyter
// user sees them. Leaves test/jupyter/screenshots/classic-notebook.png (README's screenshot).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/harness';
import { need } from '../support/env';
import { PYTHON, jupyterSandbox } from './jupyterSandbox';

const screenshotsDir = path.join(__dirname, 'screenshots');

const CELLS = [
  `import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDicom, showImage, WINDOW_PRESETS, writePhantomDataset } from 'radnb';

const dir = mkdtempSync(join(tmpdir(), 'radnb-jupyter-ct-'));
const written = await writePhantomDataset(dir, 1, { seed: 3, size: 128, slices: 8 });
const ct = await readDicom(join(dir, written.series[0].slices[4]));
showImage({ ...ct.toViewerImage(), window: WINDOW_PRESETS.lung }, { title: 'phantom CT, lung window' })`,
  `import { phantomTensors, smallCnn, train } from 'radnb';

const data = phantomTensors(16, { seed: 11, size: 64, slices: 8 });
const model = smallCnn({ inputShape: [64, 64, 1], filters: [4, 8], denseUnits: 8, seed: 1 });
const history = await train(model, { x: data.images, y: data.labels.reshape([-1, 1]) }, { epochs: 1, batchSize: 32, seed: 1 });
console.log(\`trained \${history.epochs} epoch in \${(history.elapsedMs / 1000).toFixed(1)} s\`);`,
];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    if (server.exitCode !== null) throw new Error(`jupyter notebook exited (${server.exitCode}):\n${log()}`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`jupyter notebook did not answer at ${url}:\n${log()}`);
}

test('classic Jupyter Notebook: a DICOM image and a one-epoch training run with the radnb kernel', async (t) => {
  const sandbox = jupyterSandbox(t, ['notebook'], 'jupyter-notebook');
  if (!sandbox || !need(t, existsSync(CHROMIUM), `Debian chromium at ${CHROMIUM}`)) return;
  const folder = path.join(sandbox.root, 'notebooks');
  mkdirSync(folder);
  const notebook = {
    cells: CELLS.map((source, i) => ({
      cell_type: 'code',
      execution_count: null,
      id: `cell-${i}`,
      metadata: {},
      outputs: [],
      source,
    })),
    metadata: { kernelspec: { display_name: 'TypeScript (radnb)', language: 'typescript', name: 'radnb' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(path.join(folder, 'radnb-in-jupyter.ipynb'), JSON.stringify(notebook));

  const port = await freePort();
  const args = [
    '-m',
    'notebook',
    '--no-browser',
    `--port=${port}`,
    '--ip=127.0.0.1',
    '--NotebookApp.token=',
    '--NotebookApp.password=',
    `--notebook-dir=${folder}`,
  ];
  if (process.getuid?.() === 0) args.push('--allow-root');
  const server = spawn(PYTHON, args, { env: sandbox.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let serverLog = '';
  server.stdout.on('data', (c: Buffer) => (serverLog += c.toString()));
  server.stderr.on('data', (c: Buffer) => (serverLog += c.toString()));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1100, height: 1200 } });
  mkdirSync(screenshotsDir, { recursive: true });
  try {
    await waitForServer(`http://127.0.0.1:${port}/api`, server, () => serverLog);
    await page.goto(`http://127.0.0.1:${port}/notebooks/radnb-in-jupyter.ipynb`);
    await page.waitForFunction(
      () =>
        (
          window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }
        ).Jupyter?.notebook?.kernel?.is_connected(),
      undefined,
      { timeout: 60_000 },
    );
    assert.match(await page.locator('.kernel_indicator_name').innerText(), /TypeScript \(radnb\)/);
    await page.click('#celllink');
    await page.click('#run_all_cells > a');
    await page.locator('.output_subarea', { hasText: /trained 1 epoch in/ }).waitFor({ timeout: 180_000 });
    const cells = page.locator('.cell.code_cell');
    assert.equal(await cells.count(), 2);
    // The DICOM view as its PNG, the cell's Out[1]; the training curves as their PNG above the printed line.
    await cells.nth(0).locator('.output_png img').waitFor();
    await cells.nth(1).locator('.output_png img').waitFor();
    assert.equal(
      await page.locator('.output_error').count(),
      0,
      await page
        .locator('.output_error')
        .allInnerTexts()
        .then((t) => t.join('\n')),
    );
    assert.match(await cells.nth(0).locator('.prompt.output_prompt').first().innerText(), /Out\[1\]/);
    const dicomImage = await cells.nth(0).locator('.output_png img').boundingBox();
    assert.ok(dicomImage && dicomImage.width >= 128, `the DICOM image is shown (${JSON.stringify(dicomImage)})`);
    const content = (await page.locator('#notebook-container').boundingBox())!;
    await page.screenshot({
      path: path.join(screenshotsDir, 'classic-notebook.png'),
      fullPage: true,
      clip: { x: 0, y: 0, width: 1100, height: content.y + content.height + 16 },
    });
  } catch (err) {
    await page
      .screenshot({ path: path.join(screenshotsDir, 'classic-notebook-failure.png'), fullPage: true })
      .catch(() => undefined);
    throw new Error(`${(err as Error).message}\n--- jupyter notebook log ---\n${serverLog.slice(-4000)}`);
  } finally {
    await browser.close();
    process.kill(-server.pid!, 'SIGTERM');
  }
});
