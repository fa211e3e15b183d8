// Exercises for teaching: which cells hold solutions, tests, hidden tests and read-only material, kept in
// cell metadata under nbgrader's `nbgrader` key (same field names and meaning) so the notebooks stay
// legible to nbgrader users. Pure functions over the notebook model: assign, validate and merge a
// submission with its source; running the tests lives in src/cli/grade.ts.
import { createHash } from 'node:crypto';
import type { Notebook, NotebookCell } from './notebook';

/** nbgrader's cell metadata (schema 3). `checksum` is written into the student version of graded and
 *  read-only cells; `hidden` (radnb's addition) marks a whole test cell students never see. */
export interface ExerciseCellMeta {
  grade: boolean;
  grade_id: string;
  locked: boolean;
  solution: boolean;
  schema_version: 3;
  points?: number;
  checksum?: string;
  hidden?: boolean;
}

export type CellRole = 'solution' | 'test' | 'hidden-test' | 'readonly' | 'none';

export class ExerciseError extends Error {
  override name = 'ExerciseError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

export const NOT_IMPLEMENTED_STUB = "throw new Error('not implemented');";
export const MARKDOWN_ANSWER_STUB = 'YOUR ANSWER HERE';

const SOLUTION_BEGIN = /^(\s*)(?:\/\/|###)\s*BEGIN SOLUTION\s*$/;
const SOLUTION_END = /^\s*(?:\/\/|###)\s*END SOLUTION\s*$/;
const HIDDEN_BEGIN = /^\s*(?:\/\/|###)\s*BEGIN HIDDEN TESTS\s*$/;
const HIDDEN_END = /^\s*(?:\/\/|###)\s*END HIDDEN TESTS\s*$/;

export function exerciseMeta(cell: NotebookCell): ExerciseCellMeta | undefined {
  const meta = cell.metadata.nbgrader;
  return typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? (meta as ExerciseCellMeta) : undefined;
}

export function roleOf(cell: NotebookCell): CellRole {
  const meta = exerciseMeta(cell);
  if (!meta) return 'none';
  if (meta.solution) return 'solution';
  if (meta.grade) return meta.hidden ? 'hidden-test' : 'test';
  return meta.locked ? 'readonly' : 'none';
}

/** Gives a cell its exercise role (the teacher's "mark cell as …" commands); a new role replaces the old. */
export function markCell(cell: NotebookCell, role: CellRole, gradeId: string, points = 1): void {
  const { nbgrader: _old, ...rest } = cell.metadata;
  if (role === 'none') {
    cell.metadata = rest;
    return;
  }
  const test = role === 'test' || role === 'hidden-test';
  const meta: ExerciseCellMeta = {
    grade: test,
    grade_id: gradeId,
    locked: role !== 'solution',
    solution: role === 'solution',
    schema_version: 3,
    ...(test && { points }),
    ...(role === 'hidden-test' && { hidden: true }),
  };
  cell.metadata = { ...rest, nbgrader: meta };
}

/** Graded and read-only cells carry a checksum of what makes them count: their kind, flags, points and
 *  source. A student who edits one (or its points) no longer matches. */
export function cellChecksum(cell: NotebookCell): string {
  const meta = exerciseMeta(cell);
  const fields = [
    cell.kind,
    meta?.grade,
    meta?.solution,
    meta?.locked,
    meta?.points ?? 0,
    cell.source.replace(/\r\n/g, '\n'),
  ];
  return createHash('sha256').update(fields.map(String).join('\0')).digest('hex');
}

/** The student's notebook: solution regions become stubs, hidden tests go, outputs are cleared and every
 *  graded or read-only cell records its checksum. */
export function createStudentVersion(source: Notebook, file: string): Notebook {
  checkGradeIds(source, file);
  const cells: NotebookCell[] = [];
  source.cells.forEach((original, index) => {
    if (roleOf(original) === 'hidden-test') return;
    const where = `cell ${index + 1}`;
    const cell: NotebookCell = { ...original, metadata: structuredClone(original.metadata), outputs: [] };
    if (cell.kind === 'code') cell.executionCount = null;
    const role = roleOf(cell);
    if (role === 'solution') cell.source = stubSolutions(cell, file, where);
    else if (hasRegion(cell.source, SOLUTION_BEGIN))
      throw new ExerciseError(file, `${where} has a BEGIN SOLUTION region but is not marked as a solution cell`);
    if (hasRegion(cell.source, HIDDEN_BEGIN)) {
      if (role !== 'test')
        throw new ExerciseError(file, `${where} has BEGIN HIDDEN TESTS but is not a graded test cell`);
      cell.source = removeRegions(cell.source, HIDDEN_BEGIN, HIDDEN_END, file, where, 'HIDDEN TESTS');
    }
    const meta = exerciseMeta(cell);
    if (meta && (role === 'test' || role === 'readonly')) meta.checksum = cellChecksum(cell);
    cells.push(cell);
  });
  return { ...source, cells };
}

/** Where the student version goes: `conv.source.radnb` → `conv.radnb`; any other `x.radnb` → `x.student.radnb`. */
export function studentFileName(sourceFile: string): string {
  if (/\.source\.(radnb|ipynb)$/.test(sourceFile)) return sourceFile.replace(/\.source\.(radnb|ipynb)$/, '.$1');
  return sourceFile.replace(/(\.(radnb|ipynb))?$/, '.student$1');
}

export interface TamperFlag {
  gradeId: string;
  reason: string;
}

/** Graded and read-only cells of a submission whose checksum no longer matches, or that are gone. */
export function findTampering(student: Notebook, source: Notebook): TamperFlag[] {
  const submitted = cellsByGradeId(student);
  const flags: TamperFlag[] = [];
  for (const cell of source.cells) {
    const role = roleOf(cell);
    if (role !== 'test' && role !== 'readonly') continue;
    const gradeId = exerciseMeta(cell)!.grade_id;
    const theirs = submitted.get(gradeId);
    const recorded = theirs && exerciseMeta(theirs)?.checksum;
    if (!theirs) flags.push({ gradeId, reason: 'the cell was deleted' });
    else if (!recorded) flags.push({ gradeId, reason: 'the cell lost its checksum' });
    else if (recorded !== cellChecksum(theirs))
      flags.push({ gradeId, reason: 'the cell was modified (checksum mismatch)' });
  }
  return flags;
}

/** The notebook that is graded: the student's cells in the student's order, with every test and read-only
 *  cell taken from the source (hidden tests included) and hidden test cells put back after the cell they
 *  followed in the source. Cells the student deleted come back at the end. */
export function mergeSubmission(student: Notebook, source: Notebook): Notebook {
  const owned = new Map<string, NotebookCell>();
  const hiddenAfter = new Map<string | undefined, NotebookCell[]>();
  let anchor: string | undefined;
  for (const cell of source.cells) {
    const role = roleOf(cell);
    const gradeId = exerciseMeta(cell)?.grade_id;
    if (role === 'hidden-test') {
      hiddenAfter.set(anchor, [...(hiddenAfter.get(anchor) ?? []), cell]);
      continue;
    }
    if (gradeId) {
      anchor = gradeId;
      if (role === 'test' || role === 'readonly') owned.set(gradeId, cell);
    }
  }
  const fresh = (cell: NotebookCell): NotebookCell => ({
    ...cell,
    metadata: structuredClone(cell.metadata),
    outputs: [],
  });
  const cells: NotebookCell[] = [...(hiddenAfter.get(undefined) ?? []).map(fresh)];
  const placed = new Set<string>();
  for (const cell of student.cells) {
    const gradeId = exerciseMeta(cell)?.grade_id;
    const sourceCell = gradeId ? owned.get(gradeId) : undefined;
    cells.push(fresh(sourceCell ?? cell));
    if (!gradeId || placed.has(gradeId)) continue;
    placed.add(gradeId);
    cells.push(...(hiddenAfter.get(gradeId) ?? []).map(fresh));
  }
  for (const [gradeId, cell] of owned) if (!placed.has(gradeId)) cells.push(fresh(cell));
  for (const [gradeId, hidden] of hiddenAfter)
    if (gradeId !== undefined && !placed.has(gradeId)) cells.push(...hidden.map(fresh));
  return { ...student, cells };
}

/** Graded test cells of the source, in order, with their points. */
export function gradedCells(source: Notebook): { gradeId: string; points: number }[] {
  return source.cells
    .filter((cell) => roleOf(cell) === 'test' || roleOf(cell) === 'hidden-test')
    .map((cell) => ({ gradeId: exerciseMeta(cell)!.grade_id, points: exerciseMeta(cell)!.points ?? 0 }));
}

// ---------------------------------------------------------------- helpers

function cellsByGradeId(notebook: Notebook): Map<string, NotebookCell> {
  const map = new Map<string, NotebookCell>();
  for (const cell of notebook.cells) {
    const gradeId = exerciseMeta(cell)?.grade_id;
    if (gradeId && !map.has(gradeId)) map.set(gradeId, cell);
  }
  return map;
}

function checkGradeIds(source: Notebook, file: string): void {
  const seen = new Set<string>();
  source.cells.forEach((cell, index) => {
    const meta = exerciseMeta(cell);
    if (!meta || roleOf(cell) === 'none') return;
    if (typeof meta.grade_id !== 'string' || meta.grade_id === '')
      throw new ExerciseError(file, `cell ${index + 1} has exercise metadata without a grade_id`);
    if (seen.has(meta.grade_id))
      throw new ExerciseError(file, `grade_id '${meta.grade_id}' is used by more than one cell (cell ${index + 1})`);
    if (meta.grade && !(typeof meta.points === 'number' && meta.points >= 0))
      throw new ExerciseError(file, `graded cell '${meta.grade_id}' needs points ≥ 0`);
    seen.add(meta.grade_id);
  });
}

function hasRegion(source: string, begin: RegExp): boolean {
  return source.split('\n').some((line) => begin.test(line));
}

/** A solution cell without regions is all solution (nbgrader's rule): the whole source becomes the stub. */
function stubSolutions(cell: NotebookCell, file: string, where: string): string {
  const stub = cell.kind === 'markdown' ? MARKDOWN_ANSWER_STUB : NOT_IMPLEMENTED_STUB;
  if (!hasRegion(cell.source, SOLUTION_BEGIN) && !hasRegion(cell.source, SOLUTION_END)) return stub;
  return replaceRegions(cell.source, SOLUTION_BEGIN, SOLUTION_END, file, where, 'SOLUTION', (indent) => [
    `${indent}${stub}`,
  ]);
}

function removeRegions(source: string, begin: RegExp, end: RegExp, file: string, where: string, what: string): string {
  return replaceRegions(source, begin, end, file, where, what, () => []);
}

function replaceRegions(
  source: string,
  begin: RegExp,
  end: RegExp,
  file: string,
  where: string,
  what: string,
  replacement: (indent: string) => string[],
): string {
  const out: string[] = [];
  let open: string | undefined;
  for (const line of source.split('\n')) {
    const started = begin.exec(line);
    if (open === undefined && started) {
      open = started[1] ?? '';
      out.push(...replacement(open));
    } else if (open !== undefined && end.test(line)) {
      open = undefined;
    } else if (open !== undefined && begin.test(line)) {
      throw new ExerciseError(file, `${where}: BEGIN ${what} inside another BEGIN ${what}`);
    } else if (open === undefined && end.test(line)) {
      throw new ExerciseError(file, `${where}: END ${what} without BEGIN ${what}`);
    } else if (open === undefined) {
      out.push(line);
    }
  }
  if (open !== undefined) throw new ExerciseError(file, `${where}: BEGIN ${what} is never closed by END ${what}`);
  return out.join('\n');
}
