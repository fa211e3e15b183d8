// Type errors of radnb cells as squiggles and in the Problems panel, as the language service finishes
// checking each cell. They never stop a cell from running (the kernel does not ask).
import * as vscode from 'vscode';
import type { CellDiagnostic } from '../../common/cellLanguage';
import type { LanguageClient } from './languageClient';
import type { NotebookSync } from './notebookSync';
import { toLocation, toRange } from './cellProviders';

export const DIAGNOSTIC_SOURCE = 'radnb';

export function registerCellDiagnostics(client: LanguageClient, sync: NotebookSync): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  client.onDiagnostics((event) => {
    for (const { cellId, diagnostics } of event.cells) {
      // A late answer for a cell that has left its notebook must not bring its squiggles back.
      if (sync.hasCell(cellId)) collection.set(vscode.Uri.parse(cellId), diagnostics.map(toDiagnostic));
    }
  });
  sync.onCellsRemoved((uris) => uris.forEach((uri) => collection.delete(uri)));
  return collection;
}

function toDiagnostic(d: CellDiagnostic): vscode.Diagnostic {
  const severities = {
    error: vscode.DiagnosticSeverity.Error,
    warning: vscode.DiagnosticSeverity.Warning,
    info: vscode.DiagnosticSeverity.Information,
    hint: vscode.DiagnosticSeverity.Hint,
  };
  const diagnostic = new vscode.Diagnostic(toRange(d.range), d.message, severities[d.severity]);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  if (d.code) diagnostic.code = `TS${d.code}`;
  if (d.tags)
    diagnostic.tags = d.tags.map((t) =>
      t === 'unnecessary' ? vscode.DiagnosticTag.Unnecessary : vscode.DiagnosticTag.Deprecated,
    );
  if (d.related)
    diagnostic.relatedInformation = d.related.map(
      (r) => new vscode.DiagnosticRelatedInformation(toLocation(r.location), r.message),
    );
  return diagnostic;
}
