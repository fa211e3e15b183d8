// Teacher commands in the notebook editor: mark a cell as solution, graded test (with points), hidden test
// or read-only, clear the mark, and write the student version next to the source. Marks live in the
// cell's nbformat metadata (nbgrader's keys), so `radnb assign`/`radnb grade` and nbgrader read them.
// Each marked cell shows its role in the cell status bar. VS Code cannot make one cell read-only, so a
// student who edits a locked or test cell of a distributed notebook is warned at once that grading will flag it.
import * as vscode from 'vscode';
import {
  cellChecksum,
  createStudentVersion,
  exerciseMeta,
  markCell,
  roleOf,
  studentFileName,
  type CellRole,
} from '../common/exercise';
import { serializeNotebook, type NotebookCell } from '../common/notebook';
import { fromNotebookData } from './serializer';

/** VS Code cell metadata as the radnb serializer stores it: nbformat's cell metadata under `metadata`. */
interface StoredCellMetadata {
  metadata?: Record<string, unknown>;
  raw?: boolean;
  [key: string]: unknown;
}

const MARK_COMMANDS: Record<string, CellRole> = {
  'radnb.exercise.markSolution': 'solution',
  'radnb.exercise.markTest': 'test',
  'radnb.exercise.markHiddenTest': 'hidden-test',
  'radnb.exercise.markReadOnly': 'readonly',
  'radnb.exercise.unmark': 'none',
};

export const CREATE_STUDENT_VERSION_COMMAND = 'radnb.exercise.createStudentVersion';

export function registerExerciseCommands(context: vscode.ExtensionContext): void {
  for (const [command, role] of Object.entries(MARK_COMMANDS)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(command, (cell?: vscode.NotebookCell) => markSelectedCell(role, cell)),
    );
  }
  context.subscriptions.push(
    vscode.commands.registerCommand(CREATE_STUDENT_VERSION_COMMAND, writeStudentVersion),
    vscode.notebooks.registerNotebookCellStatusBarItemProvider('radnb', { provideCellStatusBarItems: roleStatusItem }),
    vscode.workspace.onDidChangeNotebookDocument(warnOnLockedEdits(new WeakSet())),
  );
}

function warnOnLockedEdits(warned: WeakSet<vscode.NotebookCell>): (event: vscode.NotebookDocumentChangeEvent) => void {
  return (event) => {
    for (const change of event.cellChanges) {
      const cell = change.cell;
      if (!change.document || warned.has(cell)) continue;
      const model = cellModel(cell);
      const checksum = exerciseMeta(model)?.checksum;
      if (!checksum || checksum === cellChecksum(model)) continue;
      warned.add(cell);
      void vscode.window.showWarningMessage(
        `Cell ${cell.index + 1} (${exerciseMeta(model)!.grade_id}) is part of the exercise and must stay as it was: a changed ${roleOf(model) === 'test' ? 'test' : 'read-only'} cell is flagged when it is graded. Undo the change (Ctrl+Z).`,
      );
    }
  };
}

/** The cell as radnb's notebook model sees it, for the exercise rules. */
function cellModel(cell: vscode.NotebookCell): NotebookCell {
  const stored = (cell.metadata ?? {}) as StoredCellMetadata;
  const kind = cell.kind === vscode.NotebookCellKind.Markup ? 'markdown' : stored.raw ? 'raw' : 'code';
  return { kind, source: cell.document.getText(), metadata: stored.metadata ?? {}, outputs: [] };
}

/** Cell toolbar and context menus pass the cell; the command palette uses the selected cell. */
async function markSelectedCell(role: CellRole, clicked?: vscode.NotebookCell): Promise<void> {
  const editor = vscode.window.activeNotebookEditor;
  const cell = clicked ?? (editor && editor.notebook.cellAt(editor.selection.start));
  if (!cell) {
    void vscode.window.showInformationMessage('Select a notebook cell to mark first.');
    return;
  }
  const stored = (cell.metadata ?? {}) as StoredCellMetadata;
  const model = cellModel(cell);
  const current = exerciseMeta(model);
  let gradeId = current?.grade_id ?? '';
  let points = current?.points ?? 1;
  if (role !== 'none') {
    const taken = new Set(
      cell.notebook
        .getCells()
        .filter((c) => c !== cell)
        .map((c) => exerciseMeta(cellModel(c))?.grade_id)
        .filter(Boolean),
    );
    const chosen = await vscode.window.showInputBox({
      title: 'Exercise cell id (grade_id)',
      prompt: 'A name that identifies this cell in grades and feedback',
      value: gradeId || `${role}-${cell.index + 1}`,
      validateInput: (v) =>
        !/^[A-Za-z0-9_-]+$/.test(v)
          ? 'Use letters, digits, - and _'
          : taken.has(v)
            ? `'${v}' is used by another cell`
            : undefined,
    });
    if (chosen === undefined) return;
    gradeId = chosen;
  }
  if (role === 'test' || role === 'hidden-test') {
    const answer = await vscode.window.showInputBox({
      title: 'Points for this test cell',
      value: String(points),
      validateInput: (v) => (Number(v) >= 0 && v.trim() !== '' ? undefined : 'A number ≥ 0'),
    });
    if (answer === undefined) return;
    points = Number(answer);
  }
  markCell(model, role, gradeId, points);
  const edit = new vscode.WorkspaceEdit();
  edit.set(cell.notebook.uri, [
    vscode.NotebookEdit.updateCellMetadata(cell.index, { ...stored, metadata: model.metadata }),
  ]);
  await vscode.workspace.applyEdit(edit);
}

/** Writes `<name>.radnb` next to `<name>.source.radnb` (or `<name>.student.radnb`) from the editor's
 *  current content, unsaved edits included, and opens it. */
async function writeStudentVersion(): Promise<void> {
  const document = vscode.window.activeNotebookEditor?.notebook;
  if (!document || document.notebookType !== 'radnb') {
    void vscode.window.showInformationMessage('Open the source notebook of an exercise (.radnb) first.');
    return;
  }
  const data = new vscode.NotebookData(
    document.getCells().map((cell) => {
      const copy = new vscode.NotebookCellData(cell.kind, cell.document.getText(), cell.document.languageId);
      copy.metadata = cell.metadata;
      return copy;
    }),
  );
  data.metadata = document.metadata;
  try {
    const student = createStudentVersion(fromNotebookData(data), vscode.workspace.asRelativePath(document.uri));
    const target = vscode.Uri.file(studentFileName(document.uri.fsPath));
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(serializeNotebook(student)));
    await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(target), {
      viewColumn: vscode.ViewColumn.Beside,
    });
  } catch (err) {
    void vscode.window.showErrorMessage(`Student version not written: ${(err as Error).message}`);
  }
}

const ROLE_LABELS: Record<Exclude<CellRole, 'none'>, { icon: string; text: string; tooltip: string }> = {
  solution: {
    icon: 'edit',
    text: 'solution',
    tooltip: 'Replaced by a stub in the student version (whole cell, or the BEGIN/END SOLUTION regions)',
  },
  test: {
    icon: 'beaker',
    text: 'test',
    tooltip:
      'Graded test: full points when the cell runs without error; BEGIN/END HIDDEN TESTS parts are removed for students',
  },
  'hidden-test': {
    icon: 'eye-closed',
    text: 'hidden test',
    tooltip: 'Graded test that students never see; it is put back when grading',
  },
  readonly: {
    icon: 'lock',
    text: 'read-only',
    tooltip: 'Students must not change this cell: a change is flagged when grading',
  },
};

function roleStatusItem(cell: vscode.NotebookCell): vscode.NotebookCellStatusBarItem | undefined {
  const model = cellModel(cell);
  const role = roleOf(model);
  if (role === 'none') return undefined;
  const label = ROLE_LABELS[role];
  const meta = exerciseMeta(model)!;
  const points = meta.grade ? ` · ${meta.points ?? 0} pt${meta.points === 1 ? '' : 's'}` : '';
  const item = new vscode.NotebookCellStatusBarItem(
    `$(${label.icon}) ${label.text} ${meta.grade_id}${points}`,
    vscode.NotebookCellStatusBarAlignment.Left,
  );
  item.tooltip = label.tooltip;
  return item;
}
