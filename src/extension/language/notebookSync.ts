// Keeps the language service's copy of each served notebook in step with the editor: code cells in
// document order, the text of each cell that changed, notebooks opened and closed. Providers flush
// pending changes before asking, so an answer always reflects what the user sees.
import path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from './languageClient';
import { RADNB_LANGUAGE } from './radnbLanguage';

/** The cells the kernel runs: radnb's TypeScript, and JavaScript (whose names the cells below see). */
const CELL_LANGUAGES = new Set([RADNB_LANGUAGE, 'javascript']);

interface Served {
  notebook: vscode.NotebookDocument;
  /** Document version and language of each cell as last sent (a language change keeps the URI). */
  sentVersions: Map<string, string>;
  sentOrder: string[];
}

export class NotebookSync implements vscode.Disposable {
  private readonly served = new Map<string, Served>();
  /** Cell document URI → the notebook it belongs to. */
  private readonly cellOwners = new Map<string, Served>();
  private readonly dirty = new Set<Served>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[];
  private readonly removedListeners: ((cellUris: vscode.Uri[]) => void)[] = [];

  constructor(
    private readonly client: LanguageClient,
    private readonly checkTypes: (notebook: vscode.NotebookDocument) => boolean,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidChangeNotebookDocument((e) => this.touch(e.notebook)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const owner = this.cellOwners.get(e.document.uri.toString());
        if (owner) this.touch(owner.notebook);
      }),
      // A cell whose language changed is a new document under the same URI.
      vscode.workspace.onDidOpenTextDocument((document) => {
        const owner = this.cellOwners.get(document.uri.toString());
        if (owner) this.touch(owner.notebook);
      }),
    ];
    client.onRestart(() => {
      for (const served of this.served.values()) this.open(served);
    });
  }

  /** Cells that left a notebook (deleted, or its notebook closed): their diagnostics must go. */
  onCellsRemoved(listener: (cellUris: vscode.Uri[]) => void): void {
    this.removedListeners.push(listener);
  }

  /** Starts serving a notebook (idempotent). */
  serve(notebook: vscode.NotebookDocument): void {
    const key = notebook.uri.toString();
    if (this.served.has(key)) return;
    const served: Served = { notebook, sentVersions: new Map(), sentOrder: [] };
    this.served.set(key, served);
    this.open(served);
  }

  stopServing(notebook: vscode.NotebookDocument): void {
    const served = this.served.get(notebook.uri.toString());
    if (!served) return;
    this.served.delete(notebook.uri.toString());
    this.dirty.delete(served);
    this.client.notify('close', { notebook: notebook.uri.toString() });
    const removed = served.sentOrder.map((id) => vscode.Uri.parse(id));
    for (const id of served.sentOrder) this.cellOwners.delete(id);
    for (const listener of this.removedListeners) listener(removed);
  }

  isServed(notebook: vscode.NotebookDocument): boolean {
    return this.served.has(notebook.uri.toString());
  }

  servedNotebooks(): vscode.NotebookDocument[] {
    return [...this.served.values()].map((s) => s.notebook);
  }

  /** Whether a cell (by its document URI) belongs to a served notebook, as last sent. */
  hasCell(cellId: string): boolean {
    return this.cellOwners.has(cellId);
  }

  /** The served notebook a cell document belongs to, with all changes sent. */
  cellOf(
    document: vscode.TextDocument,
  ): { notebook: vscode.NotebookDocument; key: string; cellId: string } | undefined {
    let owner = this.cellOwners.get(document.uri.toString());
    if (!owner) {
      // A cell added a moment ago: its notebook's change event may still be queued behind this request.
      owner = [...this.served.values()].find((s) =>
        s.notebook.getCells().some((c) => c.document.uri.toString() === document.uri.toString()),
      );
      if (owner) this.dirty.add(owner);
    }
    if (!owner) return undefined;
    this.flush();
    return { notebook: owner.notebook, key: owner.notebook.uri.toString(), cellId: document.uri.toString() };
  }

  setTypeChecking(notebook: vscode.NotebookDocument, enabled: boolean): void {
    if (this.isServed(notebook)) this.client.notify('setTypeChecking', { notebook: notebook.uri.toString(), enabled });
  }

  /** Sends every pending change now. */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const served of this.dirty) this.sendUpdate(served);
    this.dirty.clear();
  }

  dispose(): void {
    clearTimeout(this.flushTimer);
    for (const s of this.subscriptions) s.dispose();
  }

  private touch(notebook: vscode.NotebookDocument): void {
    const served = this.served.get(notebook.uri.toString());
    if (!served) return;
    this.dirty.add(served);
    // Changes of one keystroke or one paste arrive as several events: send them as one update.
    this.flushTimer ??= setTimeout(() => this.flush(), 0);
  }

  private open(served: Served): void {
    const notebook = served.notebook;
    served.sentVersions.clear();
    served.sentOrder = [];
    this.client.notify('open', {
      notebook: notebook.uri.toString(),
      notebookFile: notebookFile(notebook),
      checkTypes: this.checkTypes(notebook),
    });
    this.sendUpdate(served);
  }

  private sendUpdate(served: Served): void {
    const cells = served.notebook
      .getCells()
      .filter(
        (c) =>
          c.kind === vscode.NotebookCellKind.Code && CELL_LANGUAGES.has(c.document.languageId) && !c.document.isClosed,
      );
    const order = cells.map((c) => c.document.uri.toString());
    const changed = cells
      .filter((c) => served.sentVersions.get(c.document.uri.toString()) !== sentVersion(c.document))
      .map((c) => ({
        id: c.document.uri.toString(),
        text: c.document.getText(),
        ...(c.document.languageId === 'javascript' && { javascript: true }),
      }));
    if (changed.length === 0 && sameOrder(order, served.sentOrder)) return;
    const removed = served.sentOrder.filter((id) => !order.includes(id));
    for (const id of removed) {
      this.cellOwners.delete(id);
      served.sentVersions.delete(id);
    }
    for (const cell of cells) {
      this.cellOwners.set(cell.document.uri.toString(), served);
      served.sentVersions.set(cell.document.uri.toString(), sentVersion(cell.document));
    }
    served.sentOrder = order;
    this.client.notify('update', { notebook: served.notebook.uri.toString(), order, changed });
    if (removed.length > 0)
      for (const listener of this.removedListeners) listener(removed.map((id) => vscode.Uri.parse(id)));
  }
}

/** Where the notebook's imports resolve from: its own file, or for an unsaved one the workspace folder. */
function notebookFile(notebook: vscode.NotebookDocument): string {
  if (notebook.uri.scheme === 'file') return notebook.uri.fsPath;
  const folder = vscode.workspace.getWorkspaceFolder(notebook.uri) ?? vscode.workspace.workspaceFolders?.[0];
  return path.join(folder?.uri.fsPath ?? process.cwd(), path.basename(notebook.uri.path) || 'Untitled.radnb');
}

function sameOrder(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function sentVersion(document: vscode.TextDocument): string {
  return `${document.version}/${document.languageId}`;
}
