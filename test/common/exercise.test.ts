// The rules teachers rely on when they author an exercise: what the student version hides, what counts
// as tampering, and how a submission is put back together with the hidden tests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ExerciseError,
  MARKDOWN_ANSWER_STUB,
  NOT_IMPLEMENTED_STUB,
  createStudentVersion,
  exerciseMeta,
  findTampering,
  markCell,
  mergeSubmission,
  roleOf,
  studentFileName,
  type CellRole,
} from '../../src/common/exercise';
import { emptyNotebook, type Notebook, type NotebookCell } from '../../src/common/notebook';

function cell(
  source: string,
  role: CellRole = 'none',
  gradeId = '',
  points = 1,
  kind: 'code' | 'markdown' = 'code',
): NotebookCell {
  const c: NotebookCell = { kind, source, metadata: {}, outputs: [], ...(kind === 'code' && { executionCount: null }) };
  markCell(c, role, gradeId, points);
  return c;
}

function notebook(...cells: NotebookCell[]): Notebook {
  return { ...emptyNotebook(), cells };
}

const source = () =>
  notebook(
    cell('const data = [1, 2, 3];', 'readonly', 'setup'),
    cell(
      'function mean(xs: number[]): number {\n  // BEGIN SOLUTION\n  return xs.reduce((a, b) => a + b) / xs.length;\n  // END SOLUTION\n}',
      'solution',
      'mean',
    ),
    cell(
      'if (mean(data) !== 2) throw new Error("mean");\n// BEGIN HIDDEN TESTS\nif (mean([5]) !== 5) throw new Error("one value");\n// END HIDDEN TESTS',
      'test',
      'test-mean',
      2,
    ),
    cell('if (mean([-1, 1]) !== 0) throw new Error("signs");', 'hidden-test', 'hidden-signs', 1),
    cell(
      '### BEGIN SOLUTION\nThe mean is sensitive to outliers.\n### END SOLUTION',
      'solution',
      'essay',
      0,
      'markdown',
    ),
    cell('secret()', 'solution', 'whole'),
  );

test('the student version stubs solutions (keeping the code around them), drops hidden tests and records checksums', () => {
  const original = source();
  original.cells[1].outputs = [{ items: [{ mime: 'text/plain', data: new Uint8Array([49]) }] }];
  original.cells[1].executionCount = 4;
  const student = createStudentVersion(original, 'src.radnb');
  assert.deepEqual(
    student.cells.map((c) => exerciseMeta(c)?.grade_id),
    ['setup', 'mean', 'test-mean', 'essay', 'whole'],
  );
  assert.equal(student.cells[1].source, `function mean(xs: number[]): number {\n  ${NOT_IMPLEMENTED_STUB}\n}`);
  assert.deepEqual(student.cells[1].outputs, []);
  assert.equal(student.cells[1].executionCount, null);
  assert.equal(student.cells[2].source, 'if (mean(data) !== 2) throw new Error("mean");');
  assert.equal(student.cells[3].source, MARKDOWN_ANSWER_STUB);
  assert.equal(student.cells[4].source, NOT_IMPLEMENTED_STUB);
  assert.match(exerciseMeta(student.cells[0])!.checksum!, /^[0-9a-f]{64}$/);
  assert.match(exerciseMeta(student.cells[2])!.checksum!, /^[0-9a-f]{64}$/);
  assert.equal(exerciseMeta(student.cells[1])!.checksum, undefined);
  // The source itself is untouched.
  assert.match(original.cells[1].source, /BEGIN SOLUTION/);
  assert.equal(original.cells[1].outputs.length, 1);
  assert.equal(exerciseMeta(original.cells[2])!.checksum, undefined);
});

test('nbgrader metadata: roles map onto grade/solution/locked and can be changed or removed', () => {
  const c = cell('x', 'test', 't1', 3);
  assert.deepEqual(c.metadata.nbgrader, {
    grade: true,
    grade_id: 't1',
    locked: true,
    solution: false,
    schema_version: 3,
    points: 3,
  });
  markCell(c, 'solution', 't1');
  assert.deepEqual(c.metadata.nbgrader, {
    grade: false,
    grade_id: 't1',
    locked: false,
    solution: true,
    schema_version: 3,
  });
  assert.equal(roleOf(c), 'solution');
  markCell(c, 'none', '');
  assert.deepEqual(c.metadata, {});
});

test('authoring mistakes are reported with the file, the cell and the reason', () => {
  const fails = (nb: Notebook, reason: RegExp) =>
    assert.throws(
      () => createStudentVersion(nb, 'src.radnb'),
      (e: Error) => e instanceof ExerciseError && /^src\.radnb: /.test(e.message) && reason.test(e.message),
    );
  fails(notebook(cell('// BEGIN SOLUTION\nx()', 'solution', 's')), /cell 1: BEGIN SOLUTION is never closed/);
  fails(
    notebook(cell('// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION', 'solution', 's')),
    /cell 1: BEGIN SOLUTION inside another/,
  );
  fails(notebook(cell('x\n// END SOLUTION', 'solution', 's')), /cell 1: END SOLUTION without BEGIN/);
  fails(
    notebook(cell('ok'), cell('// BEGIN SOLUTION\nx\n// END SOLUTION')),
    /cell 2 has a BEGIN SOLUTION region but is not marked/,
  );
  fails(
    notebook(cell('// BEGIN HIDDEN TESTS\nx\n// END HIDDEN TESTS', 'readonly', 'r')),
    /cell 1 has BEGIN HIDDEN TESTS but is not a graded test cell/,
  );
  fails(
    notebook(cell('a', 'test', 'same'), cell('b', 'readonly', 'same')),
    /grade_id 'same' is used by more than one cell/,
  );
  fails(notebook(cell('a', 'test', '')), /cell 1 has exercise metadata without a grade_id/);
});

test('tampering: an edited or deleted graded cell, changed points or an edited read-only cell are flagged', () => {
  const original = source();
  const clean = createStudentVersion(original, 'src.radnb');
  clean.cells[1].source = 'function mean(xs: number[]) { return 2; }';
  assert.deepEqual(findTampering(clean, original), [], 'answering is not tampering');
  const edited = createStudentVersion(original, 'src.radnb');
  edited.cells[0].source = 'const data = [2, 2, 2];';
  exerciseMeta(edited.cells[2])!.points = 100;
  assert.deepEqual(findTampering(edited, original), [
    { gradeId: 'setup', reason: 'the cell was modified (checksum mismatch)' },
    { gradeId: 'test-mean', reason: 'the cell was modified (checksum mismatch)' },
  ]);
  const deleted = createStudentVersion(original, 'src.radnb');
  deleted.cells.splice(2, 1);
  assert.deepEqual(findTampering(deleted, original), [{ gradeId: 'test-mean', reason: 'the cell was deleted' }]);
});

test('merging puts the source tests and hidden cells back around the student answers, keeping added cells', () => {
  const original = source();
  const student = createStudentVersion(original, 'src.radnb');
  student.cells[1].source = 'function mean(xs: number[]) { return 2; }';
  student.cells[2].source = '/* my own edit of the test */';
  student.cells.splice(2, 0, cell('console.log("scratch")'));
  const merged = mergeSubmission(student, original);
  assert.deepEqual(
    merged.cells.map((c) => exerciseMeta(c)?.grade_id ?? c.source),
    ['setup', 'mean', 'console.log("scratch")', 'test-mean', 'hidden-signs', 'essay', 'whole'],
  );
  assert.equal(merged.cells[1].source, 'function mean(xs: number[]) { return 2; }');
  assert.match(
    merged.cells[3].source,
    /BEGIN HIDDEN TESTS/,
    'the test cell comes from the source, hidden part included',
  );
  // A deleted test cell comes back at the end, so it is still run.
  const deleted = createStudentVersion(original, 'src.radnb');
  deleted.cells.splice(2, 1);
  assert.deepEqual(
    mergeSubmission(deleted, original).cells.map((c) => exerciseMeta(c)?.grade_id),
    ['setup', 'mean', 'essay', 'whole', 'test-mean', 'hidden-signs'],
  );
});

test('the student version is named after the source', () => {
  assert.equal(studentFileName('ex/conv.source.radnb'), 'ex/conv.radnb');
  assert.equal(studentFileName('ex/conv.radnb'), 'ex/conv.student.radnb');
  assert.equal(studentFileName('hw.source.ipynb'), 'hw.ipynb');
});
