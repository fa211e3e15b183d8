// radnb in a real VS Code (code-server + headless chromium): the mocha suite of test/e2e/suite runs
// inside the extension host, and a user's click-through (open the notebook, Run All, read the output in
// the webview) is replayed on the workbench UI, leaving screenshots in test/e2e/screenshots/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { repoRoot } from '../support/env';
import {
  CODE_SERVER_INSTALL_TIMEOUT_MS,
  installCodeServer,
  needVSCode,
  openNotebookFromExplorer,
  openWorkbench,
  runAll,
  runSuite,
  screenshotsDir,
  waitForTextInFrames,
} from './harness';

const SUITE_TIMEOUT_MS = 150_000;

before(installCodeServer, { timeout: CODE_SERVER_INSTALL_TIMEOUT_MS });

test('the end-to-end mocha suite passes inside the VS Code extension host', { timeout: 240_000 }, async (t) => {
  if (!needVSCode(t)) return;
  const started = Date.now();
  const { code, report, openedAfterMs } = await runSuite({
    timeoutMs: SUITE_TIMEOUT_MS,
    log: (line) => console.error(line),
  });
  t.diagnostic(`workbench opened after ${openedAfterMs} ms`);
  assert.ok(report, `the suite wrote no report (exit code ${code}): it did not load or crashed`);
  for (const title of report.passed) t.diagnostic(`passed: ${title}`);
  for (const [name, { value, unit }] of Object.entries(report.measurements)) t.diagnostic(`${name}: ${value} ${unit}`);
  t.diagnostic(`suite ran in ${(report.durationMs / 1000).toFixed(1)} s inside VS Code`);
  assert.deepEqual(
    report.failed.map((f) => `${f.title}\n${f.error}`),
    [],
    'tests failed inside VS Code',
  );
  assert.equal(report.passed.length, report.total, `only ${report.passed.length} of ${report.total} tests passed`);
  if (!process.env.RADNB_E2E_GREP)
    assert.ok(report.total >= 16, `only ${report.total} tests were registered in the suite`);
  assert.equal(code, 0, 'VS Code reported a failed test run');
  t.diagnostic(`VS Code reported the suite's end after ${Date.now() - started} ms`);
});

test(
  'a user opens a notebook from the explorer, runs all cells and sees the output',
  { timeout: 180_000 },
  async (t) => {
    if (!needVSCode(t)) return;
    mkdirSync(screenshotsDir, { recursive: true });
    const workbench = await openWorkbench({ extensionDevelopmentPath: repoRoot });
    const { page } = workbench;
    try {
      await openNotebookFromExplorer(page, 'demo.radnb');
      await runAll(page);

      const outputFrame = await waitForTextInFrames(page, 'CT + MR + XR', 60_000);
      assert.ok(
        await outputFrame.getByText('radnb demo: 3 modalities').count(),
        'console.log output shows next to the value',
      );
      await page.screenshot({ path: path.join(screenshotsDir, 'run-all.png') });
    } catch (error) {
      await page.screenshot({ path: path.join(screenshotsDir, 'run-all-failure.png') }).catch(() => {});
      throw error;
    } finally {
      await workbench.close();
    }
  },
);
