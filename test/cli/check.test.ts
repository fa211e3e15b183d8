// `radnb check`: the editor's type check from the command line, for CI and for teachers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/env';

const cli = path.join(repoRoot, 'out', 'cli', 'radnb.js');

function check(...args: string[]) {
  return spawnSync(process.execPath, [cli, 'check', ...args], { encoding: 'utf8', timeout: 180_000 });
}

function notebook(cells: { kind: 'code' | 'markdown'; source: string }[]): string {
  return JSON.stringify({
    cells: cells.map(({ kind, source }) =>
      kind === 'code'
        ? { cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null }
        : { cell_type: 'markdown', metadata: {}, source },
    ),
    metadata: { kernelspec: { name: 'radnb', display_name: 'TypeScript (radnb)', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

test("radnb's own notebooks and exercises type-check with no errors", () => {
  const r = check(path.join(repoRoot, 'notebooks'));
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /radnb check: \d+ notebooks, 0 errors/);
});

test('a type error exits 1 naming the file, the cell (markdown cells counted) and the line', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-check-'));
  const file = path.join(dir, 'study.radnb');
  writeFileSync(
    file,
    notebook([
      { kind: 'code', source: "import { readDicom } from 'radnb';\nconst slices = 12;" },
      { kind: 'markdown', source: '# Results' },
      { kind: 'code', source: "const label: string = 'ok';\nconst n: number = slices + label;" },
    ]),
  );
  const r = check(file);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, `${file}:cell 3:2:7: error TS2322: Type 'string' is not assignable to type 'number'.\n`);
  const json = check(file, '--json');
  assert.equal(json.status, 1);
  assert.deepEqual(JSON.parse(json.stdout), [
    {
      file,
      cell: 3,
      line: 2,
      column: 7,
      endLine: 2,
      endColumn: 8,
      severity: 'error',
      code: 2322,
      message: "Type 'string' is not assignable to type 'number'.",
    },
  ]);
});

test('a notebook that is not one is reported as such, and the others in the folder are still checked', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-check-'));
  writeFileSync(path.join(dir, 'a.radnb'), notebook([{ kind: 'code', source: "const n: number = 'x';" }]));
  writeFileSync(path.join(dir, 'b.radnb'), '{ not json');
  const r = check(dir);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /a\.radnb:cell 1:1:7: error TS2322/);
  assert.match(r.stdout, /b\.radnb:cell 0:1:1: error: .*b\.radnb: not a valid notebook/);
});

test('a path that is not there is a usage error', () => {
  const r = check(path.join(tmpdir(), 'no-such-notebook.radnb'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no such file or folder/);
});
