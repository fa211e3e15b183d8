// Issue 8: reloading the VS Code window while a cell runs loses neither the notebook's text nor the
// outputs it had (VS Code restores the unsaved notebook from its backup; radnb's outputs are not transient).
import { before, test } from 'node:test';
import { repoRoot } from '../support/env';
import {
  CODE_SERVER_INSTALL_TIMEOUT_MS,
  installCodeServer,
  needVSCode,
  openWorkbench,
  openNotebookFromExplorer,
  runAll,
  waitForTextInFrames,
} from './harness';

before(installCodeServer, { timeout: CODE_SERVER_INSTALL_TIMEOUT_MS });

test('a window reload during a run keeps the notebook and its outputs', { timeout: 240_000 }, async (t) => {
  if (!needVSCode(t)) return;
  const workbench = await openWorkbench({ extensionDevelopmentPath: repoRoot });
  const { page } = workbench;
  try {
    await openNotebookFromExplorer(page, 'reload.radnb');
    await runAll(page);
    await waitForTextInFrames(page, 'tick 1', 60_000);
    // VS Code backs an unsaved notebook up about a second after its last change; the cell prints every 2 s.
    await page.waitForTimeout(1500);
    await page.reload();
    // VS Code reopens the editor itself; on a loaded machine it may restore the workbench without it (its
    // editor state is written asynchronously on unload), and opening the file then still restores the backup.
    const restored = await page
      .locator('.notebook-editor:visible')
      .first()
      .waitFor({ timeout: 45_000 })
      .then(
        () => true,
        () => false,
      );
    if (!restored) {
      t.diagnostic('VS Code did not reopen the editor after the reload; opened reload.radnb from the explorer');
      await openNotebookFromExplorer(page, 'reload.radnb');
    }
    // The output shown before the reload is back, and so is the cell that was running.
    await waitForTextInFrames(page, 'output before the reload', 60_000);
    await page.getByText('console.log(`tick ${i}`);').first().waitFor({ timeout: 30_000 });
  } finally {
    await workbench.close();
  }
});
