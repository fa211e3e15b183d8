// The Variables view: the active notebook's top-level variables as its kernel last described them (name,
// type, shape or length, memory; total tensor memory on top), refreshed after every cell. Clicking a
// tensor, image or model shows it in the notebook, in a new cell below the selected one.
import * as vscode from 'vscode';
import type { VariablesMessage } from '../../common/kernelProtocol';
import { formatBytes } from '../../common/formatBytes';
import type { KernelVariable } from '../../common/variables';
import { RADNB_LANGUAGE } from '../language/radnbLanguage';
import { variableLine } from './variableText';

export const VARIABLES_VIEW = 'radnb.variables';
export const SHOW_VARIABLE = 'radnb.variables.show';

export type VariablesOf = (notebook: vscode.NotebookDocument) => VariablesMessage | undefined;

class VariablesTree implements vscode.TreeDataProvider<KernelVariable> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly variablesOf: VariablesOf) {}

  refresh(): void {
    this.changed.fire();
  }

  current(): VariablesMessage | undefined {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    return notebook && this.variablesOf(notebook);
  }

  getChildren(): KernelVariable[] {
    return this.current()?.variables ?? [];
  }

  getTreeItem(v: KernelVariable): vscode.TreeItem {
    const item = new vscode.TreeItem(v.name, vscode.TreeItemCollapsibleState.None);
    item.description = `${variableLine(v)} — ${v.summary}`;
    item.tooltip = new vscode.MarkdownString().appendText(`${v.name}: ${variableLine(v)}\n${v.summary}`);
    item.contextValue = v.viewable ? 'viewable' : 'value';
    item.iconPath = new vscode.ThemeIcon(
      v.type === 'Tensor'
        ? 'symbol-array'
        : v.type.startsWith('Dicom')
          ? 'file-media'
          : v.type === 'function' || v.type === 'class'
            ? 'symbol-method'
            : 'symbol-variable',
    );
    if (v.viewable) item.command = { command: SHOW_VARIABLE, title: 'Show in Notebook', arguments: [v] };
    return item;
  }
}

export function registerVariablesView(variablesOf: VariablesOf, onDidChange: vscode.Event<unknown>): vscode.Disposable {
  const tree = new VariablesTree(variablesOf);
  const view = vscode.window.createTreeView(VARIABLES_VIEW, { treeDataProvider: tree });
  const refresh = () => {
    tree.refresh();
    const current = tree.current();
    view.message = !current
      ? "Run a cell to see the kernel's variables."
      : current.tensors
        ? `Tensor memory: ${formatBytes(current.tensors.bytes)} in ${current.tensors.count} tensor${current.tensors.count === 1 ? '' : 's'}`
        : undefined;
  };
  refresh();
  return vscode.Disposable.from(
    view,
    onDidChange(refresh),
    vscode.window.onDidChangeActiveNotebookEditor(refresh),
    vscode.commands.registerCommand(SHOW_VARIABLE, (v: KernelVariable) => showInNotebook(v.name)),
  );
}

/** A new cell holding just the name, run: the kernel shows the value as rich as it can. */
async function showInNotebook(name: string): Promise<void> {
  const editor = vscode.window.activeNotebookEditor;
  if (!editor) return;
  const index = Math.min(editor.selection.end, editor.notebook.cellCount);
  const edit = new vscode.WorkspaceEdit();
  edit.set(editor.notebook.uri, [
    vscode.NotebookEdit.insertCells(index, [
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, name, RADNB_LANGUAGE),
    ]),
  ]);
  if (!(await vscode.workspace.applyEdit(edit))) return;
  editor.selection = new vscode.NotebookRange(index, index + 1);
  await vscode.commands.executeCommand('notebook.cell.execute', {
    ranges: [{ start: index, end: index + 1 }],
    document: editor.notebook.uri,
  });
}
