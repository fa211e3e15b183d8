// Drives a radnb notebook through VS Code's public API from inside the extension host: open it, pick
// the radnb kernel, append cells, run them and read their outputs back as text — what a user sees.
import * as vscode from 'vscode';

export const EXTENSION_ID = 'radnb.radnb';
export const CONTROLLER_ID = 'radnb-kernel';
const ERROR_MIME = 'application/vnd.code.notebook.error';
const TEXT_DECODER = new TextDecoder();

export interface CellRun {
  cell: vscode.NotebookCell;
  /** Milliseconds from asking VS Code to run the cell until its execution summary arrived. */
  elapsedMs: number;
}

export interface CellErrorOutput {
  name: string;
  message: string;
  stack: string;
}

export class NotebookDriver {
  private constructor(
    readonly document: vscode.NotebookDocument,
    readonly editor: vscode.NotebookEditor,
  ) {}

  /** Opens `file` from the first workspace folder as a notebook editor with the radnb kernel selected. */
  static async open(file: string): Promise<NotebookDriver> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error('the end-to-end suite needs a workspace folder with its fixtures');
    const document = await vscode.workspace.openNotebookDocument(vscode.Uri.joinPath(folder.uri, file));
    const editor = await vscode.window.showNotebookDocument(document);
    await vscode.commands.executeCommand('notebook.selectKernel', { id: CONTROLLER_ID, extension: EXTENSION_ID });
    return new NotebookDriver(document, editor);
  }

  /** Appends a code cell (in radnb's cell language unless told) and returns it without running it. */
  async append(code: string, language = 'radnb-typescript'): Promise<vscode.NotebookCell> {
    const index = this.document.cellCount;
    const edit = new vscode.WorkspaceEdit();
    const cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, code, language);
    edit.set(this.document.uri, [vscode.NotebookEdit.insertCells(index, [cell])]);
    if (!(await vscode.workspace.applyEdit(edit)))
      throw new Error(`could not append a cell to ${this.document.uri.fsPath}`);
    return this.document.cellAt(index);
  }

  /**
   * Runs `cell` with the same command as its Run button. VS Code's command settles only when the run is
   * over, so the returned promise is not awaited by callers that act while the cell runs.
   */
  start(cell: vscode.NotebookCell): Thenable<unknown> {
    return vscode.commands.executeCommand('notebook.cell.execute', {
      ranges: [{ start: cell.index, end: cell.index + 1 }],
      document: this.document.uri,
    });
  }

  /** Appends a cell, runs it and waits until VS Code records how its execution ended. */
  async run(code: string, timeoutMs = 30_000): Promise<CellRun> {
    return this.runCell(await this.append(code), timeoutMs);
  }

  /** Runs an existing cell (again) and waits for the execution summary of this run. */
  async runCell(cell: vscode.NotebookCell, timeoutMs = 30_000): Promise<CellRun> {
    const previous = cell.executionSummary;
    const started = Date.now();
    await Promise.all([this.start(cell), finished(cell, timeoutMs, previous)]);
    return { cell, elapsedMs: Date.now() - started };
  }

  async close(): Promise<void> {
    await vscode.window.showNotebookDocument(this.document);
    // The suite's cells are scratch work: never write them back into the fixture.
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}

/** Resolves once `cell` has a new execution summary (not `previous`) with a success flag: its run is over. */
export function finished(
  cell: vscode.NotebookCell,
  timeoutMs: number,
  previous?: vscode.NotebookCellExecutionSummary,
): Promise<void> {
  return waitFor(
    () => cell.executionSummary !== previous && cell.executionSummary?.success !== undefined,
    timeoutMs,
    () => `cell ${cell.index} to finish running; outputs so far: ${describeOutputs(cell)}`,
  );
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every text-like output item of the cell (stdout, stderr, text/plain, …), in order, joined. */
export function outputText(cell: vscode.NotebookCell): string {
  return cell.outputs
    .flatMap((output) => output.items)
    .filter(
      (item) =>
        item.mime !== ERROR_MIME &&
        (item.mime.startsWith('text/') || item.mime.startsWith('application/vnd.code.notebook.std')),
    )
    .map((item) => TEXT_DECODER.decode(item.data))
    .join('');
}

/** The text/plain output of the cell's last expression (the last text/plain item). */
export function plainValue(cell: vscode.NotebookCell): string | undefined {
  const items = cell.outputs.flatMap((output) => output.items).filter((item) => item.mime === 'text/plain');
  const last = items.at(-1);
  return last && TEXT_DECODER.decode(last.data);
}

export function errorOutput(cell: vscode.NotebookCell): CellErrorOutput | undefined {
  const item = cell.outputs.flatMap((output) => output.items).find((i) => i.mime === ERROR_MIME);
  return item && (JSON.parse(TEXT_DECODER.decode(item.data)) as CellErrorOutput);
}

/** A readable account of a cell's outputs for assertion messages. */
export function describeOutputs(cell: vscode.NotebookCell): string {
  return JSON.stringify(
    cell.outputs.map((output) =>
      output.items.map((item) => ({ mime: item.mime, text: TEXT_DECODER.decode(item.data).slice(0, 500) })),
    ),
  );
}

/** A mocha suite on one fixture notebook, opened before its first test and closed after its last. */
export function describeOnNotebook(
  title: string,
  fixture: string,
  tests: (notebook: () => NotebookDriver) => void,
): void {
  describe(title, function () {
    this.timeout(60_000);
    let notebook: NotebookDriver | undefined;
    before(async () => {
      notebook = await NotebookDriver.open(fixture);
    });
    after(async () => {
      await notebook?.close();
    });
    tests(() => {
      if (notebook === undefined) throw new Error(`${fixture} did not open`);
      return notebook;
    });
  });
}
