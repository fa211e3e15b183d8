// `npm start` on a machine without desktop VS Code: it builds, serves VS Code (code-server) on
// 127.0.0.1 with radnb and notebooks/ open, prints the URL, and Ctrl-C stops everything it started; the
// code-server it installs searches files without a system ripgrep.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { freePort, isPortFree } from '../../scripts/codeServer.mjs';
import { repoRoot } from '../support/env';
import { CODE_SERVER_INSTALL_TIMEOUT_MS, installCodeServer, needVSCode, openWorkbench } from './harness';

before(installCodeServer, { timeout: CODE_SERVER_INSTALL_TIMEOUT_MS });

test('npm start serves VS Code with radnb on 127.0.0.1 and stops on Ctrl-C', { timeout: 120_000 }, async (t) => {
  if (!needVSCode(t)) return;
  const port = await freePort();
  const start = spawn(
    process.execPath,
    [path.join(repoRoot, 'scripts', 'start.mjs'), '--code-server', '--port', String(port)],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((resolve) => start.once('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let printed = '';
      start.stdout.on('data', (chunk: Buffer) => {
        printed += chunk;
        const match = /(http:\/\/127\.0\.0\.1:\d+\/\?\S+)/.exec(printed);
        if (match) resolve(match[1]);
      });
      void exited.then((code) => reject(new Error(`npm start exited (${code}) before printing a URL:\n${printed}`)));
    });
    const parsed = new URL(url);
    assert.equal(parsed.port, String(port));
    assert.equal(parsed.searchParams.get('folder'), path.join(repoRoot, 'notebooks'));
    const payload = JSON.parse(parsed.searchParams.get('payload') ?? '[]') as [string, string][];
    assert.deepEqual(payload, [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${repoRoot}`]]);

    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /workbench/, 'the URL serves the VS Code workbench');
  } finally {
    start.kill('SIGINT');
    assert.equal(await exited, 0, 'npm start ends cleanly on Ctrl-C');
  }
  assert.ok(await isPortFree(port), 'Ctrl-C stopped code-server too');
});

test(
  "search in files works: code-server's ripgrep comes from the npm package @vscode/ripgrep",
  { timeout: 120_000 },
  async (t) => {
    if (!needVSCode(t)) return;
    const folder = mkdtempSync(path.join(os.tmpdir(), 'radnb-search-'));
    writeFileSync(path.join(folder, 'notes.txt'), 'a word to find: xylophone42\n');
    const workbench = await openWorkbench({ folder });
    try {
      const { page } = workbench;
      await page
        .locator('.explorer-folders-view .monaco-list-row', { hasText: 'notes.txt' })
        .waitFor({ timeout: 60_000 });
      await page.keyboard.press('Control+Shift+F');
      await page.keyboard.type('xylophone42');
      await page.keyboard.press('Enter');
      const match = page.locator('.search-view .monaco-list-row', { hasText: 'notes.txt' });
      await match.waitFor({ timeout: 30_000 });
    } finally {
      await workbench.close();
      rmSync(folder, { recursive: true, force: true });
    }
  },
);
