// Workspace trust in a real VS Code: in Restricted Mode a notebook opens but none of its cells runs until
// the user trusts the folder; once trusted, the same Run All runs them.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { repoRoot } from '../support/env';
import {
  CODE_SERVER_INSTALL_TIMEOUT_MS,
  installCodeServer,
  needVSCode,
  openNotebookFromExplorer,
  openWorkbench,
  runAll,
  waitForTextInFrames,
} from './harness';

before(installCodeServer, { timeout: CODE_SERVER_INSTALL_TIMEOUT_MS });

test('an untrusted folder runs no cell until the user trusts it', { timeout: 180_000 }, async (t) => {
  if (!needVSCode(t)) return;
  const workbench = await openWorkbench({ extensionDevelopmentPath: repoRoot, trusted: false });
  const { page } = workbench;
  try {
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ timeout: 60_000 });
    await openNotebookFromExplorer(page, 'demo.radnb');
    const trustDialog = page.locator('.monaco-dialog-box', { hasText: 'Do you trust the authors' });

    await runAll(page);
    await trustDialog.getByRole('button', { name: 'Cancel' }).click({ timeout: 30_000 });
    // Give a wrongly started kernel time to answer before looking for its output.
    await page.waitForTimeout(3000);
    await assert.rejects(waitForTextInFrames(page, 'CT + MR + XR', 1000), 'no output while the folder is untrusted');
    assert.equal(
      await page.locator('.statusbar-item', { hasText: 'radnb: not started' }).count(),
      1,
      'no kernel was started',
    );

    await runAll(page);
    await trustDialog.getByRole('button', { name: 'Trust Folder & Continue' }).click({ timeout: 30_000 });
    await waitForTextInFrames(page, 'CT + MR + XR', 60_000);
  } finally {
    await workbench.close();
  }
});
