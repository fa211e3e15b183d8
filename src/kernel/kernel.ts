// The kernel's main-thread logic: runs one cell at a time, streams its output, displays its value,
// and finishes it exactly once — with its result, its error, or as interrupted.
import type { DisplayHandle, DisplayOptions } from '../common/display';
import { setDisplayHost } from '../common/display';
import type { CellError, ExecuteRequest, ExecuteResult, KernelMessage, WireBundle } from '../common/kernelProtocol';
import { CompileError, compileCell } from './compile';
import type { Evaluator } from './evaluator';
import { textOf, toMimeBundle, toWireBundle, truncateText } from './format';
import type { ModuleLoader } from './moduleLoader';
import { displayHandle, installRuntime, isDisplayHandle } from './runtime';
import { StackMapper } from './stackMapper';
import { StreamCapture } from './streams';
import { tensorStats } from './tensorStats';
import { VariableReader } from './variables';

interface Running {
  execId: number;
  started: number;
  /** Wall-clock start, comparable with interrupt requests timed by the interrupt worker. */
  startedAt: number;
  /** Bytes of stream text this cell may still send (radnb.output.maxBytes per cell). */
  streamBudget: number;
  tensorsBefore: number;
  abort: AbortController;
  finish(result: ExecuteResult): void;
}

export interface KernelOptions {
  evaluator: Evaluator;
  loader: ModuleLoader;
  notebookDir: string;
  maxOutputBytes: number;
  send(message: KernelMessage): void;
}

export class Kernel {
  private readonly mapper = new StackMapper();
  private readonly streams: StreamCapture;
  private running: Running | undefined;
  /** The execution output is attributed to: the running one, else the last one. */
  private outputExecId = 0;
  private generation = 0;
  private displayCount = 0;
  private readonly variables: VariableReader;

  constructor(private readonly options: KernelOptions) {
    this.streams = new StreamCapture((name, text) => this.sendStream(name, text));
    this.streams.install();
    installRuntime(
      {
        loader: options.loader,
        display: (value, opts) => this.display(value, opts),
        update: (handle, value) => this.update(handle, value),
        clear: (wait) => {
          this.streams.flush();
          options.send({ type: 'clear', execId: this.outputExecId, wait });
        },
        generation: () => this.generation,
        log: (metrics, step) =>
          options.send({ type: 'log', execId: this.outputExecId, metrics, ...(step !== undefined && { step }) }),
        registerDataset: (file) => options.send({ type: 'dataset', execId: this.outputExecId, path: file }),
      },
      options.notebookDir,
    );
    this.variables = new VariableReader();
    const running = () => this.running;
    setDisplayHost({
      display: (value, opts) => this.display(value, opts),
      update: (handle, value) => this.update(handle, value),
      get signal() {
        return running()?.abort.signal ?? AbortSignal.abort();
      },
    });
  }

  execute(request: ExecuteRequest): Promise<ExecuteResult> {
    return new Promise((resolve) => {
      const abort = new AbortController();
      let done = false;
      const running: Running = {
        execId: request.id,
        started: performance.now(),
        startedAt: Date.now(),
        streamBudget: this.options.maxOutputBytes,
        tensorsBefore: tensorStats()?.count ?? 0,
        abort,
        finish: (result) => {
          if (done) return;
          done = true;
          // One turn of the event loop first: rejections nobody awaited are reported just after the
          // microtasks of the cell, and they belong to this cell's output.
          setImmediate(() => {
            this.streams.flush();
            if (this.running === running) this.running = undefined;
            this.options.send(result);
            resolve(result);
            void this.sendVariables(running.execId);
          });
        },
      };
      this.running = running;
      this.outputExecId = request.id;
      this.streams.startCell();
      this.run(request, running).then(running.finish, (err: unknown) =>
        running.finish(this.result(running, { status: 'error', error: this.cellError(err) })),
      );
    });
  }

  /** Stops the running cell (the interrupt worker has already terminated it if it was spinning).
   *  `requestedAt` is when the user asked: a request older than the running cell was meant for
   *  code before it (a runaway timer) and must not stop the cell that started since. */
  interrupt(requestedAt: number): void {
    const running = this.running;
    if (running && requestedAt < running.startedAt) return;
    this.generation++;
    if (!running) return;
    running.abort.abort();
    running.finish(this.result(running, { status: 'interrupted' }));
  }

  /** Output of code that runs outside any cell (timers, rejected promises) goes to the last cell. */
  reportBackgroundError(err: unknown): void {
    const e = this.cellError(err);
    this.streams.write('stderr', `${e.stack || `${e.name}: ${e.message}`}\n`);
  }

  private async run(request: ExecuteRequest, running: Running): Promise<ExecuteResult> {
    const scriptName = `${request.cellName.replace(/[^\w-]+/g, '-')}-${request.id}.radnb-cell.js`;
    let compiled;
    try {
      compiled = await compileCell(request.code, request.cellName);
    } catch (err) {
      if (!(err instanceof CompileError)) throw err;
      const where = `${request.cellName}:${err.line}:${err.column}`;
      return this.result(running, {
        status: 'error',
        error: {
          name: 'SyntaxError',
          message: `${err.message} (${where})`,
          stack: `SyntaxError: ${err.message}\n    at ${where}`,
        },
      });
    }
    this.mapper.register(scriptName, request.cellName, compiled.map);
    this.variables.declared(compiled.globalNames);
    const evaluation = await this.options.evaluator
      .evaluate(`${compiled.js}\n//# sourceURL=${scriptName}`)
      .catch((err: unknown) => {
        // The interrupt worker terminated the cell's synchronous code.
        if (String((err as Error)?.message).includes('Execution was terminated')) return undefined;
        throw err;
      });
    if (!evaluation) return this.result(running, { status: 'interrupted' });
    if (!evaluation.ok) return this.result(running, { status: 'error', error: this.cellError(evaluation.error) });
    const shown = evaluation.value !== undefined && !isDisplayHandle(evaluation.value);
    const value = shown ? await this.wire(evaluation.value) : undefined;
    return this.result(running, { status: 'ok', value });
  }

  private result(running: Running, fields: Pick<ExecuteResult, 'status' | 'value' | 'error'>): ExecuteResult {
    const stats = tensorStats();
    return {
      type: 'result',
      execId: running.execId,
      durationMs: performance.now() - running.started,
      ...fields,
      ...(stats && {
        tensors: { count: stats.count, bytes: stats.bytes, leaked: Math.max(0, stats.count - running.tensorsBefore) },
      }),
    };
  }

  /** After the result, so that describing the variables never delays the cell's end. */
  private async sendVariables(execId: number): Promise<void> {
    try {
      const variables = this.variables.read(await this.options.evaluator.globalLexicalNames());
      const stats = tensorStats();
      this.options.send({ type: 'variables', execId, variables, ...(stats && { tensors: stats }) });
    } catch (err) {
      this.reportBackgroundError(err);
    }
  }

  private sendStream(name: 'stdout' | 'stderr', text: string): void {
    const running = this.running;
    if (running) {
      if (running.streamBudget <= 0) return;
      const size = Buffer.byteLength(text);
      if (size > running.streamBudget) {
        text = `${truncateText(text, running.streamBudget)}\n[radnb: further output of this cell is left out; the limit is radnb.output.maxBytes]\n`;
      }
      running.streamBudget -= size;
    }
    this.options.send({ type: 'stream', execId: this.outputExecId, name, text });
  }

  private display(value: unknown, options?: DisplayOptions): DisplayHandle {
    const handle = displayHandle(options?.id ?? `radnb-display-${process.pid}-${++this.displayCount}`);
    this.sendDisplay(handle.id, value, false);
    return handle;
  }

  private update(handle: DisplayHandle | string, value: unknown): void {
    this.sendDisplay(typeof handle === 'string' ? handle : handle.id, value, true);
  }

  /** Sends synchronously when the value formats synchronously, so output order is kept. */
  private sendDisplay(displayId: string, value: unknown, update: boolean): void {
    const execId = this.outputExecId;
    const send = (bundle: WireBundle) => {
      this.streams.flush();
      this.options.send({ type: 'display', execId, displayId, bundle, update });
    };
    const onError = (err: unknown) => this.reportBackgroundError(err);
    try {
      const bundle = toMimeBundle(value);
      if (bundle instanceof Promise) bundle.then((b) => send(toWireBundle(b, this.options.maxOutputBytes)), onError);
      else send(toWireBundle(bundle, this.options.maxOutputBytes));
    } catch (err) {
      onError(err);
    }
  }

  private async wire(value: unknown): Promise<WireBundle> {
    return toWireBundle(await toMimeBundle(value), this.options.maxOutputBytes);
  }

  private cellError(err: unknown): CellError {
    if (err instanceof Error) {
      const stack = this.mapper.mapStack(err.stack ?? `${err.name}: ${err.message}`);
      return { name: err.name, message: err.message, stack };
    }
    return { name: 'Error', message: `Uncaught ${textOf(err)}`, stack: '' };
  }
}
