// The radnb kernel under Jupyter's own tools (Debian packages): the kernel conformance suite, clients that
// interrupt, restart, forge messages and reconnect, nbconvert executing the teaching notebooks, and
// nbclient grading an exercise the way nbgrader's autograde does.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { exportIpynb } from '../../src/cli/export';
import { createStudentVersion, exerciseMeta, mergeSubmission, roleOf } from '../../src/common/exercise';
import { parseNotebook, type Notebook } from '../../src/common/notebook';
import { repoRoot } from '../support/env';
import { jupyterSandbox, unittestReport } from './jupyterSandbox';

interface IpynbOutput {
  output_type: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

interface IpynbCell {
  cell_type: string;
  execution_count?: number | null;
  metadata: { nbgrader?: { grade?: boolean; grade_id?: string } };
  outputs?: IpynbOutput[];
}

const join = (text: string | string[] | undefined) => (Array.isArray(text) ? text.join('') : (text ?? ''));

test('Jupyter’s kernel conformance suite (jupyter_kernel_test) passes', (t) => {
  const sandbox = jupyterSandbox(t, ['jupyter_kernel_test'], 'python3-jupyter-kernel-test');
  if (!sandbox) return;
  const run = sandbox.python(['-m', 'unittest', '-v', 'conformance']);
  assert.equal(run.status, 0, unittestReport(run));
  assert.match(run.stderr, /Ran 12 tests/);
  // Only the pager test is skipped: radnb has no pager.
  assert.match(run.stderr, /OK \(skipped=1\)/);
  assert.match(run.stderr, /test_pager .* skipped/);
});

test('Jupyter clients: interrupts keep variables, restart, forged messages ignored, reconnect, loopback only', (t) => {
  const sandbox = jupyterSandbox(t, ['jupyter_client', 'zmq'], 'python3-jupyter-client');
  if (!sandbox) return;
  const run = sandbox.python(['-m', 'unittest', '-v', 'clients']);
  assert.equal(run.status, 0, unittestReport(run));
  assert.match(run.stderr, /Ran 7 tests/);
});

test('nbconvert --execute runs notebooks 00 and 01 with the radnb kernel in fast mode (RADNB_PARAMS)', (t) => {
  const sandbox = jupyterSandbox(t, ['nbconvert', 'nbclient'], 'python3-nbconvert and python3-nbclient');
  if (!sandbox) return;
  const executed: Record<string, IpynbCell[]> = {};
  for (const name of ['00-kernel-tour', '01-pixels-to-diagnosis']) {
    const input = path.join(sandbox.root, `${name}.ipynb`);
    writeFileSync(input, readFileSync(path.join(repoRoot, 'notebooks', `${name}.radnb`)));
    const run = sandbox.python(
      [
        '-m',
        'nbconvert',
        '--to',
        'notebook',
        '--execute',
        '--ExecutePreprocessor.kernel_name=radnb',
        '--ExecutePreprocessor.timeout=600',
        '--output',
        `${name}.executed.ipynb`,
        input,
      ],
      { cwd: sandbox.root, env: { RADNB_PARAMS: '{"fast": true}' } },
    );
    assert.equal(run.status, 0, `${name}: ${run.stderr}`);
    executed[name] = (
      JSON.parse(readFileSync(path.join(sandbox.root, `${name}.executed.ipynb`), 'utf8')) as { cells: IpynbCell[] }
    ).cells;
  }
  const outputs = (cells: IpynbCell[]) => cells.flatMap((c) => c.outputs ?? []);
  const text = (cells: IpynbCell[]) =>
    outputs(cells)
      .map((o) => join(o.text) + join(o.data?.['text/plain'] as string | string[]))
      .join('\n');
  for (const cells of Object.values(executed)) {
    assert.deepEqual(
      outputs(cells).filter((o) => o.output_type === 'error'),
      [],
    );
    assert.ok(cells.filter((c) => c.cell_type === 'code').every((c) => typeof c.execution_count === 'number'));
  }
  assert.match(text(executed['00-kernel-tour']), /HELLO FROM THE RADNB KERNEL/);
  assert.match(text(executed['00-kernel-tour']), /skipped in fast mode/, 'the fast parameter reached param()');
  assert.match(text(executed['01-pixels-to-diagnosis']), /test AUC \(slice level\) = \d\.\d{3}/);
  const images = outputs(executed['01-pixels-to-diagnosis']).filter((o) => typeof o.data?.['image/png'] === 'string');
  assert.ok(images.length >= 6, `DICOM views, feature maps and training curves as PNG: ${images.length}`);
  assert.ok(
    !outputs(executed['01-pixels-to-diagnosis']).some((o) => o.data?.['application/vnd.radnb.dicom']),
    'no viewer payload Jupyter cannot show',
  );
});

test('nbclient grades an exercise as nbgrader does: hidden tests merged in, a solved one passes, stubs fail', (t) => {
  const sandbox = jupyterSandbox(t, ['nbclient', 'nbformat'], 'python3-nbclient');
  if (!sandbox) return;
  const file = path.join(repoRoot, 'notebooks', 'exercises', 'conv-by-hand.source.radnb');
  const source = parseNotebook(readFileSync(file, 'utf8'), file);
  const student = createStudentVersion(source, file);
  const solutionOf = (gradeId: string | undefined) =>
    source.cells.find((c) => exerciseMeta(c)?.grade_id === gradeId)!.source;
  const solved: Notebook = {
    ...student,
    cells: student.cells.map((c) =>
      roleOf(c) === 'solution' ? { ...c, source: solutionOf(exerciseMeta(c)?.grade_id) } : c,
    ),
  };
  const graded = (submission: Notebook, name: string) => {
    const input = path.join(sandbox.root, `${name}.ipynb`);
    writeFileSync(input, exportIpynb(mergeSubmission(submission, source)));
    const run = sandbox.python(['executeNotebook.py', input, path.join(sandbox.root, `${name}.graded.ipynb`), 'radnb']);
    assert.equal(run.status, 0, run.stderr);
    const cells = (
      JSON.parse(readFileSync(path.join(sandbox.root, `${name}.graded.ipynb`), 'utf8')) as { cells: IpynbCell[] }
    ).cells;
    return cells.filter((c) => c.metadata.nbgrader?.grade === true && c.cell_type === 'code');
  };
  const passing = graded(solved, 'solved');
  assert.ok(
    passing.some((c) => c.metadata.nbgrader?.grade_id === 'hidden-edges'),
    'the hidden test cell was merged in',
  );
  for (const cell of passing) {
    assert.equal(typeof cell.execution_count, 'number');
    assert.deepEqual(
      (cell.outputs ?? []).filter((o) => o.output_type === 'error'),
      [],
      cell.metadata.nbgrader?.grade_id,
    );
  }
  const failing = graded(student, 'stubs');
  for (const cell of failing)
    assert.ok(
      (cell.outputs ?? []).some((o) => o.output_type === 'error'),
      `${cell.metadata.nbgrader?.grade_id} should fail on the stub`,
    );
});
