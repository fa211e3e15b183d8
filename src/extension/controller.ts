// Runs notebook cells: one queue per notebook, each cell's output streamed into VS Code as the kernel
// sends it, errors and dead kernels reported on the cell, and nothing run in an untrusted workspace.
import * as vscode from 'vscode';
import { leakWarning, type ExecuteResult, type WireBundle } from '../common/kernelProtocol';
import { ERROR_MIME } from '../common/notebook';
import { bundleItems, displayOutput, errorOutput, resultOutput, streamItem } from '../common/outputs';
import { KernelDiedError } from '../kernel/client';
import type { KernelSession } from './kernelSession';
import { RADNB_LANGUAGE } from './language/radnbLanguage';
import { toVscodeOutput } from './serializer';

export interface SessionProvider {
  session(notebook: vscode.NotebookDocument): KernelSession;
}

export const CONTROLLER_ID = 'radnb-kernel';

export class RadnbController implements vscode.Disposable {
  private readonly controllers: vscode.NotebookController[] = [];
  private readonly queues = new WeakMap<vscode.NotebookDocument, Promise<void>>();
  private readonly unresponsiveTimers = new WeakMap<vscode.NotebookDocument, NodeJS.Timeout>();
  private readonly selectionChanged = new vscode.EventEmitter<{
    notebook: vscode.NotebookDocument;
    selected: boolean;
  }>();
  /** A notebook chose radnb's kernel, or another one. */
  readonly onDidChangeSelection = this.selectionChanged.event;

  constructor(private readonly sessions: SessionProvider) {
    // Own notebooks, and Jupyter notebooks whose cells are TypeScript (never preferred for others).
    for (const [id, type] of [
      [CONTROLLER_ID, 'radnb'],
      [`${CONTROLLER_ID}-jupyter`, 'jupyter-notebook'],
    ] as const) {
      const controller = vscode.notebooks.createNotebookController(id, type, 'radnb TypeScript');
      controller.description = 'TypeScript + TensorFlow.js';
      controller.supportedLanguages = [RADNB_LANGUAGE, 'typescript', 'javascript'];
      controller.supportsExecutionOrder = true;
      controller.executeHandler = (cells, notebook, ctrl) => this.enqueue(cells, notebook, ctrl);
      controller.interruptHandler = (notebook) => this.interrupt(notebook);
      controller.onDidChangeSelectedNotebooks((e) => this.selectionChanged.fire(e));
      this.controllers.push(controller);
    }
  }

  /** For radnb notebooks this controller is the preferred kernel. */
  prefer(notebook: vscode.NotebookDocument): void {
    if (notebook.notebookType === 'radnb')
      this.controllers[0].updateNotebookAffinity(notebook, vscode.NotebookControllerAffinity.Preferred);
  }

  interrupt(notebook: vscode.NotebookDocument): void {
    const session = this.sessions.session(notebook);
    session.interrupt();
    clearTimeout(this.unresponsiveTimers.get(notebook));
    const seconds = vscode.workspace
      .getConfiguration('radnb', notebook.uri)
      .get<number>('kernel.responseTimeoutSeconds', 10);
    const kernel = session.running;
    this.unresponsiveTimers.set(
      notebook,
      setTimeout(async () => {
        if (!kernel?.alive || !kernel.busy || session.running !== kernel) return;
        const choice = await vscode.window.showWarningMessage(
          `The radnb kernel did not stop within ${seconds} s. Restart it? Its variables will be lost; the notebook and outputs are kept.`,
          'Restart Kernel',
        );
        if (choice) await session.restart();
      }, seconds * 1000),
    );
  }

  private enqueue(
    cells: vscode.NotebookCell[],
    notebook: vscode.NotebookDocument,
    controller: vscode.NotebookController,
  ): Promise<void> {
    const executions = cells.map((cell) => controller.createNotebookCellExecution(cell));
    const previous = this.queues.get(notebook) ?? Promise.resolve();
    const next = previous.then(() => this.runAll(executions, notebook));
    this.queues.set(
      notebook,
      next.catch(() => undefined),
    );
    return next;
  }

  private async runAll(executions: vscode.NotebookCellExecution[], notebook: vscode.NotebookDocument): Promise<void> {
    for (let i = 0; i < executions.length; i++) {
      const ok = await this.runCell(executions[i], notebook);
      if (!ok) {
        // Like Jupyter's "Run All": cells after a failure are not run.
        for (const rest of executions.slice(i + 1)) {
          rest.start();
          rest.end(undefined);
        }
        return;
      }
    }
  }

  private async runCell(execution: vscode.NotebookCellExecution, notebook: vscode.NotebookDocument): Promise<boolean> {
    const cell = execution.cell;
    if (execution.token.isCancellationRequested) {
      execution.start();
      execution.end(undefined);
      return false;
    }
    const session = this.sessions.session(notebook);
    execution.start(Date.now());
    await execution.clearOutput();
    if (!vscode.workspace.isTrusted) {
      await execution.replaceOutput(
        errorCellOutput(
          'Untrusted',
          'This workspace is not trusted: radnb runs no cells until you trust it (Manage Workspace Trust).',
        ),
      );
      execution.end(false, Date.now());
      return false;
    }
    let kernel;
    try {
      kernel = await session.kernel();
    } catch (err) {
      await execution.replaceOutput(errorCellOutput('KernelStartError', (err as Error).message));
      execution.end(false, Date.now());
      void vscode.window.showErrorMessage((err as Error).message);
      return false;
    }
    execution.executionOrder = ++session.executionCount;
    const writer = new OutputWriter(execution);
    session.setState('busy');
    let result: ExecuteResult | undefined;
    try {
      result = await kernel.execute(cell.document.getText(), `Cell ${cell.index + 1}`, {
        onStream: (name, text) => writer.stream(name, text),
        onDisplay: (id, bundle, update) => writer.display(id, bundle, update),
        onClear: (wait) => writer.clear(wait),
      });
    } catch (err) {
      const died = err instanceof KernelDiedError;
      writer.append(
        toVscodeOutput(
          errorOutput({ name: died ? 'KernelDied' : 'Error', message: (err as Error).message, stack: '' }),
        ),
      );
    }
    if (result?.value) writer.append(toVscodeOutput(resultOutput(result.value, execution.executionOrder)));
    if (result?.status === 'error' && result.error) writer.append(toVscodeOutput(errorOutput(result.error)));
    if (result?.status === 'interrupted') {
      writer.append(errorCellOutput('Interrupted', 'The cell was stopped. Variables defined before it are kept.'));
    }
    await writer.done();
    if (session.running === kernel) {
      session.setState('idle', {
        tensors: result?.tensors,
        leak: leakWarning(`Cell ${cell.index + 1}`, result?.tensors),
      });
    }
    clearTimeout(this.unresponsiveTimers.get(notebook));
    const ok = result?.status === 'ok';
    execution.end(ok, Date.now());
    return ok;
  }

  dispose(): void {
    for (const c of this.controllers) c.dispose();
    this.selectionChanged.dispose();
  }
}

function errorCellOutput(name: string, message: string): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput([
    new vscode.NotebookCellOutputItem(
      new TextEncoder().encode(JSON.stringify({ name, message, stack: '' })),
      ERROR_MIME,
    ),
  ]);
}

/** Applies a cell's outputs in the order the kernel sent them (VS Code's output calls are async). */
class OutputWriter {
  private queue: Promise<unknown> = Promise.resolve();
  private lastStream: { name: string; output: vscode.NotebookCellOutput } | undefined;
  private readonly displays = new Map<string, vscode.NotebookCellOutput>();
  /** display.clear(true): the outputs go when the next one comes, so a loop redrawing them does not flicker. */
  private clearPending = false;

  constructor(private readonly execution: vscode.NotebookCellExecution) {}

  /** Removes the cell's outputs so far (display.clear), now or with the next output. */
  clear(wait: boolean): void {
    if (wait) this.clearPending = true;
    else this.clearNow();
  }

  stream(name: 'stdout' | 'stderr', text: string): void {
    this.applyPendingClear();
    const item = streamItem(name, text);
    const vsItem = new vscode.NotebookCellOutputItem(item.data, item.mime);
    const last = this.lastStream;
    if (last && last.name === name) {
      this.then(() => this.execution.appendOutputItems(vsItem, last.output));
    } else {
      const output = new vscode.NotebookCellOutput([vsItem], { outputType: 'stream' });
      this.lastStream = { name, output };
      this.then(() => this.execution.appendOutput(output));
    }
  }

  display(displayId: string, bundle: WireBundle, update: boolean): void {
    this.applyPendingClear();
    const existing = this.displays.get(displayId);
    if (update && existing) {
      const items = bundleItems(bundle).map((i) => new vscode.NotebookCellOutputItem(i.data, i.mime));
      this.then(() => this.execution.replaceOutputItems(items, existing));
      return;
    }
    const output = toVscodeOutput(displayOutput(bundle, displayId));
    this.displays.set(displayId, output);
    this.append(output);
  }

  append(output: vscode.NotebookCellOutput): void {
    this.applyPendingClear();
    this.lastStream = undefined;
    this.then(() => this.execution.appendOutput(output));
  }

  private applyPendingClear(): void {
    if (!this.clearPending) return;
    this.clearPending = false;
    this.clearNow();
  }

  private clearNow(): void {
    this.lastStream = undefined;
    this.displays.clear();
    this.then(() => this.execution.clearOutput());
  }

  done(): Promise<unknown> {
    return this.queue;
  }

  private then(step: () => Thenable<void>): void {
    this.queue = this.queue.then(step, step);
  }
}
