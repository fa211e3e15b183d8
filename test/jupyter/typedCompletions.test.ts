// Jupyter's complete and inspect through the editor's language service: the executed inputs are the cells
// above, so members and types are known; the live kernel answers where types end.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { CompletionSource } from '../../src/jupyter/completionSource';
import { TypedCompletions } from '../../src/jupyter/typedCompletions';
import { repoRoot } from '../support/env';

function source(executed: string[]): { typed: TypedCompletions; asked: string[] } {
  const asked: string[] = [];
  const live: CompletionSource = {
    complete: async (code) => (
      asked.push(`complete ${code}`),
      { matches: ['fromKernel'], cursorStart: code.length, cursorEnd: code.length }
    ),
    inspect: async (code) => (
      asked.push(`inspect ${code}`),
      { found: true, data: { 'text/plain': '{ center: 40, width: 400 }' } }
    ),
  };
  const notebookDir = mkdtempSync(path.join(tmpdir(), 'radnb-jupyter-typed-'));
  return {
    typed: new TypedCompletions({ notebookDir, installDir: repoRoot, executed: () => executed, fallback: live }),
    asked,
  };
}

test('completes members from the types of earlier executions, replacing only the word being typed', async () => {
  const { typed, asked } = source(["import { readDicom } from 'radnb';", 'const scan = { center: 40, width: 400 };']);
  assert.deepEqual(await typed.complete('scan.wi', 7), { matches: ['width'], cursorStart: 5, cursorEnd: 7 });
  assert.deepEqual((await typed.complete('scan.', 5)).matches, ['center', 'width']);
  assert.ok((await typed.complete('readDi', 6)).matches.includes('readDicom'));
  assert.deepEqual(asked, []);
});

test('inspection shows the type and documentation, then the live value', async () => {
  const { typed } = source(['const scan = { center: 40, width: 400 };']);
  const inspected = await typed.inspect('scan', 4);
  assert.equal(inspected.found, true);
  assert.equal(
    inspected.data['text/plain'],
    'const scan: {\n    center: number;\n    width: number;\n}\n\n{ center: 40, width: 400 }',
  );
  const documented = await typed.inspect("param('fast', false)", 3);
  assert.match(documented.data['text/plain'], /A parameter of this run/);
});

test('an untyped value is completed by the live kernel', async () => {
  const { typed, asked } = source(['const loaded: any = JSON.parse("{}");']);
  assert.deepEqual((await typed.complete('loaded.', 7)).matches, ['fromKernel']);
  assert.deepEqual(asked, ['complete loaded.']);
});
