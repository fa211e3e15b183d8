// The CNN exercise on PneumoniaMNIST: the committed student version is what `radnb assign` makes, and
// grading (fast mode) gives a solved submission full points and an untouched one none.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runAssignCommand } from '../../src/cli/assign';
import { gradeSubmissions, type StudentGrade } from '../../src/cli/grade';
import { NOT_IMPLEMENTED_STUB } from '../../src/common/exercise';
import { parseNotebook, serializeNotebook } from '../../src/common/notebook';
import { needFile, repoRoot, sharedDir } from '../support/env';

const exercises = path.join(repoRoot, 'notebooks', 'exercises');
const sourceFile = path.join(exercises, 'pneumonia-cnn.source.radnb');
const studentFile = path.join(exercises, 'pneumonia-cnn.radnb');
const data = path.join(sharedDir, 'data', 'pneumoniamnist.npz');

/** The teacher's solutions, in the order the student version has its stubs. */
function solutions(): string[] {
  const source = readFileSync(sourceFile, 'utf8');
  const cells = parseNotebook(source, sourceFile).cells.map((c) => c.source);
  return cells.flatMap((s) =>
    [...s.matchAll(/\/\/ BEGIN SOLUTION\n([\s\S]*?)\n\s*\/\/ END SOLUTION/g)].map((m) => m[1]),
  );
}

function solvedStudentNotebook(): string {
  const answers = solutions();
  const nb = parseNotebook(readFileSync(studentFile, 'utf8'), studentFile);
  let n = 0;
  for (const cell of nb.cells)
    if (cell.source.includes(NOT_IMPLEMENTED_STUB))
      cell.source = cell.source.replace(NOT_IMPLEMENTED_STUB, answers[n++]);
  assert.equal(n, answers.length, 'every stub has a solution');
  return serializeNotebook(nb);
}

test('the committed pneumonia CNN student version is what radnb assign makes of the source', async () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'radnb-assign-')), 'student.radnb');
  assert.equal(await runAssignCommand([sourceFile, '--out', out]), 0);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(studentFile, 'utf8'));
  assert.doesNotMatch(readFileSync(studentFile, 'utf8'), /BEGIN SOLUTION|tf\.layers\.conv2d/);
});

test('grading the CNN exercise in fast mode: a solved notebook earns 5/5, an untouched one 0/5', async (t) => {
  if (!needFile(t, data, '../shared/data/pneumoniamnist.npz')) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-grade-cnn-'));
  const submissions = path.join(dir, 'submissions');
  mkdirSync(submissions);
  writeFileSync(path.join(submissions, 'solved.radnb'), solvedStudentNotebook());
  writeFileSync(path.join(submissions, 'untouched.radnb'), readFileSync(studentFile, 'utf8'));
  const grades = await gradeSubmissions(submissions, {
    source: sourceFile,
    out: path.join(dir, 'graded'),
    timeoutSeconds: 120,
    params: { fast: true, data },
    log: () => {},
  });
  const by = Object.fromEntries(grades.map((g: StudentGrade) => [g.student, g]));
  assert.deepEqual([by.solved.total, by.solved.max], [5, 5], JSON.stringify(by.solved.cells));
  assert.equal(by.untouched.total, 0);
  assert.match(by.untouched.cells[0].feedback, /not implemented/);
});
