// radnb's cells have a language of their own, "TypeScript (radnb)", highlighted with VS Code's TypeScript
// grammar: VS Code's built-in TypeScript support then leaves them alone, so its per-cell answers (which
// know nothing of the cells above) neither duplicate nor contradict radnb's.
import * as vscode from 'vscode';

export const RADNB_LANGUAGE = 'radnb-typescript';
const TYPESCRIPT = 'typescript';

/** Gives TypeScript cells of `notebook` radnb's language (cells pasted or added as plain TypeScript). */
export async function adoptTypeScriptCells(notebook: vscode.NotebookDocument): Promise<void> {
  await setLanguage(notebook, TYPESCRIPT, RADNB_LANGUAGE);
}

/** Gives radnb's cells back to plain TypeScript (a Jupyter notebook whose kernel is no longer radnb's). */
export async function releaseTypeScriptCells(notebook: vscode.NotebookDocument): Promise<void> {
  await setLanguage(notebook, RADNB_LANGUAGE, TYPESCRIPT);
}

async function setLanguage(notebook: vscode.NotebookDocument, from: string, to: string): Promise<void> {
  for (const cell of notebook.getCells()) {
    if (cell.kind === vscode.NotebookCellKind.Code && cell.document.languageId === from) {
      await vscode.languages.setTextDocumentLanguage(cell.document, to);
    }
  }
}
