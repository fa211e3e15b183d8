// `radnb grade submissions/ --source source.radnb`: autogrades every student's notebook. Each submission
// is checked against the checksums `radnb assign` recorded, merged with the source's tests (hidden ones
// included) and run cell by cell in a fresh kernel. Unlike `radnb run`, a failing cell does not stop the
// run: an infinite loop is interrupted by the per-cell timeout and a dead kernel is restarted, so a
// student loses only the points of the cells that fail. A class can be split over the tasks of a batch
// job (--shard I/N, one folder of grades each) and the folders merged afterwards (--merge).
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exerciseMeta, findTampering, gradedCells, mergeSubmission, type TamperFlag } from '../common/exercise';
import { ERROR_MIME, parseNotebook, serializeNotebook, type Notebook, type NotebookCell } from '../common/notebook';
import { KernelClient } from '../kernel/client';
import { parseParams, type Params } from './params';
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
  /** Grade only this task's share of the submissions (a batch job's array index). */
  shard?: Shard;
  log: (line: string) => void;
}

/** Task `index` of `count` grades the submissions whose place in name order, modulo `count`, is `index`. */
export interface Shard {
  index: number;
  count: number;
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
      shard: { type: 'string' },
      merge: { type: 'boolean', default: false },
    },
  });
  if (values.merge) {
    if (positionals.length === 0)
      throw new Error('radnb grade --merge takes the folders to merge (each with a grades.json)');
    const merged = await mergeGrades(positionals, values.out!);
    process.stderr.write(
      `radnb grade: ${merged.length} students from ${positionals.length} folders merged into ${values.out}\n`,
    );
    return 0;
  }
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
    ...(values.shard !== undefined && { shard: parseShard(values.shard) }),
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
  const shard = options.shard;
  // A task past the end of the class has nothing to grade: it still writes its (empty) grades.
  const mine = shard ? submissions.filter((_, i) => i % shard.count === shard.index) : submissions;
  await mkdir(path.join(options.out, 'feedback'), { recursive: true });
  const grades: StudentGrade[] = [];
  for (const submission of mine) {
    options.log(`grading ${submission.student} (${submission.file})`);
    grades.push(await gradeOne(submission, source, options));
  }
  await writeGrades(options.out, path.basename(options.source), grades);
  return grades;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const shard = match && { index: Number(match[1]), count: Number(match[2]) };
  if (!shard || shard.count < 1 || shard.index >= shard.count)
    throw new Error(`--shard must be INDEX/COUNT with 0 ≤ INDEX < COUNT (a batch job's task index), not '${text}'`);
  return shard;
}

/** Combines the grade folders of a class graded in several tasks into one: grades.json, grades.csv and
 *  every feedback notebook, students in name order. */
export async function mergeGrades(dirs: string[], out: string): Promise<StudentGrade[]> {
  let source: string | undefined;
  const gradedIn = new Map<string, string>();
  const grades: StudentGrade[] = [];
  await mkdir(path.join(out, 'feedback'), { recursive: true });
  for (const dir of dirs) {
    const file = path.join(dir, 'grades.json');
    const graded = parseGradesFile(
      await readFile(file, 'utf8').catch(() => missing(file, 'no grades.json here (not a `radnb grade --out` folder)')),
      file,
    );
    if (source !== undefined && graded.source !== source)
      throw new Error(`${file}: graded against ${graded.source}, the other folders against ${source}`);
    source = graded.source;
    for (const grade of graded.students) {
      const earlier = gradedIn.get(grade.student);
      if (earlier) throw new Error(`${file}: ${grade.student} was also graded in ${earlier}`);
      gradedIn.set(grade.student, dir);
      if (grade.feedbackFile) {
        const feedbackFile = path.join(out, 'feedback', `${grade.student}.radnb`);
        const from = path.join(dir, 'feedback', `${grade.student}.radnb`);
        if (path.resolve(from) !== path.resolve(feedbackFile))
          await copyFile(from, feedbackFile).catch(() =>
            missing(from, 'the feedback notebook grades.json names is missing'),
          );
        grade.feedbackFile = feedbackFile;
      }
      grades.push(grade);
    }
  }
  grades.sort((a, b) => (a.student < b.student ? -1 : a.student > b.student ? 1 : 0));
  await writeGrades(out, source ?? '', grades);
  return grades;
}

function parseGradesFile(text: string, file: string): { source: string; students: StudentGrade[] } {
  let json: { source?: unknown; students?: unknown };
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof json.source !== 'string' || !Array.isArray(json.students))
    throw new Error(`${file}: not a radnb grades file (no "source" and "students")`);
  return { source: json.source, students: json.students as StudentGrade[] };
}

async function writeGrades(out: string, source: string, grades: StudentGrade[]): Promise<void> {
  await writeFile(path.join(out, 'grades.json'), `${JSON.stringify({ source, students: grades }, null, 1)}\n`);
  await writeFile(path.join(out, 'grades.csv'), gradesCsv(grades));
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
    await kernel.setParams(options.params ?? {});
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
