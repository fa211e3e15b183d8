// The assign → grade round trip on the example exercise: a correct, a wrong, a looping, a crashing and a
// tampered submission are graded in one run, and each loses exactly the points it should.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runAssignCommand } from '../../src/cli/assign';
import { gradeSubmissions, runGradeCommand, type StudentGrade } from '../../src/cli/grade';
import { NOT_IMPLEMENTED_STUB } from '../../src/common/exercise';
import { parseNotebook, serializeNotebook } from '../../src/common/notebook';
import { needFile, repoRoot } from '../support/env';

const exercises = path.join(repoRoot, 'notebooks', 'exercises');
const sourceFile = path.join(exercises, 'conv-by-hand.source.radnb');
const studentFile = path.join(exercises, 'conv-by-hand.radnb');
const kernelScript = path.join(repoRoot, 'out', 'kernel', 'main.js');

const CORRECT_CONV = `const out: number[][] = [];
  for (let y = 0; y + kernel.length <= image.length; y++) {
    out.push([]);
    for (let x = 0; x + kernel[0].length <= image[0].length; x++) {
      let s = 0;
      kernel.forEach((row, i) => row.forEach((w, j) => (s += w * image[y + i][x + j])));
      out[y].push(s);
    }
  }
  return out;`;
/** Textbook convolution: flips the kernel, so only symmetric kernels give the right answer. */
const FLIPPED_CONV = CORRECT_CONV.replace(
  'w * image[y + i][x + j]',
  'w * image[y + kernel.length - 1 - i][x + kernel[0].length - 1 - j]',
);
const CORRECT_POOL = `return featureMap.filter((_, y) => y % 2 === 0).map((row, y) =>
    row.filter((_, x) => x % 2 === 0).map((_, x) => Math.max(row[2 * x], row[2 * x + 1], featureMap[2 * y + 1][2 * x], featureMap[2 * y + 1][2 * x + 1])));`;

/** The student notebook with the n-th "not implemented" stub replaced by `answers[n]`. */
function answer(answers: string[], edit: (text: string) => string = (t) => t): string {
  let n = 0;
  const text = readFileSync(studentFile, 'utf8');
  const nb = parseNotebook(text, studentFile);
  for (const cell of nb.cells)
    if (cell.source.includes(NOT_IMPLEMENTED_STUB))
      cell.source = cell.source.replace(NOT_IMPLEMENTED_STUB, answers[n++]);
  return edit(serializeNotebook(nb));
}

test('the committed student version is what radnb assign makes of the source', async () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'radnb-assign-')), 'student.radnb');
  assert.equal(await runAssignCommand([sourceFile, '--out', out]), 0);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(studentFile, 'utf8'));
  const student = readFileSync(studentFile, 'utf8');
  assert.doesNotMatch(student, /BEGIN SOLUTION|asymmetric kernel|Sobel edge|learned/);
  assert.match(student, /box sum/);
});

test('radnb grade scores correct, wrong, looping, crashing and tampered submissions in one run', async (t) => {
  if (!needFile(t, kernelScript, 'the built kernel (npm run build)')) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-grade-'));
  const submissions = path.join(dir, 'submissions');
  mkdirSync(path.join(submissions, 'dana'), { recursive: true });
  writeFileSync(path.join(submissions, 'alice.radnb'), answer([CORRECT_CONV, CORRECT_POOL]));
  writeFileSync(path.join(submissions, 'bob.radnb'), answer([FLIPPED_CONV, CORRECT_POOL]));
  writeFileSync(path.join(submissions, 'carol.radnb'), answer(['while (true) {}', CORRECT_POOL]));
  // A folder per student works too; this one's pooling kills the kernel.
  writeFileSync(path.join(submissions, 'dana', 'conv-by-hand.radnb'), answer([CORRECT_CONV, 'process.exit(3);']));
  // Eve makes the visible test pass by rewriting it.
  writeFileSync(
    path.join(submissions, 'eve.radnb'),
    answer([FLIPPED_CONV, 'return [];'], (t) => t.replace("[[5, 8], [7, 9]], 'max pooling'", "[], 'max pooling'")),
  );
  const out = path.join(dir, 'graded');
  const started = Date.now();
  const grades = await gradeSubmissions(submissions, { source: sourceFile, out, timeoutSeconds: 2, log: () => {} });
  assert.ok(Date.now() - started < 40_000, 'grading took too long');

  const points = (g: StudentGrade) => Object.fromEntries(g.cells.map((c) => [c.cell, c.points]));
  const by = Object.fromEntries(grades.map((g) => [g.student, g]));
  assert.deepEqual(Object.keys(by), ['alice', 'bob', 'carol', 'dana', 'eve']);
  assert.deepEqual(points(by.alice), { 'test-conv2d': 2, 'test-maxpool': 1, 'hidden-edges': 2 });
  assert.equal(by.alice.total, 5);
  assert.equal(by.alice.max, 5);
  // Bob's flipped kernel passes the symmetric visible tests and the hidden asymmetric one catches it.
  assert.deepEqual(points(by.bob), { 'test-conv2d': 0, 'test-maxpool': 1, 'hidden-edges': 0 });
  assert.match(by.bob.cells[0].feedback, /asymmetric kernel: \[0\]\[0\] is/);
  // Carol's loop is stopped by the timeout; the kernel keeps going and her pooling still earns its point.
  assert.deepEqual(points(by.carol), { 'test-conv2d': 0, 'test-maxpool': 1, 'hidden-edges': 0 });
  assert.match(by.carol.cells[0].feedback, /timed out after 2 s/);
  // Dana's kernel dies in the pooling test; a fresh kernel runs the cells after it.
  assert.deepEqual(points(by.dana), { 'test-conv2d': 2, 'test-maxpool': 0, 'hidden-edges': 0 });
  assert.match(by.dana.cells[1].feedback, /kernel died/);
  assert.match(by.dana.cells[2].feedback, /is not defined/);
  // Eve's edited test is flagged and earns nothing, whatever it printed.
  assert.deepEqual(by.eve.flags, [{ gradeId: 'test-maxpool', reason: 'the cell was modified (checksum mismatch)' }]);
  assert.equal(by.eve.cells[1].status, 'tampered');
  assert.equal(by.eve.total, 0);

  const csv = readFileSync(path.join(out, 'grades.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'student,cell,points,max,status,feedback');
  assert.equal(csv.length, 1 + 5 * 3);
  assert.match(csv[1], /^alice,test-conv2d,2,2,passed,/);
  const json = JSON.parse(readFileSync(path.join(out, 'grades.json'), 'utf8'));
  assert.equal(json.students.find((s: StudentGrade) => s.student === 'eve').cells[1].status, 'tampered');
  // Feedback notebooks hold the hidden tests with their outputs.
  const feedback = readFileSync(path.join(out, 'feedback', 'bob.radnb'), 'utf8');
  assert.match(feedback, /asymmetric kernel/);
  assert.ok(existsSync(path.join(out, 'feedback', 'dana.radnb')));
});

test('radnb grade names what is wrong with its input', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-grade-'));
  await assert.rejects(runGradeCommand([dir]), /needs --source SOURCE\.radnb/);
  await assert.rejects(
    runGradeCommand([dir, '--source', sourceFile, '--timeout', '0']),
    /--timeout must be a positive number of seconds, not '0'/,
  );
  await assert.rejects(
    runGradeCommand([dir, '--source', path.join(dir, 'none.radnb')]),
    /none\.radnb: no such source notebook/,
  );
  await assert.rejects(
    runGradeCommand([dir, '--source', sourceFile, '--out', path.join(dir, 'graded')]),
    /no submitted notebooks \(\.radnb or \.ipynb\) found/,
  );
  await assert.rejects(
    runGradeCommand([path.join(dir, 'missing'), '--source', sourceFile]),
    /missing: no such submissions folder/,
  );
});

test('an unreadable submission gets zero with the reason, and the others are still graded', async (t) => {
  if (!needFile(t, kernelScript, 'the built kernel (npm run build)')) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-grade-'));
  mkdirSync(path.join(dir, 'subs'));
  writeFileSync(path.join(dir, 'subs', 'frank.radnb'), '{"cells": [');
  writeFileSync(path.join(dir, 'subs', 'gina.radnb'), answer([CORRECT_CONV, CORRECT_POOL]));
  const grades = await gradeSubmissions(path.join(dir, 'subs'), {
    source: sourceFile,
    out: path.join(dir, 'out'),
    timeoutSeconds: 2,
    log: () => {},
  });
  assert.deepEqual(
    grades.map((g) => [g.student, g.total]),
    [
      ['frank', 0],
      ['gina', 5],
    ],
  );
  assert.match(grades[0].cells[0].feedback, /could not be read: .*frank\.radnb: not a valid notebook — malformed JSON/);
});
