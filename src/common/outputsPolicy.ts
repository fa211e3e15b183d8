// What of a notebook's outputs is saved: everything, only the small and portable part (text and PNG
// images below a size), or nothing. A notebook chooses in `metadata.radnb.outputs`; otherwise the
// `radnb.outputs.policy` setting (or the CLI flag) decides. Pure: returns a new notebook.
import { formatBytes } from './formatBytes';
import { ERROR_MIME, STDERR_MIME, STDOUT_MIME, type CellOutput, type Notebook, type OutputItem } from './notebook';

export type OutputsPolicy = 'all' | 'small' | 'none';

export interface OutputsPolicyOptions {
  /** Largest PNG image kept by the 'small' policy, in bytes. */
  maxImageBytes: number;
}

export const OUTPUTS_POLICIES: readonly OutputsPolicy[] = ['all', 'small', 'none'];
export const DEFAULT_MAX_IMAGE_BYTES = 100 * 1024;

/** Items the 'small' policy keeps whatever their size: they are text that diffs line by line. */
const TEXT_MIMES = new Set([STDOUT_MIME, STDERR_MIME, ERROR_MIME, 'text/plain', 'text/markdown']);

export function isOutputsPolicy(value: unknown): value is OutputsPolicy {
  return typeof value === 'string' && (OUTPUTS_POLICIES as readonly string[]).includes(value);
}

/** The notebook's own choice when it has one, else the fallback. */
export function notebookOutputsPolicy(notebook: Notebook, fallback: OutputsPolicy): OutputsPolicy {
  const chosen = (notebook.metadata.radnb as { outputs?: unknown } | undefined)?.outputs;
  return isOutputsPolicy(chosen) ? chosen : fallback;
}

export function applyOutputsPolicy(notebook: Notebook, policy: OutputsPolicy, options: OutputsPolicyOptions): Notebook {
  if (policy === 'all') return notebook;
  return {
    ...notebook,
    cells: notebook.cells.map((cell) => {
      if (cell.kind !== 'code') return cell;
      if (policy === 'none') return { ...cell, outputs: [], executionCount: null };
      return { ...cell, outputs: cell.outputs.map((output) => smallOutput(output, options.maxImageBytes)) };
    }),
  };
}

/** Keeps the small items of an output; when none is left, a text note says what was dropped and why. */
function smallOutput(output: CellOutput, maxImageBytes: number): CellOutput {
  const keep = (item: OutputItem) =>
    TEXT_MIMES.has(item.mime) || (item.mime === 'image/png' && item.data.byteLength <= maxImageBytes);
  const kept = output.items.filter(keep);
  if (kept.length === output.items.length) return output;
  if (kept.length > 0) return { ...output, items: kept };
  const dropped = output.items.map((i) => `${i.mime}, ${formatBytes(i.data.byteLength)}`).join('; ');
  const note = `[output not saved by the 'small' outputs policy (${dropped}); run the cell to see it]`;
  return {
    items: [{ mime: 'text/plain', data: new TextEncoder().encode(note) }],
    metadata: { ...output.metadata, outputType: 'display_data' },
  };
}
