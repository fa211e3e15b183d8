// `radnb run`: executes a notebook top to bottom in the same kernel VS Code uses and saves the outputs.
// Stops at the first failing cell (later cells usually depend on it) and reports it by a non-zero exit.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { version as radnbVersion } from '../../package.json';
import { ExperimentRecorder, appendRun, detectEnvironment } from '../common/experiment';
import type { ExecuteResult, WireBundle } from '../common/kernelProtocol';
import { parseNotebook, serializeNotebook, type CellOutput, type NotebookCell } from '../common/notebook';
import { displayOutput, errorOutput, resultOutput, streamItem, streamNameOf } from '../common/outputs';
import { DEFAULT_MAX_IMAGE_BYTES, applyOutputsPolicy, notebookOutputsPolicy } from '../common/outputsPolicy';
import { KernelClient, KernelDiedError } from '../kernel/client';
import type { Params } from './params';

export interface RunOptions {
  out?: string;
  params: Params;
  /** Per-cell limit in seconds; 0 = none. */
  timeoutSeconds: number;
  nodePath?: string;
  backend?: string;
  /** Keep identifying DICOM values in outputs (also enabled by the notebook's metadata.radnb.allowIdentifiers). */
  allowIdentifiers?: boolean;
  log: (line: string) => void;
}

export interface RunSummary {
  ok: boolean;
  executed: number;
  failedCell?: number;
  outFile: string;
}

/** How long an interrupted cell may take to stop before the kernel is killed. */
const INTERRUPT_GRACE_MS = 5000;

export async function runNotebook(file: string, options: RunOptions): Promise<RunSummary> {
  const notebook = parseNotebook(await readFile(file, 'utf8'), file);
  const outFile = options.out ?? file;
  const allowIdentifiers =
    options.allowIdentifiers ||
    (notebook.metadata.radnb as { allowIdentifiers?: boolean } | undefined)?.allowIdentifiers === true;
  const notebookDir = path.dirname(path.resolve(file));
  const recorder = new ExperimentRecorder({
    params: options.params,
    environment: detectEnvironment(notebookDir, radnbVersion),
  });
  const kernel = await KernelClient.start({
    notebookDir,
    nodePath: options.nodePath,
    backend: options.backend,
    allowIdentifiers,
  });
  kernel.onBackend((backend) => recorder.onBackend(backend.name, backend.reason));
  kernel.onLog((message) => recorder.onLog(message));
  kernel.onDataset((message) => recorder.onDataset(message));
  const summary: RunSummary = { ok: true, executed: 0, outFile };
  let completed = false;
  try {
    await kernel.setParams(options.params);
    const codeCells = notebook.cells.map((cell, index) => ({ cell, index })).filter(({ cell }) => cell.kind === 'code');
    for (const { cell, index } of codeCells) {
      const name = `Cell ${index + 1}`;
      const started = Date.now();
      const ok = await runCell(kernel, cell, name, ++summary.executed, options.timeoutSeconds);
      options.log(`${name}: ${ok ? 'ok' : 'FAILED'} (${Date.now() - started} ms)`);
      if (!ok) {
        summary.ok = false;
        summary.failedCell = index + 1;
        break;
      }
    }
    completed = true;
  } finally {
    await kernel.shutdown();
    appendRun(notebook, await recorder.finish(summary.ok && completed ? 'ok' : 'failed', summary.failedCell));
    // A notebook that chose to keep only small outputs (or none) is saved that way by the runner too.
    const saved = applyOutputsPolicy(notebook, notebookOutputsPolicy(notebook, 'all'), {
      maxImageBytes: DEFAULT_MAX_IMAGE_BYTES,
    });
    await writeFile(outFile, serializeNotebook(saved));
  }
  return summary;
}

export async function runCell(
  kernel: KernelClient,
  cell: NotebookCell,
  name: string,
  count: number,
  timeoutSeconds: number,
): Promise<boolean> {
  cell.outputs = [];
  cell.executionCount = count;
  const recorder = new OutputRecorder(cell.outputs);
  const timer = timeoutSeconds > 0 ? startTimeout(kernel, timeoutSeconds) : undefined;
  let result: ExecuteResult;
  try {
    result = await kernel.execute(cell.source, name, {
      onStream: (stream, text) => recorder.stream(stream, text),
      onDisplay: (id, bundle, update) => recorder.display(id, bundle, update),
      onClear: (wait) => recorder.clear(wait),
    });
  } catch (err) {
    if (!(err instanceof KernelDiedError)) throw err;
    cell.outputs.push(errorOutput({ name: err.name, message: err.message, stack: '' }));
    return false;
  } finally {
    timer?.cancel();
  }
  if (result.value) cell.outputs.push(resultOutput(result.value, count));
  if (result.status === 'error' && result.error) cell.outputs.push(errorOutput(result.error));
  if (result.status === 'interrupted') {
    const reason = timer?.fired ? `timed out after ${timeoutSeconds} s` : 'was interrupted';
    cell.outputs.push(errorOutput({ name: 'TimeoutError', message: `${name} ${reason}`, stack: '' }));
  }
  return result.status === 'ok';
}

function startTimeout(kernel: KernelClient, seconds: number): { fired: boolean; cancel(): void } {
  const state = { fired: false, cancel: () => undefined as void };
  let killTimer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    state.fired = true;
    kernel.interrupt();
    killTimer = setTimeout(() => kernel.kill(), INTERRUPT_GRACE_MS);
  }, seconds * 1000);
  state.cancel = () => {
    clearTimeout(timer);
    clearTimeout(killTimer);
  };
  return state;
}

/** Collects a running cell's outputs: consecutive stream text is merged, displays can be replaced. */
export class OutputRecorder {
  private readonly displays = new Map<string, CellOutput>();
  private clearPending = false;

  constructor(private readonly outputs: CellOutput[]) {}

  /** `wait`: the outputs go when the next one arrives, as in Jupyter. */
  clear(wait: boolean): void {
    this.clearPending = true;
    if (!wait) this.clearNow();
  }

  stream(name: 'stdout' | 'stderr', text: string): void {
    this.clearNow();
    const last = this.outputs[this.outputs.length - 1];
    if (last && streamNameOf(last) === name) last.items.push(streamItem(name, text));
    else this.outputs.push({ items: [streamItem(name, text)], metadata: { outputType: 'stream' } });
  }

  display(displayId: string, bundle: WireBundle, update: boolean): void {
    this.clearNow();
    const existing = this.displays.get(displayId);
    const output = displayOutput(bundle, displayId);
    if (update && existing) {
      existing.items = output.items;
      return;
    }
    this.displays.set(displayId, output);
    this.outputs.push(output);
  }

  private clearNow(): void {
    if (!this.clearPending) return;
    this.clearPending = false;
    this.outputs.length = 0;
    this.displays.clear();
  }
}
