// The .radnb file format: nbformat 4 JSON (so Jupyter tools read it when renamed .ipynb), written the
// way Jupyter writes it — keys sorted, one-space indent, multi-line strings as arrays of lines — so
// that saving is stable and each cell's change is its own diff hunk. Pure data: no VS Code API here,
// the extension and the headless runner both use it.
import { createHash } from 'node:crypto';

export interface OutputItem {
  mime: string;
  data: Uint8Array;
}

export interface CellOutput {
  items: OutputItem[];
  /** nbformat fields that VS Code outputs do not model: output_type, execution_count, metadata. */
  metadata?: Record<string, unknown>;
}

export type CellKind = 'code' | 'markdown' | 'raw';

export interface NotebookCell {
  kind: CellKind;
  source: string;
  /** Cell id (nbformat ≥ 4.5). */
  id?: string;
  metadata: Record<string, unknown>;
  outputs: CellOutput[];
  executionCount?: number | null;
  /** Markdown cell attachments, kept as they are. */
  attachments?: unknown;
}

export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformatMinor: number;
}

export class NotebookFormatError extends Error {
  override name = 'NotebookFormatError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: not a valid notebook — ${reason}`);
  }
}

export const STDOUT_MIME = 'application/vnd.code.notebook.stdout';
export const STDERR_MIME = 'application/vnd.code.notebook.stderr';
export const ERROR_MIME = 'application/vnd.code.notebook.error';

/** The kernelspec `radnb jupyter install` writes, so Jupyter starts radnb's kernel for these notebooks. */
export const KERNELSPEC = { name: 'radnb', display_name: 'TypeScript (radnb)', language: 'typescript' };
/** Names radnb notebooks carried before the Jupyter kernel existed: still read, exported as KERNELSPEC. */
const LEGACY_KERNELSPEC_NAMES = ['radnb-typescript'];

/** The notebook's metadata with a legacy radnb kernelspec renamed to the installed one; other kernels kept. */
export function withCurrentKernelspec(metadata: Record<string, unknown>): Record<string, unknown> {
  const spec = metadata.kernelspec;
  if (!isObject(spec) || !LEGACY_KERNELSPEC_NAMES.includes(spec.name as string)) return metadata;
  return { ...metadata, kernelspec: { ...spec, name: KERNELSPEC.name } };
}
const LANGUAGE_INFO = { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' };

/** The order in which a renderer is chosen: the richest representation first. */
const MIME_PREFERENCE = [
  /^application\/vnd\.radnb\./,
  /^application\/vnd\.plotly\.v1\+json$/,
  /^application\/vnd\.code\.notebook\./,
  /^text\/html$/,
  /^image\/svg\+xml$/,
  /^image\/png$/,
  /^image\/jpeg$/,
  /^text\/markdown$/,
  /^application\/(.+\+)?json$/,
  /^text\/plain$/,
];

export function orderMimeTypes<T extends { mime: string }>(items: T[]): T[] {
  const rank = (mime: string) => {
    const i = MIME_PREFERENCE.findIndex((re) => re.test(mime));
    return i < 0 ? MIME_PREFERENCE.length - 1 : i;
  };
  return [...items].sort((a, b) => rank(a.mime) - rank(b.mime));
}

export function emptyNotebook(): Notebook {
  return { cells: [], metadata: { kernelspec: KERNELSPEC, language_info: LANGUAGE_INFO }, nbformatMinor: 5 };
}

// ---------------------------------------------------------------- parse

type Json = Record<string, unknown>;

export function parseNotebook(text: string, file: string): Notebook {
  if (text.trim() === '') return emptyNotebook();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new NotebookFormatError(file, `malformed JSON (${(err as Error).message})`);
  }
  if (!isObject(raw)) throw new NotebookFormatError(file, 'the top level is not a JSON object');
  if (raw.nbformat !== 4)
    throw new NotebookFormatError(file, `nbformat ${String(raw.nbformat)} is not supported (radnb reads nbformat 4)`);
  if (!Array.isArray(raw.cells)) throw new NotebookFormatError(file, '"cells" is not a list');
  return {
    cells: raw.cells.map((c, i) => parseCell(c, i, file)),
    metadata: isObject(raw.metadata) ? raw.metadata : {},
    nbformatMinor: typeof raw.nbformat_minor === 'number' ? raw.nbformat_minor : 4,
  };
}

function parseCell(raw: unknown, index: number, file: string): NotebookCell {
  if (!isObject(raw)) throw new NotebookFormatError(file, `cell ${index + 1} is not an object`);
  const kind = raw.cell_type;
  if (kind !== 'code' && kind !== 'markdown' && kind !== 'raw') {
    throw new NotebookFormatError(file, `cell ${index + 1} has unknown cell_type ${JSON.stringify(kind)}`);
  }
  const outputs =
    kind === 'code' && Array.isArray(raw.outputs) ? raw.outputs.map((o, j) => parseOutput(o, index, j, file)) : [];
  return {
    kind,
    source: joinLines(raw.source),
    ...(typeof raw.id === 'string' && { id: raw.id }),
    metadata: isObject(raw.metadata) ? raw.metadata : {},
    outputs,
    ...(kind === 'code' && { executionCount: typeof raw.execution_count === 'number' ? raw.execution_count : null }),
    ...(raw.attachments !== undefined && { attachments: raw.attachments }),
  };
}

function parseOutput(raw: unknown, cell: number, index: number, file: string): CellOutput {
  if (!isObject(raw)) throw new NotebookFormatError(file, `output ${index + 1} of cell ${cell + 1} is not an object`);
  const type = raw.output_type;
  const utf8 = (s: string) => new TextEncoder().encode(s);
  switch (type) {
    case 'stream':
      return {
        items: [{ mime: raw.name === 'stderr' ? STDERR_MIME : STDOUT_MIME, data: utf8(joinLines(raw.text)) }],
        metadata: { outputType: 'stream' },
      };
    case 'error': {
      const error = {
        name: String(raw.ename ?? 'Error'),
        message: String(raw.evalue ?? ''),
        stack: joinTraceback(raw.traceback),
      };
      return { items: [{ mime: ERROR_MIME, data: utf8(JSON.stringify(error)) }], metadata: { outputType: 'error' } };
    }
    case 'display_data':
    case 'execute_result': {
      const data = isObject(raw.data) ? raw.data : {};
      const items = Object.entries(data).map(([mime, value]) => ({ mime, data: decodeMimeValue(mime, value) }));
      return {
        items: orderMimeTypes(items),
        metadata: {
          outputType: type,
          ...(isObject(raw.metadata) && Object.keys(raw.metadata).length > 0 && { metadata: raw.metadata }),
          ...(type === 'execute_result' && { executionCount: raw.execution_count ?? null }),
        },
      };
    }
    default:
      throw new NotebookFormatError(
        file,
        `output ${index + 1} of cell ${cell + 1} has unknown output_type ${JSON.stringify(type)}`,
      );
  }
}

// ---------------------------------------------------------------- serialize

export function serializeNotebook(notebook: Notebook): string {
  const metadata = { ...notebook.metadata };
  metadata.kernelspec ??= KERNELSPEC;
  metadata.language_info ??= LANGUAGE_INFO;
  const withIds = notebook.nbformatMinor >= 5;
  const json = {
    cells: notebook.cells.map((cell, i) => serializeCell(cell, i, withIds)),
    metadata,
    nbformat: 4,
    nbformat_minor: notebook.nbformatMinor,
  };
  return `${JSON.stringify(sortKeys(json), null, 1)}\n`;
}

function serializeCell(cell: NotebookCell, index: number, withIds: boolean): Json {
  const out: Json = { cell_type: cell.kind, metadata: cell.metadata, source: splitLines(cell.source) };
  if (withIds) out.id = cell.id ?? stableCellId(cell, index);
  if (cell.attachments !== undefined) out.attachments = cell.attachments;
  if (cell.kind === 'code') {
    out.execution_count = cell.executionCount ?? null;
    out.outputs = cell.outputs.map(serializeOutput);
  }
  return out;
}

function serializeOutput(output: CellOutput): Json {
  const meta = output.metadata ?? {};
  const decoder = new TextDecoder();
  const first = output.items[0];
  if (first && (first.mime === STDOUT_MIME || first.mime === STDERR_MIME)) {
    const text = output.items.map((i) => decoder.decode(i.data)).join('');
    return { name: first.mime === STDERR_MIME ? 'stderr' : 'stdout', output_type: 'stream', text: splitLines(text) };
  }
  if (first && first.mime === ERROR_MIME) {
    const error = JSON.parse(decoder.decode(first.data)) as { name?: string; message?: string; stack?: string };
    return {
      ename: error.name ?? 'Error',
      evalue: error.message ?? '',
      output_type: 'error',
      traceback: (error.stack || `${error.name}: ${error.message}`).split('\n'),
    };
  }
  const data: Json = {};
  for (const item of output.items) data[item.mime] = encodeMimeValue(item.mime, item.data);
  const type = meta.outputType === 'execute_result' ? 'execute_result' : 'display_data';
  return {
    data,
    metadata: isObject(meta.metadata) ? meta.metadata : {},
    output_type: type,
    ...(type === 'execute_result' && { execution_count: (meta.executionCount as number | null | undefined) ?? null }),
  };
}

// ---------------------------------------------------------------- MIME values

const isJsonMime = (mime: string) => /^application\/(.+\+)?json$/.test(mime);
const isTextMime = (mime: string) =>
  mime.startsWith('text/') || mime === 'image/svg+xml' || mime === 'application/javascript';

function decodeMimeValue(mime: string, value: unknown): Uint8Array {
  const enc = new TextEncoder();
  if (isJsonMime(mime)) return enc.encode(JSON.stringify(value));
  if (isTextMime(mime)) return enc.encode(joinLines(value));
  return new Uint8Array(Buffer.from(joinLines(value).replace(/\s+/g, ''), 'base64'));
}

function encodeMimeValue(mime: string, data: Uint8Array): unknown {
  const text = () => new TextDecoder().decode(data);
  if (isJsonMime(mime)) return JSON.parse(text());
  if (isTextMime(mime)) return splitLines(text());
  return Buffer.from(data).toString('base64');
}

// ---------------------------------------------------------------- helpers

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function joinLines(v: unknown): string {
  return Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '';
}

function joinTraceback(v: unknown): string {
  return Array.isArray(v) ? v.join('\n') : typeof v === 'string' ? v : '';
}

/** nbformat's multi-line string: one array element per line, each keeping its "\n". */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n').map((l) => `${l}\n`);
  const last = lines.length - 1;
  lines[last] = lines[last].slice(0, -1);
  return lines[last] === '' ? lines.slice(0, last) : lines;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const sorted: Json = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key]);
  return sorted;
}

/** A cell created in the editor has no id yet; derive one from its place and text so saving twice gives
 *  the same bytes. */
function stableCellId(cell: NotebookCell, index: number): string {
  return createHash('sha256').update(`${index}\0${cell.kind}\0${cell.source}`).digest('hex').slice(0, 8);
}
