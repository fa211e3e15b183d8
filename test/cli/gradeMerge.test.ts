// A class graded in several batch tasks (radnb grade --shard I/N, as Kubernetes Indexed Jobs and Slurm
// arrays run it) and merged (radnb grade --merge) gives the grades of one run over the whole class.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { gradeSubmissions, mergeGrades, parseShard, runGradeCommand } from '../../src/cli/grade';
import { NOT_IMPLEMENTED_STUB } from '../../src/common/exercise';
import { parseNotebook, serializeNotebook } from '../../src/common/notebook';
import { needFile, repoRoot } from '../support/env';

const exercises = path.join(repoRoot, 'notebooks', 'exercises');
const sourceFile = path.join(exercises, 'conv-by-hand.source.radnb');
const studentFile = path.join(exercises, 'conv-by-hand.radnb');

/** A submission whose first stub returns `conv` and second `pool`. */
function submission(conv: string, pool: string): string {
  const nb = parseNotebook(readFileSync(studentFile, 'utf8'), studentFile);
  const answers = [conv, pool];
  let n = 0;
  for (const cell of nb.cells)
    if (cell.source.includes(NOT_IMPLEMENTED_STUB))
      cell.source = cell.source.replace(NOT_IMPLEMENTED_STUB, answers[n++]);
  return serializeNotebook(nb);
}

test('grading a class in shards and merging the folders gives the grades of a single run', async (t) => {
  if (!needFile(t, path.join(repoRoot, 'out', 'kernel', 'main.js'), 'the built kernel (npm run build)')) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-grade-merge-'));
  const submissions = path.join(dir, 'submissions');
  mkdirSync(submissions);
  writeFileSync(path.join(submissions, 'ann.radnb'), submission('return [[5]];', 'return [[5, 8], [7, 9]];'));
  writeFileSync(path.join(submissions, 'ben.radnb'), submission('return [];', 'return [];'));
  writeFileSync(path.join(submissions, 'cat.radnb'), submission('return [];', 'return [[5, 8], [7, 9]];'));
  const options = { source: sourceFile, timeoutSeconds: 5, log: () => undefined };
  const whole = await gradeSubmissions(submissions, { ...options, out: path.join(dir, 'whole') });
  const shards = ['0/2', '1/2', '3/4'].map((s) => path.join(dir, `task-${s.replace('/', '-of-')}`));
  const graded = [
    await gradeSubmissions(submissions, { ...options, out: shards[0], shard: parseShard('0/2') }),
    await gradeSubmissions(submissions, { ...options, out: shards[1], shard: parseShard('1/2') }),
  ];
  assert.deepEqual(
    graded.map((g) => g.map((s) => s.student)),
    [['ann', 'cat'], ['ben']],
  );
  // A task past the end of the class writes empty grades rather than failing the job.
  assert.deepEqual(await gradeSubmissions(submissions, { ...options, out: shards[2], shard: parseShard('3/4') }), []);

  const merged = path.join(dir, 'merged');
  assert.equal(await runGradeCommand(['--merge', ...shards, '--out', merged]), 0);
  assert.equal(
    readFileSync(path.join(merged, 'grades.csv'), 'utf8'),
    readFileSync(path.join(dir, 'whole', 'grades.csv'), 'utf8'),
  );
  const json = JSON.parse(readFileSync(path.join(merged, 'grades.json'), 'utf8'));
  assert.equal(json.source, 'conv-by-hand.source.radnb');
  assert.deepEqual(
    json.students.map((s: { total: number }) => s.total),
    whole.map((s) => s.total),
  );
  assert.deepEqual(readdirSync(path.join(merged, 'feedback')).sort(), ['ann.radnb', 'ben.radnb', 'cat.radnb']);
  assert.equal(json.students[1].feedbackFile, path.join(merged, 'feedback', 'ben.radnb'));

  await assert.rejects(mergeGrades([shards[0], shards[0]], path.join(dir, 'twice')), /ann was also graded in/);
  await assert.rejects(
    mergeGrades([path.join(dir, 'submissions')], path.join(dir, 'x')),
    /submissions\/grades\.json: no grades\.json here/,
  );
  writeFileSync(path.join(shards[2], 'grades.json'), JSON.stringify({ source: 'other.radnb', students: [] }));
  await assert.rejects(
    mergeGrades([shards[0], shards[2]], path.join(dir, 'y')),
    /graded against other\.radnb, the other folders against conv-by-hand\.source\.radnb/,
  );
});

test('--shard and --merge name what is wrong with their input', async () => {
  for (const bad of ['2/2', '1', '-1/3', 'a/b', '0/0'])
    assert.throws(() => parseShard(bad), /--shard must be INDEX\/COUNT/);
  assert.deepEqual(parseShard('4/10'), { index: 4, count: 10 });
  await assert.rejects(runGradeCommand(['--merge']), /--merge takes the folders to merge/);
});
