// The editor's type check without an editor: every code cell of a notebook against the cells above it,
// as `radnb check` runs it in CI and on students' submissions. Same service, same rules.
import type * as TS from 'typescript';
import type { CellDiagnostic } from '../common/cellLanguage';
import type { Notebook } from '../common/notebook';
import type { RadnbTypes } from './compilerOptions';
import { NotebookLanguageService } from './notebookLanguageService';

export interface NotebookProblem extends CellDiagnostic {
  /** The cell's number among all cells of the notebook, from 1, as the editor and kernel name it. */
  cell: number;
}

export interface CheckContext {
  ts: typeof TS;
  radnb: RadnbTypes;
  /** Shared by the notebooks of one run, so libraries are parsed once. */
  registry: TS.DocumentRegistry;
}

/** Problems of every code cell, in cell order; tsconfig.json problems come as errors of cell 0. */
export function checkNotebook(notebook: Notebook, file: string, context: CheckContext): NotebookProblem[] {
  const service = new NotebookLanguageService({
    ts: context.ts,
    notebookFile: file,
    radnb: context.radnb,
    registry: context.registry,
  });
  try {
    const cells = notebook.cells.flatMap((cell, index) =>
      cell.kind === 'code' ? [{ id: String(index + 1), text: cell.source }] : [],
    );
    service.update(cells);
    const configProblems = service.settings.configErrors.map((message) =>
      notebookProblem(`${service.settings.configFile}: ${message}`),
    );
    return [
      ...configProblems,
      ...cells.flatMap((cell) => service.diagnostics(cell.id).map((d) => ({ ...d, cell: Number(cell.id) }))),
    ];
  } finally {
    service.dispose();
  }
}

/** A problem of the notebook as a whole (its tsconfig.json, its file), reported as cell 0. */
export function notebookProblem(message: string): NotebookProblem {
  const nowhere = { line: 0, character: 0 };
  return { cellId: '0', cell: 0, range: { start: nowhere, end: nowhere }, message, severity: 'error', code: 0 };
}
