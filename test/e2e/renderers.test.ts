// radnb's renderers in the real notebook webview (code-server + chromium): Run All on a notebook that
// shows a DICOM image, CNN feature maps and trains a model, then look inside the webview frame the way a
// user would: pixels on the DICOM canvas, one canvas per feature map, curves that grow while training.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import type { Frame } from 'playwright-core';
import { repoRoot } from '../support/env';
import {
  CODE_SERVER_INSTALL_TIMEOUT_MS,
  installCodeServer,
  needVSCode,
  openNotebookFromExplorer,
  openWorkbench,
  runAll,
  screenshotsDir,
  waitForSelectorInFrames,
} from './harness';

interface CurveState {
  points: number;
  live: boolean;
  traces: number;
}

before(installCodeServer, { timeout: CODE_SERVER_INSTALL_TIMEOUT_MS });

test(
  'a DICOM image, feature maps and a live training curve show in the notebook webview',
  { timeout: 180_000 },
  async (t) => {
    if (!needVSCode(t)) return;
    mkdirSync(screenshotsDir, { recursive: true });
    // Tall enough that every output of the notebook is on screen, so VS Code renders all of them.
    const workbench = await openWorkbench({
      extensionDevelopmentPath: repoRoot,
      viewport: { width: 1400, height: 3000 },
    });
    const { page } = workbench;
    try {
      await openNotebookFromExplorer(page, 'renderers.radnb');
      await runAll(page);

      const curveFrame = await waitForSelectorInFrames(page, '.radnb-plotly', 90_000);
      const states = await watchCurve(curveFrame, 90_000);
      const liveStates = new Set(states.filter((s) => s.live).map((s) => s.points));
      t.diagnostic(
        `training curve states seen in the webview: ${states.map((s) => `${s.points}${s.live ? '' : ' (final)'}`).join(', ')}`,
      );
      assert.ok(
        liveStates.size >= 3,
        `the curve updated ${liveStates.size} times while training (points: ${[...liveStates].join(', ')})`,
      );
      const final = states.at(-1);
      assert.ok(
        final && !final.live && final.points > Math.max(...liveStates) - 1,
        'the final curve holds the whole run',
      );
      assert.ok(final.traces > 0, 'plotly drew the traces');

      const dicomFrame = await waitForSelectorInFrames(page, 'canvas.radnb-dicom-canvas', 30_000);
      const grey = await dicomFrame.locator('canvas.radnb-dicom-canvas').first().evaluate(distinctGreyLevels);
      assert.ok(grey >= 16, `the DICOM canvas shows an image (${grey} distinct grey levels)`);

      const mapsFrame = await waitForSelectorInFrames(page, 'select.radnb-fmaps-layer', 30_000);
      const layers = await mapsFrame.locator('select.radnb-fmaps-layer option').allTextContents();
      assert.ok(
        layers.some((l) => l.includes('conv1')) && layers.some((l) => l.includes('conv2')),
        `layers offered: ${layers.join(', ')}`,
      );
      const tiles = mapsFrame.locator('.radnb-fmaps-tile[title^="conv1 channel"] canvas');
      assert.equal(await tiles.count(), 4, 'one tile per conv1 filter');
      const levels = await tiles.first().evaluate(distinctGreyLevels);
      assert.ok(levels >= 8, `the first feature map shows an activation pattern (${levels} distinct levels)`);

      await page.screenshot({ path: path.join(screenshotsDir, 'renderers.png') });
    } catch (error) {
      await page.screenshot({ path: path.join(screenshotsDir, 'renderers-failure.png') }).catch(() => {});
      throw error;
    } finally {
      await workbench.close();
    }
  },
);

/** Samples the training-curve figure in the webview until its final (no longer live) update. */
async function watchCurve(frame: Frame, timeoutMs: number): Promise<CurveState[]> {
  const states: CurveState[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await frame
      .locator('.radnb-plotly')
      .first()
      .evaluate(readCurve)
      .catch(() => undefined);
    if (state && (states.length === 0 || states.at(-1)?.points !== state.points || states.at(-1)?.live !== state.live))
      states.push(state);
    if (state && !state.live) return states;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the training curve never got its final update; seen: ${JSON.stringify(states)}`);
}

/** Runs in the webview: plotly keeps the figure it drew on its element; "Training…" shows while live. */
function readCurve(element: Element): CurveState | undefined {
  const plot = element as Element & { data?: { x: number[] }[] };
  const indicator = element.parentElement?.querySelector<HTMLElement>('.radnb-live');
  if (!plot.data || !indicator) return undefined;
  return {
    points: plot.data.reduce((sum, trace) => sum + trace.x.length, 0),
    live: !indicator.hidden,
    traces: element.querySelectorAll('.scatterlayer .trace').length,
  };
}

/** Runs in the webview: how many levels the canvas's red channel shows (a blank or failed draw has one or two). */
function distinctGreyLevels(canvas: HTMLCanvasElement): number {
  const context = canvas.getContext('2d');
  if (!context || canvas.width === 0) return 0;
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  const levels = new Set<number>();
  for (let i = 0; i < data.length; i += 4) levels.add(data[i]);
  return levels.size;
}
