// Notebooks committed by a team diff cleanly: `radnb clean` removes what a run or an editor changes,
// keeps what a person wrote, and the outputs policy decides which outputs are worth keeping.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cleanText, runCleanCommand } from '../../src/cli/clean';
import { encodePng } from '../../src/common/png';
import { parseNotebook } from '../../src/common/notebook';
import { applyOutputsPolicy } from '../../src/common/outputsPolicy';
import { repoRoot } from '../support/env';

/** A PNG of random pixels: it cannot compress much, so its size follows from its pixel count. */
const png = (size: number) => encodePng(randomBytes(size * size), size, size).toString('base64');

/** A notebook as VS Code or Jupyter leaves it after a run. */
function executedNotebook(extraMetadata: Record<string, unknown> = {}): string {
  return JSON.stringify({
    cells: [
      { cell_type: 'markdown', id: 'm1', metadata: {}, source: ['# Study\n', 'Pneumonia classifier'] },
      {
        cell_type: 'code',
        id: 'c1',
        execution_count: 7,
        metadata: { execution: { 'iopub.execute_input': '2026-01-01T00:00:00Z' }, scrolled: true, tags: ['setup'] },
        source: ['const x = 1;\n', 'x'],
        outputs: [
          { output_type: 'stream', name: 'stdout', text: ['loading\n'] },
          { output_type: 'execute_result', execution_count: 7, metadata: {}, data: { 'text/plain': ['1'] } },
          { output_type: 'display_data', metadata: {}, data: { 'image/png': png(16), 'text/plain': ['<image>'] } },
          { output_type: 'display_data', metadata: {}, data: { 'image/png': png(400) } },
          { output_type: 'display_data', metadata: {}, data: { 'application/vnd.radnb.dicom': { frames: 1 } } },
        ],
      },
    ],
    metadata: { widgets: { state: {} }, radnb: { runs: [{ id: 'r1' }], ...extraMetadata } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

const defaults = { maxImageBytes: 100 * 1024, dropRuns: false };

test('clean removes outputs, execution counts and editor state, keeps sources, tags and experiment records', () => {
  const cleaned = JSON.parse(cleanText(executedNotebook(), 'nb.radnb', defaults));
  const code = cleaned.cells[1];
  assert.deepEqual(code.outputs, []);
  assert.equal(code.execution_count, null);
  assert.deepEqual(code.metadata, { tags: ['setup'] });
  assert.deepEqual(code.source, ['const x = 1;\n', 'x']);
  assert.equal(cleaned.metadata.widgets, undefined);
  assert.deepEqual(cleaned.metadata.radnb.runs, [{ id: 'r1' }]);
  assert.equal(
    JSON.parse(cleanText(executedNotebook(), 'nb.radnb', { ...defaults, dropRuns: true })).metadata.radnb.runs,
    undefined,
  );
});

test('clean is idempotent and a changed cell changes only its own lines', () => {
  const once = cleanText(executedNotebook(), 'nb.radnb', defaults);
  assert.equal(cleanText(once, 'nb.radnb', defaults), once);
  const edited = cleanText(executedNotebook().replace('const x = 1;', 'const x = 2;'), 'nb.radnb', defaults);
  const a = once.split('\n');
  const b = edited.split('\n');
  assert.equal(a.length, b.length);
  const changed = a.map((line, i) => (line === b[i] ? -1 : i)).filter((i) => i >= 0);
  assert.equal(changed.length, 1);
  assert.match(b[changed[0]], /const x = 2;/);
});

test("the 'small' policy keeps text and small PNGs and leaves a note for what it drops", () => {
  const notebook = parseNotebook(executedNotebook(), 'nb.radnb');
  const small = applyOutputsPolicy(notebook, 'small', { maxImageBytes: 10 * 1024 });
  const outputs = small.cells[1].outputs.map((o) => o.items.map((i) => i.mime));
  assert.deepEqual(outputs, [
    ['application/vnd.code.notebook.stdout'],
    ['text/plain'],
    ['image/png', 'text/plain'],
    ['text/plain'],
    ['text/plain'],
  ]);
  const note = new TextDecoder().decode(small.cells[1].outputs[3].items[0].data);
  assert.match(note, /not saved by the 'small' outputs policy \(image\/png, \d+\.\d KiB\)/);
  assert.match(new TextDecoder().decode(small.cells[1].outputs[4].items[0].data), /application\/vnd\.radnb\.dicom/);
  assert.strictEqual(applyOutputsPolicy(notebook, 'all', { maxImageBytes: 0 }), notebook);
  // The input is not changed: the policy is a pure function.
  assert.equal(notebook.cells[1].outputs.length, 5);
  assert.equal(notebook.cells[1].outputs[3].items[0].mime, 'image/png');
});

test("a notebook's own outputs policy is what clean applies, unless the command overrides it", () => {
  const cleaned = JSON.parse(cleanText(executedNotebook({ outputs: 'small' }), 'nb.radnb', defaults));
  assert.equal(cleaned.cells[1].outputs.length, 5);
  assert.equal(cleaned.cells[1].outputs[1].execution_count, null);
  assert.equal(cleaned.cells[1].execution_count, null);
  const forced = JSON.parse(
    cleanText(executedNotebook({ outputs: 'small' }), 'nb.radnb', { ...defaults, outputs: 'none' }),
  );
  assert.deepEqual(forced.cells[1].outputs, []);
});

test('radnb clean --check exits 1 on an unclean file without changing it, then 0 once cleaned', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'radnb-clean-')), 'nb.radnb');
  const executed = executedNotebook();
  writeFileSync(file, executed);
  assert.equal(await runCleanCommand(['--check', file]), 1);
  assert.equal(readFileSync(file, 'utf8'), executed);
  assert.equal(await runCleanCommand([file]), 0);
  assert.equal(await runCleanCommand(['--check', file]), 0);
  await assert.rejects(runCleanCommand(['--outputs', 'some', file]), /--outputs must be all, small or none/);
});

test('radnb clean --stdin works as a git clean filter and names bad input', () => {
  const cli = path.join(repoRoot, 'out', 'cli', 'radnb.js');
  const run = (input: string) =>
    spawnSync(process.execPath, [cli, 'clean', '--stdin'], { input, encoding: 'utf8', cwd: repoRoot });
  const executed = executedNotebook();
  const ok = run(executed);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, cleanText(executed, '<stdin>', defaults));
  const bad = run('{"cells": [');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /<stdin>: not a valid notebook — malformed JSON/);
});

test('as a git clean filter, commits carry clean notebooks and re-running a notebook leaves git diff empty', () => {
  const repo = mkdtempSync(path.join(tmpdir(), 'radnb-git-'));
  const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
  const filter = `'${process.execPath}' '${path.join(repoRoot, 'out', 'cli', 'radnb.js')}' clean --stdin`;
  git('init', '-q');
  git('config', 'filter.radnb.clean', filter);
  git('config', 'filter.radnb.smudge', 'cat');
  git('config', 'filter.radnb.required', 'true');
  writeFileSync(path.join(repo, '.gitattributes'), '*.radnb filter=radnb\n');
  const executed = executedNotebook();
  writeFileSync(path.join(repo, 'study.radnb'), executed);
  assert.equal(git('add', '.').status, 0);
  assert.equal(git('show', ':study.radnb').stdout, cleanText(executed, 'study.radnb', defaults));
  assert.equal(readFileSync(path.join(repo, 'study.radnb'), 'utf8'), executed, 'the working copy keeps its outputs');
  // Another run: new outputs, new execution counts, the same code.
  writeFileSync(
    path.join(repo, 'study.radnb'),
    executedNotebook().replace(/"execution_count": 7/g, '"execution_count": 12'),
  );
  assert.equal(git('diff', '--quiet').status, 0);
  writeFileSync(path.join(repo, 'study.radnb'), executedNotebook().replace('const x = 1;', 'const x = 3;'));
  assert.equal(git('diff', '--quiet').status, 1);
});

test('the committed exercise notebooks are clean', async () => {
  const dir = path.join(repoRoot, 'notebooks', 'exercises');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.radnb'))
    .map((f) => path.join(dir, f));
  assert.ok(files.length >= 2);
  assert.equal(await runCleanCommand(['--check', ...files]), 0);
});
