import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/env';

const cli = path.join(repoRoot, 'out', 'cli', 'radnb.js');

function notebook(cells: string[]): string {
  return JSON.stringify({
    cells: cells.map((source) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null })),
    metadata: {},
    nbformat: 4,
    nbformat_minor: 4,
  });
}

function run(file: string, ...args: string[]) {
  return spawnSync(process.execPath, [cli, 'run', file, ...args], { encoding: 'utf8', timeout: 60_000 });
}

test('radnb run executes every cell, injects --param values and saves outputs to --out', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-run-'));
  const src = path.join(dir, 'nb.radnb');
  writeFileSync(
    src,
    notebook([
      "const fast = param('fast', false);\nconsole.log('fast', fast);",
      'const n: number = param("n", 1);\nn * 2',
    ]),
  );
  const r = run(src, '--out', path.join(dir, 'out.radnb'), '--param', 'fast=true', '--param', 'n=21');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(readFileSync(path.join(dir, 'out.radnb'), 'utf8'));
  assert.deepEqual(out.cells[0].outputs[0].text, ['fast true\n']);
  assert.deepEqual(out.cells[1].outputs[0].data['text/plain'], ['42']);
  assert.equal(out.cells[1].execution_count, 2);
  // The source notebook is left as it was.
  assert.equal(JSON.parse(readFileSync(src, 'utf8')).cells[0].outputs.length, 0);
});

test('radnb run exits non-zero on a failing cell, names it, and keeps the outputs before it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-run-'));
  const file = path.join(dir, 'nb.radnb');
  writeFileSync(file, notebook(['console.log("before")', 'throw new Error("broken data")', 'console.log("never")']));
  const r = run(file);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cell 2 failed/);
  const out = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(out.cells[0].outputs[0].text, ['before\n']);
  assert.equal(out.cells[1].outputs[0].evalue, 'broken data');
  assert.match(out.cells[1].outputs[0].traceback.join('\n'), /Cell 2:1:/);
  assert.equal(out.cells[2].outputs.length, 0);
});

test('radnb run --timeout stops a cell that runs too long and reports it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-run-'));
  const file = path.join(dir, 'nb.radnb');
  writeFileSync(file, notebook(['while (true) {}']));
  const started = Date.now();
  const r = run(file, '--timeout', '1');
  assert.equal(r.status, 1);
  assert.ok(Date.now() - started < 15_000);
  const out = JSON.parse(readFileSync(file, 'utf8'));
  assert.match(out.cells[0].outputs[0].evalue, /timed out after 1 s/);
});

test('radnb run reports a malformed notebook by name with exit code 2', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-run-'));
  const file = path.join(dir, 'broken.radnb');
  writeFileSync(file, '{"cells": [');
  const r = run(file);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /broken\.radnb: not a valid notebook — malformed JSON/);
});

test('a cell that kills its kernel fails the run with a clear message', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-run-'));
  const file = path.join(dir, 'nb.radnb');
  writeFileSync(file, notebook(['process.exit(7)']));
  const r = run(file);
  assert.equal(r.status, 1);
  const out = JSON.parse(readFileSync(file, 'utf8'));
  assert.match(out.cells[0].outputs[0].evalue, /kernel died while running this cell \(exit code 7\)/);
});

test('radnb run runs the notebook it is named, from any folder: naming it is the act of trust', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-run-'));
  const file = path.join(dir, 'nb.radnb');
  writeFileSync(file, notebook(['require("node:fs").writeFileSync("ran.txt", "x")']));
  const elsewhere = mkdtempSync(path.join(tmpdir(), 'radnb-cwd-'));
  const r = spawnSync(process.execPath, [cli, 'run', path.relative(elsewhere, file)], {
    encoding: 'utf8',
    cwd: elsewhere,
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(path.join(dir, 'ran.txt'), 'utf8'), 'x', "the cell ran, in the notebook's folder");
  // --trust, which 0.1.0 asked for here, is still accepted.
  const again = spawnSync(process.execPath, [cli, 'run', file, '--trust'], {
    encoding: 'utf8',
    cwd: elsewhere,
    timeout: 60_000,
  });
  assert.equal(again.status, 0, again.stderr);
});

test('identifying DICOM values are redacted from saved outputs unless the notebook allows them', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-run-'));
  const file = path.join(dir, 'nb.radnb');
  const register = `const { registerIdentifiers } = require(${JSON.stringify(path.join(repoRoot, 'out', 'lib', 'index.js'))});
registerIdentifiers([{ keyword: 'PatientName', value: 'Doe^Jane' }, { keyword: 'PatientBirthDate', value: '19800102' }]);`;
  writeFileSync(file, notebook([register, 'console.log("patient Jane Doe born 1980-01-02"); "Doe^Jane"']));
  assert.equal(run(file).status, 0);
  const saved = JSON.stringify(
    JSON.parse(readFileSync(file, 'utf8')).cells.map((c: { outputs: unknown }) => c.outputs),
  );
  assert.doesNotMatch(saved, /Jane|Doe|1980-01-02/);
  assert.match(saved, /PatientName redacted/);
  assert.match(saved, /identifying values of loaded DICOM files were redacted/);

  const allowed = JSON.parse(notebook([register, '"Doe^Jane"']));
  allowed.metadata.radnb = { allowIdentifiers: true };
  writeFileSync(file, JSON.stringify(allowed));
  assert.equal(run(file).status, 0);
  assert.match(readFileSync(file, 'utf8'), /Doe\^Jane/);
});

test("log() and registerDataset() in cells land in the run's experiment record", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-run-'));
  writeFileSync(path.join(dir, 'labels.csv'), 'path,label\na.dcm,1\n');
  const file = path.join(dir, 'nb.radnb');
  writeFileSync(
    file,
    notebook(["registerDataset('labels.csv');\nlog({ auc: 0.9, loss: 0.5 });", 'log({ auc: 0.95 }, 10);']),
  );
  assert.equal(run(file, '--param', 'seed=7').status, 0);
  const [record] = JSON.parse(readFileSync(file, 'utf8')).metadata.radnb.runs;
  assert.deepEqual(record.metrics.auc, [
    { step: 0, value: 0.9 },
    { step: 10, value: 0.95 },
  ]);
  assert.deepEqual(record.metrics.loss, [{ step: 0, value: 0.5 }]);
  const expected = createHash('sha256').update('path,label\na.dcm,1\n').digest('hex');
  assert.equal(record.datasets[0].sha256, expected);
  assert.equal(record.seed, 7);
});

test('display.clear() removes the outputs before it; display.clear(true) waits for the next output', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-run-'));
  const file = path.join(dir, 'nb.radnb');
  const progress = [
    "console.log('loading');\ndisplay.text('step 1');\ndisplay.clear();\nconsole.log('done')",
    'for (let i = 1; i <= 3; i++) { display.clear(true); display.text(`epoch ${i}`); }\ndisplay.clear(true);',
  ];
  writeFileSync(file, notebook(progress));
  const r = run(file);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(
    out.cells[0].outputs.map((o: { text?: string[] }) => o.text),
    [['done\n']],
  );
  // The last clear(true) had no output after it: the last epoch stays.
  assert.deepEqual(
    out.cells[1].outputs.map((o: { data?: Record<string, string[]> }) => o.data?.['text/plain']),
    [['epoch 3']],
  );
});

test('radnb run --backend cpu holds for a notebook that calls initBackend() itself', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-run-'));
  const file = path.join(dir, 'nb.radnb');
  writeFileSync(
    file,
    notebook([
      "import * as tf from '@tensorflow/tfjs';\nimport { initBackend } from 'radnb';\nawait initBackend();\nconsole.log(tf.getBackend());",
    ]),
  );
  const r = run(file, '--backend', 'cpu');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(out.cells[0].outputs[0].text, ['cpu\n']);
  assert.equal(out.metadata.radnb.runs[0].environment.backend, 'cpu');
});
