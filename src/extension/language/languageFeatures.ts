// The editor knows the notebook: radnb notebooks, and Jupyter notebooks whose kernel is radnb's, get a
// language service that reads their cells in order. TypeScript loads only in the language worker, on the
// first notebook served.
import path from 'node:path';
import * as vscode from 'vscode';
import { registerCellDiagnostics } from './cellDiagnostics';
import { registerCellProviders, type LiveVariables } from './cellProviders';
import { LanguageClient } from './languageClient';
import { NotebookSync } from './notebookSync';
import { adoptTypeScriptCells, releaseTypeScriptCells } from './radnbLanguage';

export const TYPE_CHECK_SETTING = 'radnb.typeCheck.enabled';

export interface LanguageFeatureOptions {
  /** Jupyter notebooks choosing or leaving radnb's kernel. */
  onDidChangeKernelSelection: vscode.Event<{ notebook: vscode.NotebookDocument; selected: boolean }>;
  live: LiveVariables;
  log: (message: string) => void;
}

export function registerLanguageFeatures(context: vscode.ExtensionContext, options: LanguageFeatureOptions): void {
  const installDir = context.extensionUri.fsPath;
  const client = new LanguageClient(path.join(installDir, 'out', 'language', 'worker.js'), installDir, options.log);
  const checkTypes = (notebook: vscode.NotebookDocument) =>
    vscode.workspace.getConfiguration('radnb', notebook.uri).get<boolean>('typeCheck.enabled', true);
  const sync = new NotebookSync(client, checkTypes);
  const serve = (notebook: vscode.NotebookDocument) => {
    void adoptTypeScriptCells(notebook);
    sync.serve(notebook);
  };
  const serveIfRadnb = (notebook: vscode.NotebookDocument) => {
    if (notebook.notebookType === 'radnb') serve(notebook);
  };
  context.subscriptions.push(
    client,
    sync,
    registerCellProviders(sync, client, options.live),
    registerCellDiagnostics(client, sync),
    vscode.workspace.onDidOpenNotebookDocument(serveIfRadnb),
    vscode.workspace.onDidCloseNotebookDocument((notebook) => sync.stopServing(notebook)),
    // Cells added as plain TypeScript (pasted, or by another extension) join the notebook's language.
    vscode.workspace.onDidChangeNotebookDocument((e) => {
      if (sync.isServed(e.notebook) && e.contentChanges.some((c) => c.addedCells.length > 0))
        void adoptTypeScriptCells(e.notebook);
    }),
    options.onDidChangeKernelSelection(({ notebook, selected }) => {
      if (notebook.notebookType === 'radnb') return;
      if (selected) serve(notebook);
      else {
        sync.stopServing(notebook);
        void releaseTypeScriptCells(notebook);
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(TYPE_CHECK_SETTING)) return;
      for (const notebook of sync.servedNotebooks()) sync.setTypeChecking(notebook, checkTypes(notebook));
    }),
  );
  vscode.workspace.notebookDocuments.forEach(serveIfRadnb);
}
