// A kernel stuck in a native call (which no interrupt can stop) in a real VS Code: after Stop, radnb
// waits radnb.kernel.responseTimeoutSeconds, offers a restart, and the restart reports the lost kernel on
// the cell while keeping the notebook and its outputs.
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

const RESPONSE_TIMEOUT_S = 2;

before(installCodeServer, { timeout: CODE_SERVER_INSTALL_TIMEOUT_MS });

test(
  'a kernel that ignores Stop is offered a restart, which recovers the notebook',
  { timeout: 180_000 },
  async (t) => {
    if (!needVSCode(t)) return;
    const workbench = await openWorkbench({
      extensionDevelopmentPath: repoRoot,
      settings: { 'radnb.kernel.responseTimeoutSeconds': RESPONSE_TIMEOUT_S },
    });
    const { page } = workbench;
    try {
      await openNotebookFromExplorer(page, 'stuck.radnb');
      await runAll(page);
      await waitForTextInFrames(page, 'blocking for 60 s', 60_000);

      await page.locator('.notebook-toolbar-left .action-item', { hasText: 'Interrupt' }).click();
      const asked = Date.now();
      const offer = page.locator('.notification-toast', { hasText: `did not stop within ${RESPONSE_TIMEOUT_S} s` });
      await offer.waitFor({ timeout: 30_000 });
      const waited = Date.now() - asked;
      assert.ok(
        waited >= RESPONSE_TIMEOUT_S * 1000 - 100,
        `the restart was offered after ${waited} ms, before the kernel had its ${RESPONSE_TIMEOUT_S} s`,
      );

      await offer.getByRole('button', { name: 'Restart Kernel' }).click();
      const report = await waitForTextInFrames(page, 'KernelDied', 30_000);
      assert.ok(await report.getByText('blocking for 60 s').count(), 'the output printed before the restart is kept');
      await page.locator('.statusbar-item', { hasText: 'radnb: idle' }).waitFor({ timeout: 30_000 });
    } finally {
      await workbench.close();
    }
  },
);
