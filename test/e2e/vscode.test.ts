// radnb in a real VS Code (code-server + headless chromium): the mocha suite of test/e2e/suite runs
// inside the extension host, and a user's click-through (open the notebook, Run All, read the output in
// the webview) is replayed on the workbench UI, leaving screenshots in test/e2e/screenshots/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { format } from 'node:util';
import { repoRoot } from '../support/env';
import { buildSuite } from './buildSuite.mjs';
import { CODE_SERVER_INSTALL_TIMEOUT_MS, installCodeServer, needVSCode, openNotebookFromExplorer, openWorkbench, runAll, screenshotsDir, waitForTextInFrames } from './harness';
import type { SuiteReport } from './suite/index';

const SUITE_TIMEOUT_MS = 150_000;

before(installCodeServer, { timeout: CODE_SERVER_INSTALL_TIMEOUT_MS });

test('the end-to-end mocha suite passes inside the VS Code extension host', { timeout: 240_000 }, async (t) => {
  if (!needVSCode(t)) return;
  const started = Date.now();
  const suiteDir = await buildSuite();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'radnb-e2e-report-'));
  const reportFile = path.join(scratch, 'report.json');
  let exited: (code: number) => void = () => {};
  const exitCode = new Promise<number>((resolve) => (exited = resolve));
  const workbench = await openWorkbench({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: suiteDir,
    env: { RADNB_E2E_REPORT: reportFile },
    beforeLoad: async (page) => {
      // How VS Code's web workbench hands extension-test logs and the exit code to an automation driver.
      await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => console.error(`[vscode ${type}] ${format(...args)}`));
      await page.exposeFunction('codeAutomationExit', (code: number) => exited(code));
    },
  });
  t.diagnostic(`workbench opened after ${Date.now() - started} ms`);
  try {
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exitCode,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the suite did not finish in ${SUITE_TIMEOUT_MS / 1000} s`)), SUITE_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    assert.ok(existsSync(reportFile), `the suite wrote no report (exit code ${code}): it did not load or crashed`);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as SuiteReport;
    for (const title of report.passed) t.diagnostic(`passed: ${title}`);
    for (const [name, ms] of Object.entries(report.measurements)) t.diagnostic(`${name}: ${ms} ms`);
    t.diagnostic(`suite ran in ${(report.durationMs / 1000).toFixed(1)} s inside VS Code`);
    assert.deepEqual(
      report.failed.map((f) => `${f.title}\n${f.error}`),
      [],
      'tests failed inside VS Code',
    );
    assert.equal(report.passed.length, report.total, `only ${report.passed.length} of ${report.total} tests passed`);
    if (!process.env.RADNB_E2E_GREP) assert.ok(report.total >= 16, `only ${report.total} tests were registered in the suite`);
    assert.equal(code, 0, 'VS Code reported a failed test run');
    t.diagnostic(`VS Code reported the suite's end after ${Date.now() - started} ms`);
  } finally {
    await workbench.close();
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('a user opens a notebook from the explorer, runs all cells and sees the output', { timeout: 180_000 }, async (t) => {
  if (!needVSCode(t)) return;
  mkdirSync(screenshotsDir, { recursive: true });
  const workbench = await openWorkbench({ extensionDevelopmentPath: repoRoot });
  const { page } = workbench;
  try {
    await openNotebookFromExplorer(page, 'demo.radnb');
    await runAll(page);

    const outputFrame = await waitForTextInFrames(page, 'CT + MR + XR', 60_000);
    assert.ok(await outputFrame.getByText('radnb demo: 3 modalities').count(), 'console.log output shows next to the value');
    await page.screenshot({ path: path.join(screenshotsDir, 'run-all.png') });
  } catch (error) {
    await page.screenshot({ path: path.join(screenshotsDir, 'run-all-failure.png') }).catch(() => {});
    throw error;
  } finally {
    await workbench.close();
  }
});
