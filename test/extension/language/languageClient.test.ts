// The extension host's client of the language worker, with the real worker (out/language/worker.js):
// diagnostics arrive cell by cell, the edited cell first; requests are answered; a worker that never
// answers costs a request its answer, not the editor.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { CellDiagnostic } from '../../../src/common/cellLanguage';
import { LanguageClient } from '../../../src/extension/language/languageClient';
import { repoRoot } from '../../support/env';

const workerScript = path.join(repoRoot, 'out', 'language', 'worker.js');

function diagnosticsLog(client: LanguageClient): { cellId: string; diagnostics: CellDiagnostic[] }[] {
  const log: { cellId: string; diagnostics: CellDiagnostic[] }[] = [];
  client.onDiagnostics((event) => log.push(...event.cells));
  return log;
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('diagnostics arrive for every cell, and after an edit for the edited cell first, then the cells below', async () => {
  const client = new LanguageClient(workerScript, repoRoot, () => {});
  const log = diagnosticsLog(client);
  try {
    const notebookFile = path.join(mkdtempSync(path.join(tmpdir(), 'radnb-client-')), 'nb.radnb');
    client.notify('open', { notebook: 'nb', notebookFile, checkTypes: true });
    const cells = ['const a = 1;', 'const b: number = a;', 'const c: number = b;', 'const d: number = c;'].map(
      (text, i) => ({ id: `c${i}`, text }),
    );
    client.notify('update', { notebook: 'nb', order: cells.map((c) => c.id), changed: cells });
    await until(() => new Set(log.map((e) => e.cellId)).size === 4, 60_000, 'the first check of every cell');
    assert.ok(
      log.every((e) => e.diagnostics.length === 0),
      JSON.stringify(log),
    );

    log.length = 0;
    client.notify('update', {
      notebook: 'nb',
      order: cells.map((c) => c.id),
      changed: [{ id: 'c1', text: "const b: number = 'one';" }],
    });
    await until(() => log.some((e) => e.cellId === 'c3'), 30_000, 'the cells below the edit');
    assert.deepEqual(
      log.map((e) => e.cellId),
      ['c1', 'c2', 'c3'],
      'the cell above the edit is not checked again',
    );
    assert.deepEqual(
      log[0].diagnostics.map((d) => d.code),
      [2322],
    );

    const completions = await client.request('completions', {
      notebook: 'nb',
      cellId: 'c3',
      at: { line: 0, character: 18 },
    });
    assert.ok(
      completions?.entries.some((e) => e.name === 'b'),
      'a name of a cell above is offered',
    );
  } finally {
    client.dispose();
  }
});

test('a request sent while the worker starts does not keep the checks from running', async () => {
  const client = new LanguageClient(workerScript, repoRoot, () => {});
  const log = diagnosticsLog(client);
  try {
    const notebookFile = path.join(mkdtempSync(path.join(tmpdir(), 'radnb-client-')), 'nb.radnb');
    client.notify('open', { notebook: 'nb', notebookFile, checkTypes: true });
    client.notify('update', {
      notebook: 'nb',
      order: ['a', 'b'],
      changed: [
        { id: 'a', text: 'const a = 1;' },
        { id: 'b', text: "const b: number = 'x';" },
      ],
    });
    await client.request('quickInfo', { notebook: 'nb', cellId: 'a', at: { line: 0, character: 6 } });
    await until(() => log.some((e) => e.cellId === 'b'), 60_000, 'the check of the second cell');
  } finally {
    client.dispose();
  }
});

test('a stuck worker is replaced and the notebooks handed to the new one; one that keeps dying stays off', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-client-'));
  const silent = path.join(dir, 'silent-worker.js');
  writeFileSync(silent, "require('node:worker_threads').parentPort.on('message', () => {});\n");
  const logged: string[] = [];
  const client = new LanguageClient(silent, repoRoot, (m) => logged.push(m), { requestTimeoutMs: 200, stuckMs: 600 });
  let restarts = 0;
  client.onRestart(() => restarts++);
  try {
    for (let i = 0; i < 12 && !logged.some((m) => /stays off/.test(m)); i++) {
      assert.equal(
        await client.request('quickInfo', { notebook: 'nb', cellId: 'c0', at: { line: 0, character: 0 } }),
        undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
    assert.equal(restarts, 3, logged.join('\n'));
    assert.match(logged.at(-1) ?? '', /ended 4 times in 10 minutes; it stays off until the window reloads/);
  } finally {
    client.dispose();
  }
});

test('a request the worker does not answer in time resolves to nothing', async () => {
  const silent = path.join(mkdtempSync(path.join(tmpdir(), 'radnb-client-')), 'silent-worker.js');
  writeFileSync(silent, "require('node:worker_threads').parentPort.on('message', () => {});\n");
  const client = new LanguageClient(silent, repoRoot, () => {});
  try {
    const started = Date.now();
    assert.equal(
      await client.request('quickInfo', { notebook: 'nb', cellId: 'c0', at: { line: 0, character: 0 } }),
      undefined,
    );
    assert.ok(Date.now() - started < 10_000);
  } finally {
    client.dispose();
  }
});
