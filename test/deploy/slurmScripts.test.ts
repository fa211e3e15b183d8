// deploy/slurm run as Slurm would run each array task (its SLURM_ARRAY_* variables set), without Slurm:
// the scripts' own logic — which params line, which shard, where outputs go — against the real radnb CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { NOT_IMPLEMENTED_STUB } from '../../src/common/exercise';
import { parseNotebook, serializeNotebook } from '../../src/common/notebook';
import { repoRoot } from '../support/env';

const slurm = path.join(repoRoot, 'deploy', 'slurm');
const RADNB = `${process.execPath} ${path.join(repoRoot, 'out', 'cli', 'radnb.js')}`;

function task(script: string, args: string[], array: { id: number; max: number }) {
  const env = {
    ...process.env,
    RADNB,
    SLURM_ARRAY_TASK_ID: String(array.id),
    SLURM_ARRAY_TASK_MIN: '0',
    SLURM_ARRAY_TASK_MAX: String(array.max),
  };
  return spawnSync('bash', [path.join(slurm, script), ...args], { env, encoding: 'utf8', timeout: 120_000 });
}

test('run-sweep.sbatch: each array task runs the notebook with its own line of parameters', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-slurm-sweep-'));
  const notebook = path.join(dir, 'study.radnb');
  const cells = ["const seed = param('seed', 0);\nconst lr = param('lr', 0);\nconsole.log(`seed ${seed} lr ${lr}`);"];
  writeFileSync(
    notebook,
    JSON.stringify({
      cells: cells.map((source) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null })),
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    }),
  );
  writeFileSync(path.join(dir, 'params.txt'), '--param seed=1 --param lr=0.01\n--param seed=2 --param lr=0.001\n');
  for (const id of [0, 1]) {
    const r = task('run-sweep.sbatch', [notebook, path.join(dir, 'params.txt'), path.join(dir, 'runs')], {
      id,
      max: 1,
    });
    assert.equal(r.status, 0, r.stderr);
  }
  const printed = (i: number) =>
    JSON.parse(readFileSync(path.join(dir, 'runs', `study-${i}.radnb`), 'utf8')).cells[0].outputs[0].text.join('');
  assert.equal(printed(0), 'seed 1 lr 0.01\n');
  assert.equal(printed(1), 'seed 2 lr 0.001\n');
  const past = task('run-sweep.sbatch', [notebook, path.join(dir, 'params.txt'), path.join(dir, 'runs')], {
    id: 2,
    max: 2,
  });
  assert.equal(past.status, 2);
  assert.match(past.stderr, /params\.txt has no line 3 for task 2/);
});

test('grade.sbatch shards a class over the array and grade-merge.sbatch merges the tasks', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-slurm-grade-'));
  const source = path.join(repoRoot, 'notebooks', 'exercises', 'conv-by-hand.source.radnb');
  const studentFile = path.join(repoRoot, 'notebooks', 'exercises', 'conv-by-hand.radnb');
  mkdirSync(path.join(dir, 'submissions'));
  for (const [student, answer] of [
    ['ann', 'return [[5]];'],
    ['ben', 'return [];'],
    ['cat', 'return [[5]];'],
  ]) {
    const nb = parseNotebook(readFileSync(studentFile, 'utf8'), studentFile);
    for (const cell of nb.cells) cell.source = cell.source.replace(NOT_IMPLEMENTED_STUB, answer);
    writeFileSync(path.join(dir, 'submissions', `${student}.radnb`), serializeNotebook(nb));
  }
  const graded = path.join(dir, 'graded');
  for (const id of [0, 1]) {
    const r = task('grade.sbatch', [path.join(dir, 'submissions'), source, graded], { id, max: 1 });
    assert.equal(r.status, 0, r.stderr);
  }
  const merge = spawnSync('bash', [path.join(slurm, 'grade-merge.sbatch'), graded], {
    env: { ...process.env, RADNB },
    encoding: 'utf8',
  });
  assert.equal(merge.status, 0, merge.stderr);
  const rows = readFileSync(path.join(graded, 'all', 'grades.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  assert.deepEqual([...new Set(rows.map((r) => r.split(',')[0]))], ['ann', 'ben', 'cat']);
  assert.deepEqual(
    JSON.parse(readFileSync(path.join(graded, 'task-1', 'grades.json'), 'utf8')).students.map(
      (s: { student: string }) => s.student,
    ),
    ['ben'],
  );
});
