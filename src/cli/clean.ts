// `radnb clean NB...`: makes notebooks ready to commit — outputs removed (or reduced to the notebook's
// outputs policy), execution counts and editor state dropped — so a diff shows only what a person changed.
// `--check` changes nothing and exits 1 when a file is not clean (pre-commit hooks); `--stdin` turns
// stdin into stdout (a git clean filter). Experiment records (metadata.radnb.runs) are kept: they are
// the team's history of runs, not noise; `--drop-runs` removes them too.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseNotebook, serializeNotebook, type Notebook } from '../common/notebook';
import {
  DEFAULT_MAX_IMAGE_BYTES,
  applyOutputsPolicy,
  isOutputsPolicy,
  notebookOutputsPolicy,
  type OutputsPolicy,
} from '../common/outputsPolicy';

export interface CleanOptions {
  /** Overrides the notebook's own metadata.radnb.outputs; without either, outputs are removed. */
  outputs?: OutputsPolicy;
  maxImageBytes: number;
  dropRuns: boolean;
}

/** Cell metadata that editors write while you work (timings, scroll and collapse state). */
const VOLATILE_CELL_METADATA = ['execution', 'ExecuteTime', 'collapsed', 'scrolled', 'jupyter'];
/** Notebook metadata of the same kind (widget state saved by Jupyter). */
const VOLATILE_NOTEBOOK_METADATA = ['widgets'];

export function cleanNotebook(notebook: Notebook, options: CleanOptions): Notebook {
  const policy = options.outputs ?? notebookOutputsPolicy(notebook, 'none');
  const reduced = applyOutputsPolicy(notebook, policy, { maxImageBytes: options.maxImageBytes });
  const metadata = withoutKeys(reduced.metadata, VOLATILE_NOTEBOOK_METADATA);
  if (options.dropRuns && isRecord(metadata.radnb)) metadata.radnb = withoutKeys(metadata.radnb, ['runs']);
  return {
    ...reduced,
    metadata,
    cells: reduced.cells.map((cell) => ({
      ...cell,
      metadata: withoutKeys(cell.metadata, VOLATILE_CELL_METADATA),
      outputs: cell.outputs.map((o) =>
        o.metadata?.outputType === 'execute_result' ? { ...o, metadata: { ...o.metadata, executionCount: null } } : o,
      ),
      ...(cell.kind === 'code' && { executionCount: null }),
    })),
  };
}

export function cleanText(text: string, file: string, options: CleanOptions): string {
  return serializeNotebook(cleanNotebook(parseNotebook(text, file), options));
}

export async function runCleanCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      check: { type: 'boolean', default: false },
      stdin: { type: 'boolean', default: false },
      outputs: { type: 'string' },
      'max-image-bytes': { type: 'string', default: String(DEFAULT_MAX_IMAGE_BYTES) },
      'drop-runs': { type: 'boolean', default: false },
    },
  });
  if (values.outputs !== undefined && !isOutputsPolicy(values.outputs))
    throw new Error(`--outputs must be all, small or none, not '${values.outputs}'`);
  const maxImageBytes = Number(values['max-image-bytes']);
  if (!(maxImageBytes >= 0))
    throw new Error(`--max-image-bytes must be a number of bytes, not '${values['max-image-bytes']}'`);
  const options: CleanOptions = { outputs: values.outputs, maxImageBytes, dropRuns: values['drop-runs']! };
  if (values.stdin) {
    if (positionals.length > 0) throw new Error('radnb clean --stdin takes no file names');
    process.stdout.write(cleanText(await readStdin(), '<stdin>', options));
    return 0;
  }
  if (positionals.length === 0) throw new Error('radnb clean needs at least one notebook (or --stdin)');
  let unclean = 0;
  for (const file of positionals) {
    const text = await readFile(file, 'utf8').catch(() => {
      throw new Error(`${file}: no such notebook`);
    });
    const cleaned = cleanText(text, file, options);
    if (cleaned === text) continue;
    unclean++;
    if (values.check)
      process.stderr.write(
        `${file}: not clean (outputs, execution counts or editor metadata); run radnb clean ${file}\n`,
      );
    else await writeFile(file, cleaned);
  }
  return values.check && unclean > 0 ? 1 : 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function withoutKeys(record: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
