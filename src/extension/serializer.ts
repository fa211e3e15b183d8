// Opens and saves .radnb files (and gives the same conversion to the jupyter-notebook controller's
// outputs): VS Code's NotebookData on one side, the nbformat model of src/common/notebook on the other.
import * as vscode from 'vscode';
import {
  parseNotebook,
  serializeNotebook,
  type CellOutput,
  type Notebook,
  type NotebookCell,
} from '../common/notebook';
import {
  DEFAULT_MAX_IMAGE_BYTES,
  applyOutputsPolicy,
  isOutputsPolicy,
  notebookOutputsPolicy,
} from '../common/outputsPolicy';
import { RADNB_LANGUAGE } from './language/radnbLanguage';

/** Where nbformat fields that VS Code does not model are kept in VS Code's cell metadata. */
interface CellMetadata {
  id?: string;
  metadata?: Record<string, unknown>;
  attachments?: unknown;
  /** nbformat "raw" cells show as code cells in the 'raw' language. */
  raw?: boolean;
}

interface NotebookMetadata {
  metadata?: Record<string, unknown>;
  nbformatMinor?: number;
}

export class RadnbSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    // VS Code shows the thrown NotebookFormatError (file and reason) in place of the editor.
    return toNotebookData(parseNotebook(new TextDecoder().decode(content), 'this .radnb file'));
  }

  /** Saves the outputs the notebook's policy keeps (metadata.radnb.outputs, else radnb.outputs.policy). */
  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    const config = vscode.workspace.getConfiguration('radnb');
    const setting = config.get<string>('outputs.policy', 'all');
    const notebook = fromNotebookData(data);
    const policy = notebookOutputsPolicy(notebook, isOutputsPolicy(setting) ? setting : 'all');
    const maxImageBytes = config.get<number>('outputs.maxImageBytes', DEFAULT_MAX_IMAGE_BYTES);
    return new TextEncoder().encode(serializeNotebook(applyOutputsPolicy(notebook, policy, { maxImageBytes })));
  }
}

export function toNotebookData(notebook: Notebook): vscode.NotebookData {
  const data = new vscode.NotebookData(notebook.cells.map(toCellData));
  data.metadata = { metadata: notebook.metadata, nbformatMinor: notebook.nbformatMinor } satisfies NotebookMetadata;
  return data;
}

function toCellData(cell: NotebookCell): vscode.NotebookCellData {
  const kind = cell.kind === 'markdown' ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code;
  const language = cell.kind === 'markdown' ? 'markdown' : cell.kind === 'raw' ? 'raw' : RADNB_LANGUAGE;
  const data = new vscode.NotebookCellData(kind, cell.source, language);
  data.metadata = {
    ...(cell.id !== undefined && { id: cell.id }),
    metadata: cell.metadata,
    ...(cell.attachments !== undefined && { attachments: cell.attachments }),
    ...(cell.kind === 'raw' && { raw: true }),
  } satisfies CellMetadata;
  data.outputs = cell.outputs.map(toVscodeOutput);
  if (typeof cell.executionCount === 'number') data.executionSummary = { executionOrder: cell.executionCount };
  return data;
}

export function toVscodeOutput(output: CellOutput): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput(
    output.items.map((item) => new vscode.NotebookCellOutputItem(item.data, item.mime)),
    output.metadata,
  );
}

export function fromNotebookData(data: vscode.NotebookData): Notebook {
  const meta = (data.metadata ?? {}) as NotebookMetadata;
  return {
    cells: data.cells.map(fromCellData),
    metadata: meta.metadata ?? {},
    nbformatMinor: meta.nbformatMinor ?? 5,
  };
}

function fromCellData(cell: vscode.NotebookCellData): NotebookCell {
  const meta = (cell.metadata ?? {}) as CellMetadata;
  const kind = cell.kind === vscode.NotebookCellKind.Markup ? 'markdown' : meta.raw ? 'raw' : 'code';
  return {
    kind,
    source: cell.value,
    ...(meta.id !== undefined && { id: meta.id }),
    metadata: meta.metadata ?? {},
    outputs: kind === 'code' ? (cell.outputs ?? []).map(fromVscodeOutput) : [],
    ...(kind === 'code' && { executionCount: cell.executionSummary?.executionOrder ?? null }),
    ...(meta.attachments !== undefined && { attachments: meta.attachments }),
  };
}

function fromVscodeOutput(output: vscode.NotebookCellOutput): CellOutput {
  return { items: output.items.map((i) => ({ mime: i.mime, data: i.data })), metadata: output.metadata };
}
