// The editor knows the notebook, as a person sees it in a real VS Code (code-server + chromium): type in a
// new cell and the suggestions know the cells above, a type error is underlined, hover shows the type, and
// the Variables view lists what the kernel holds after a run. Leaves screenshots/editor-language.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { repoRoot } from '../support/env';
import {
  CODE_SERVER_INSTALL_TIMEOUT_MS,
  installCodeServer,
  needVSCode,
  openNotebookFromExplorer,
  openWorkbench,
  runAll,
  screenshotsDir,
} from './harness';

before(installCodeServer, { timeout: CODE_SERVER_INSTALL_TIMEOUT_MS });

/** The language service's first answer waits for TypeScript to read tfjs' and Node's declarations. */
const FIRST_ANSWER_MS = 60_000;

/** Adds a code cell below the selected one with the toolbar's + Code, and types into it key by key. */
async function typeNewCell(page: Page, text: string): Promise<void> {
  await page.locator('.notebook-toolbar-left .action-item', { hasText: 'Code' }).first().click();
  await page.locator('.notebook-editor .monaco-editor.focused').first().waitFor({ timeout: 10_000 });
  await page.keyboard.type(text, { delay: 20 });
}

async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.keyboard.type(title);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().click({ timeout: 10_000 });
}

test(
  'typing in a cell: suggestions from the cells above, a squiggle on a type error, hover, the Variables view',
  { timeout: 240_000 },
  async (t) => {
    if (!needVSCode(t)) return;
    mkdirSync(screenshotsDir, { recursive: true });
    const workbench = await openWorkbench({
      extensionDevelopmentPath: repoRoot,
      viewport: { width: 1400, height: 1000 },
    });
    const { page } = workbench;
    try {
      await openNotebookFromExplorer(page, 'editor.radnb');
      // Run the notebook's one code cell, so the kernel has variables to show.
      await runAll(page);
      await page
        .locator('.notebook-editor .code-cell-row .codicon-notebook-state-success')
        .first()
        .waitFor({ timeout: 120_000 });
      const firstCode = page.locator('.notebook-editor .code-cell-row').first();

      await runCommand(page, 'radnb: Focus on Variables View');
      const variableRow = (name: string) => page.locator('.pane-body .monaco-list-row', { hasText: name });
      await variableRow('model').first().waitFor({ timeout: 30_000 });
      assert.match(await variableRow('model').first().innerText(), /Sequential|Functional|LayersModel/);
      assert.match(await variableRow('spacing').first().innerText(), /Object/);
      const memory = await page.locator('.pane-body .message').first().innerText();
      assert.match(memory, /Tensor memory: [\d.]+ (B|KiB|MiB) in \d+ tensors/);

      await firstCode.click();
      await typeNewCell(page, "const slices: number = 'twelve';");
      const squiggle = page.locator('.notebook-editor .code-cell-row').nth(1).locator('.squiggly-error');
      await squiggle.first().waitFor({ timeout: FIRST_ANSWER_MS });

      await typeNewCell(page, 'spacing.rowMm;');
      const spacingCell = page.locator('.notebook-editor .code-cell-row').nth(2);
      await spacingCell.locator('.view-line span', { hasText: 'spacing' }).first().hover();
      const hover = page.locator('.monaco-hover:visible');
      await hover.first().waitFor({ timeout: 30_000 });
      assert.match(await hover.first().innerText(), /const spacing: \{/);
      await page.mouse.move(5, 5);
      assert.equal(await spacingCell.locator('.squiggly-error').count(), 0, 'valid code has no squiggle');

      // Go to definition (F12) on `spacing` moves to the cell that declared it.
      await spacingCell.locator('.view-line span', { hasText: 'spacing' }).first().click();
      await page.keyboard.press('F12');
      await page.locator('.notebook-editor .code-cell-row.focused').first().waitFor({ timeout: 30_000 });
      await page.waitForFunction(
        () =>
          document.querySelector('.notebook-editor .code-cell-row.focused')?.textContent?.includes('smallCnn') === true,
        undefined,
        { timeout: 30_000 },
      );

      await typeNewCell(page, 'readDicom(');
      const hints = page.locator('.parameter-hints-widget:visible');
      await hints.first().waitFor({ timeout: FIRST_ANSWER_MS });
      assert.match(await hints.first().innerText(), /file: string/);
      await page.keyboard.press('Escape');
      await page.keyboard.type("'ct.dcm');", { delay: 20 });

      await typeNewCell(page, 'model.');
      const suggestions = page.locator('.suggest-widget:visible .monaco-list-row');
      await suggestions.first().waitFor({ timeout: FIRST_ANSWER_MS });
      await page.keyboard.type('pre', { delay: 50 });
      await page
        .locator('.suggest-widget:visible .monaco-list-row', { hasText: 'predict' })
        .first()
        .waitFor({ timeout: 10_000 });
      const offered = await page.locator('.suggest-widget:visible .monaco-list-row').allInnerTexts();
      assert.ok(
        offered.some((label) => label.startsWith('predict')),
        `suggested: ${offered.join(' | ')}`,
      );
      await page.screenshot({ path: path.join(screenshotsDir, 'editor-language.png') });
    } catch (error) {
      await page.screenshot({ path: path.join(screenshotsDir, 'editor-language-failure.png') }).catch(() => {});
      throw error;
    } finally {
      await workbench.close();
    }
  },
);
