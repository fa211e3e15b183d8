// `radnb grade submissions/ --source source.radnb`: autogrades every student's notebook. Each submission
// is checked against the checksums `radnb assign` recorded, merged with the source's tests (hidden ones
// included) and run cell by cell in a fresh kernel. Unlike `radnb run`, a failing cell does not stop the
// run: an infinite loop is interrupted by the per-cell timeout and a dead kernel is restarted, so a
// student loses only the points of the cells that fail.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exerciseMeta, findTampering, gradedCells, mergeSubmission, type TamperFlag } from '../common/exercise';
import { ERROR_MIME, parseNotebook, serializeNotebook, type Notebook, type NotebookCell } from '../common/notebook';
import { KernelClient } from '../kernel/client';
import { injectParams, parseParams, type Params } from './params';
import { runCell } from './run';

export interface GradeOptions {
  source: string;
  /** Folder for grades.csv, grades.json and feedback/<student>.radnb. */
  out: string;
  /** Per-cell limit in seconds. */
  timeoutSeconds: number;
  nodePath?: string;
  /** Runner parameters for every submission (e.g. fast=true, a data path). */
  params?: Params;
  log: (line: string) => void;
}

export type CellStatus = 'passed' | 'failed' | 'tampered';

export interface CellGrade {
  cell: string;
  points: number;
  max: number;
  status: CellStatus;
  feedback: string;
}

export interface StudentGrade {
  student: string;
  file: string;
  total: number;
  max: number;
  flags: TamperFlag[];
  cells: CellGrade[];
  /** The executed, merged notebook handed back to the student; absent when the submission was unreadable. */
  feedbackFile?: string;
}

const NOTEBOOK_EXTENSIONS = ['.radnb', '.ipynb'];

export async function runGradeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      source: { type: 'string' },
      out: { type: 'string', default: 'graded' },
      timeout: { type: 'string', default: '30' },
      node: { type: 'string' },
      param: { type: 'string', multiple: true, default: [] },
    },
  });
  if (positionals.length !== 1) throw new Error('radnb grade takes exactly one submissions folder');
  if (!values.source)
    throw new Error("radnb grade needs --source SOURCE.radnb (the teacher's notebook with solutions and hidden tests)");
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0)) throw new Error(`--timeout must be a positive number of seconds, not '${values.timeout}'`);
  const grades = await gradeSubmissions(positionals[0], {
    source: values.source,
    out: values.out!,
    timeoutSeconds,
    nodePath: values.node,
    params: parseParams(values.param ?? []),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  for (const g of grades)
    process.stderr.write(
      `${g.student}: ${g.total}/${g.max}${g.flags.length > 0 ? ' (FLAGGED: tampered cells)' : ''}\n`,
    );
  process.stderr.write(`radnb grade: ${grades.length} submissions graded; results in ${values.out}\n`);
  return 0;
}

export async function gradeSubmissions(submissionsDir: string, options: GradeOptions): Promise<StudentGrade[]> {
  const source = parseNotebook(
    await readFile(options.source, 'utf8').catch(() => missing(options.source, 'no such source notebook')),
    options.source,
  );
  if (gradedCells(source).length === 0)
    throw new Error(`${options.source}: has no graded test cells (mark test cells with points first)`);
  const submissions = await findSubmissions(submissionsDir);
  if (submissions.length === 0) throw new Error(`${submissionsDir}: no submitted notebooks (.radnb or .ipynb) found`);
  await mkdir(path.join(options.out, 'feedback'), { recursive: true });
  const grades: StudentGrade[] = [];
  for (const submission of submissions) {
    options.log(`grading ${submission.student} (${submission.file})`);
    grades.push(await gradeOne(submission, source, options));
  }
  await writeFile(
    path.join(options.out, 'grades.json'),
    `${JSON.stringify({ source: path.basename(options.source), students: grades }, null, 1)}\n`,
  );
  await writeFile(path.join(options.out, 'grades.csv'), gradesCsv(grades));
  return grades;
}

interface Submission {
  student: string;
  file: string;
}

/** `submissions/alice.radnb` or `submissions/alice/<any one notebook>`: the student is the file or folder name. */
async function findSubmissions(dir: string): Promise<Submission[]> {
  const entries = await readdir(dir).catch(() => missing(dir, 'no such submissions folder'));
  const found: Submission[] = [];
  for (const name of entries.sort()) {
    const full = path.join(dir, name);
    if ((await stat(full)).isDirectory()) {
      const notebooks = (await readdir(full)).filter(isNotebookName).sort();
      if (notebooks.length > 0) found.push({ student: name, file: path.join(full, notebooks[0]) });
    } else if (isNotebookName(name)) {
      found.push({ student: name.replace(/\.[^.]+$/, ''), file: full });
    }
  }
  return found;
}

async function gradeOne(submission: Submission, source: Notebook, options: GradeOptions): Promise<StudentGrade> {
  const graded = gradedCells(source);
  const max = graded.reduce((sum, g) => sum + g.points, 0);
  let student: Notebook;
  try {
    student = parseNotebook(await readFile(submission.file, 'utf8'), submission.file);
  } catch (err) {
    const feedback = `the submission could not be read: ${(err as Error).message}`;
    const cells = graded.map((g): CellGrade => ({
      cell: g.gradeId,
      points: 0,
      max: g.points,
      status: 'failed',
      feedback,
    }));
    return { student: submission.student, file: submission.file, total: 0, max, flags: [], cells };
  }
  const flags = findTampering(student, source);
  const merged = mergeSubmission(student, source);
  await executeAll(merged, path.dirname(path.resolve(submission.file)), options);
  const byGradeId = new Map(merged.cells.map((cell) => [exerciseMeta(cell)?.grade_id, cell]));
  const cells = graded.map(({ gradeId, points }): CellGrade => {
    const flag = flags.find((f) => f.gradeId === gradeId);
    if (flag)
      return {
        cell: gradeId,
        points: 0,
        max: points,
        status: 'tampered',
        feedback: `${flag.reason}; 0 points — your teacher will review it`,
      };
    const failure = cellFailure(byGradeId.get(gradeId)!);
    return failure === undefined
      ? { cell: gradeId, points, max: points, status: 'passed', feedback: 'all tests passed' }
      : { cell: gradeId, points: 0, max: points, status: 'failed', feedback: failure };
  });
  const feedbackFile = path.join(options.out, 'feedback', `${submission.student}.radnb`);
  await writeFile(feedbackFile, serializeNotebook(merged));
  const total = cells.reduce((sum, c) => sum + c.points, 0);
  return { student: submission.student, file: submission.file, total, max, flags, cells, feedbackFile };
}

/** Runs every code cell, whatever happened to the ones before it; a killed kernel is replaced. */
async function executeAll(notebook: Notebook, notebookDir: string, options: GradeOptions): Promise<void> {
  const start = async () => {
    const kernel = await KernelClient.start({ notebookDir, nodePath: options.nodePath });
    await injectParams(kernel, options.params ?? {});
    return kernel;
  };
  let kernel = await start();
  try {
    let count = 0;
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.kind !== 'code') continue;
      if (!kernel.alive) kernel = await start();
      await runCell(kernel, cell, `Cell ${index + 1}`, ++count, options.timeoutSeconds);
    }
  } finally {
    await kernel.shutdown();
  }
}

/** The first error of a cell as one line of feedback, or undefined when the cell ran cleanly. */
function cellFailure(cell: NotebookCell): string | undefined {
  for (const output of cell.outputs) {
    const item = output.items.find((i) => i.mime === ERROR_MIME);
    if (!item) continue;
    const error = JSON.parse(new TextDecoder().decode(item.data)) as { name?: string; message?: string };
    return `${error.name ?? 'Error'}: ${error.message ?? ''}`.split('\n')[0];
  }
  return cell.executionCount == null ? 'the cell did not run' : undefined;
}

function gradesCsv(grades: StudentGrade[]): string {
  const rows = [['student', 'cell', 'points', 'max', 'status', 'feedback']];
  for (const g of grades)
    for (const c of g.cells) rows.push([g.student, c.cell, String(c.points), String(c.max), c.status, c.feedback]);
  return rows.map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function isNotebookName(name: string): boolean {
  return NOTEBOOK_EXTENSIONS.some((ext) => name.endsWith(ext));
}

function missing(file: string, reason: string): never {
  throw new Error(`${file}: ${reason}`);
}
