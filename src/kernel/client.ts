// The parent side of a kernel: starts the kernel child process, sends cells, relays their output and
// reports how the process ended. Used by the VS Code extension and by the headless runner alike; it
// loads nothing but Node built-ins, so tfjs never enters the extension host.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Writable } from 'node:stream';
import {
  INTERRUPT_BYTE,
  type BackendMessage,
  type CompleteReply,
  type DatasetMessage,
  type ExecuteResult,
  type InspectReply,
  type KernelMessage,
  type KernelRequest,
  type LogMessage,
  type VariablesMessage,
  type WireBundle,
} from '../common/kernelProtocol';

export interface KernelClientOptions {
  /** Node.js executable; default `node` from PATH. */
  nodePath?: string;
  /** Working directory of the kernel; imports resolve from here first. */
  notebookDir: string;
  maxOldSpaceSizeMb?: number;
  maxOutputBytes?: number;
  /** tfjs backend to force ('auto' picks the fastest). */
  backend?: string;
  /** Let identifying DICOM values (patient name, IDs…) into outputs; off by default. */
  allowIdentifiers?: boolean;
  env?: NodeJS.ProcessEnv;
  /** The built kernel entry (out/kernel/main.js). */
  kernelScript?: string;
  startTimeoutMs?: number;
  /** Start the kernel in a process group of its own, out of reach of signals sent to the client's group
   *  (a Jupyter client interrupts by SIGINT to the group: the client passes it on through the pipe). */
  ownProcessGroup?: boolean;
}

export interface ExecutionHandlers {
  onStream?(name: 'stdout' | 'stderr', text: string): void;
  onDisplay?(displayId: string, bundle: WireBundle, update: boolean): void;
  /** The cell asked to remove its outputs so far (`wait`: when the next output arrives). */
  onClear?(wait: boolean): void;
}

export class KernelStartError extends Error {
  override name = 'KernelStartError';
}

/** The kernel process ended while a cell ran: its variables are gone, the notebook is not. */
export class KernelDiedError extends Error {
  override name = 'KernelDiedError';
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
  ) {
    super(message);
  }
}

const DEFAULT_KERNEL_SCRIPT = path.resolve(__dirname, '..', '..', 'out', 'kernel', 'main.js');
const STDERR_TAIL = 8192;

interface Pending {
  id: number;
  handlers: ExecutionHandlers;
  resolve(result: ExecuteResult): void;
  reject(err: Error): void;
}

/** A completion or inspection waiting for its reply. */
interface PendingLookup {
  resolve(reply: CompleteReply | InspectReply): void;
  reject(err: Error): void;
}

export class KernelClient {
  private nextId = 1;
  private pending: Pending | undefined;
  private readonly lookups = new Map<number, PendingLookup>();
  private lastExecId = 0;
  private stderrTail = '';
  private killReason: string | undefined;
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitListeners: ((description: string) => void)[] = [];
  private readonly backendListeners: ((backend: BackendMessage) => void)[] = [];
  private readonly logListeners: ((message: LogMessage) => void)[] = [];
  private readonly datasetListeners: ((message: DatasetMessage) => void)[] = [];
  private readonly variablesListeners: ((message: VariablesMessage) => void)[] = [];
  /** The most recently reported tfjs backend, once a cell has loaded tfjs. */
  backend: BackendMessage | undefined;
  /** The top-level variables after the last cell that finished (none before the first). */
  variables: VariablesMessage | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly options: KernelClientOptions,
  ) {}

  static start(options: KernelClientOptions): Promise<KernelClient> {
    const nodePath = options.nodePath || 'node';
    const args = ['--no-force-async-hooks-checks'];
    if (options.maxOldSpaceSizeMb) args.push(`--max-old-space-size=${Math.round(options.maxOldSpaceSizeMb)}`);
    args.push(options.kernelScript ?? DEFAULT_KERNEL_SCRIPT);
    const child = spawn(nodePath, args, {
      cwd: options.notebookDir,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'],
      serialization: 'advanced',
      detached: options.ownProcessGroup === true,
      env: {
        ...process.env,
        ...options.env,
        RADNB_NOTEBOOK_DIR: options.notebookDir,
        RADNB_BACKEND: options.backend ?? 'auto',
        RADNB_ALLOW_IDENTIFIERS: options.allowIdentifiers ? '1' : '0',
        ...(options.maxOutputBytes && { RADNB_MAX_OUTPUT_BYTES: String(options.maxOutputBytes) }),
      },
    });
    // The interrupt pipe can be reset as the kernel exits; the exit itself is reported through 'exit'.
    (child.stdio[4] as Writable | null)?.on('error', () => undefined);
    const client = new KernelClient(child, options);
    return client.waitReady(nodePath, options.startTimeoutMs ?? 20_000);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  execute(code: string, cellName: string, handlers: ExecutionHandlers = {}): Promise<ExecuteResult> {
    if (this.exited)
      return Promise.reject(
        new KernelDiedError(`The kernel has ended (${this.describeExit()}).`, this.exited.code, this.exited.signal),
      );
    if (this.pending) return Promise.reject(new Error('The kernel is already running a cell'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending = { id, handlers, resolve, reject };
      this.lastExecId = id;
      this.send({ type: 'execute', id, code, cellName });
    });
  }

  /** Names that complete `code` at `cursor` (a UTF-16 offset), from the kernel's live values. */
  complete(code: string, cursor: number): Promise<CompleteReply> {
    return this.lookup({ type: 'complete', id: this.nextId++, code, cursor }) as Promise<CompleteReply>;
  }

  /** A description of the live value named at `cursor`. */
  inspect(code: string, cursor: number): Promise<InspectReply> {
    return this.lookup({ type: 'inspect', id: this.nextId++, code, cursor }) as Promise<InspectReply>;
  }

  private lookup(
    request: Extract<KernelRequest, { type: 'complete' | 'inspect' }>,
  ): Promise<CompleteReply | InspectReply> {
    if (this.exited)
      return Promise.reject(
        new KernelDiedError(`The kernel has ended (${this.describeExit()}).`, this.exited.code, this.exited.signal),
      );
    return new Promise((resolve, reject) => {
      this.lookups.set(request.id, { resolve, reject });
      this.send(request);
    });
  }

  /** Gives the notebook its run's parameters (`param(name, fallback)` in cells), before its first cell. */
  async setParams(params: Record<string, unknown>): Promise<void> {
    if (Object.keys(params).length === 0) return;
    const injected = await this.execute(`Object.assign(params, ${JSON.stringify(params)});`, 'Parameters');
    if (injected.status !== 'ok') throw new Error(`could not set the parameters: ${injected.error?.message}`);
  }

  /** Asks the kernel to stop the running cell; variables are kept. */
  interrupt(): void {
    (this.child.stdio[4] as Writable | null)?.write(Buffer.from([INTERRUPT_BYTE]));
  }

  onExit(listener: (description: string) => void): void {
    this.exitListeners.push(listener);
  }

  onBackend(listener: (backend: BackendMessage) => void): void {
    this.backendListeners.push(listener);
  }

  /** Metrics a cell logged with `log()`, for experiment records. */
  onLog(listener: (message: LogMessage) => void): void {
    this.logListeners.push(listener);
  }

  /** Data files a cell registered with `registerDataset()`, for experiment records. */
  onDataset(listener: (message: DatasetMessage) => void): void {
    this.datasetListeners.push(listener);
  }

  /** The top-level variables, after each cell's result. */
  onVariables(listener: (message: VariablesMessage) => void): void {
    this.variablesListeners.push(listener);
  }

  /** Ends the kernel: politely first, then by force. */
  async shutdown(graceMs = 1000): Promise<void> {
    if (this.exited) return;
    const ended = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.send({ type: 'shutdown' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await ended;
    clearTimeout(timer);
  }

  /** Ends the kernel at once; `reason` is what a cell still running is told. */
  kill(reason?: string): void {
    if (this.exited) return;
    this.killReason = reason;
    this.child.kill('SIGKILL');
  }

  private send(request: KernelRequest): void {
    if (this.child.connected) this.child.send(request);
  }

  private waitReady(nodePath: string, timeoutMs: number): Promise<KernelClient> {
    const child = this.child;
    return new Promise((resolve, reject) => {
      const fail = (message: string) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new KernelStartError(message));
      };
      const timer = setTimeout(
        () => fail(`The radnb kernel did not start within ${timeoutMs / 1000} s (${nodePath}).${this.stderrHint()}`),
        timeoutMs,
      );
      child.once('error', (err: NodeJS.ErrnoException) => {
        fail(
          err.code === 'ENOENT'
            ? `Cannot start the radnb kernel: Node.js was not found at '${nodePath}'. Install Node.js 20 or newer, or set radnb.kernel.nodePath.`
            : `Cannot start the radnb kernel with '${nodePath}': ${err.message}`,
        );
      });
      child.stderr?.on('data', (chunk: Buffer) => this.onRawOutput('stderr', chunk));
      child.stdout?.on('data', (chunk: Buffer) => this.onRawOutput('stdout', chunk));
      child.on('message', (message: KernelMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(this);
        } else {
          this.onMessage(message);
        }
      });
      child.once('exit', (code, signal) => {
        this.exited = { code, signal };
        clearTimeout(timer);
        reject(
          new KernelStartError(`The radnb kernel exited while starting (${this.describeExit()}).${this.stderrHint()}`),
        );
        this.onExitDuringUse();
      });
    });
  }

  private onMessage(message: KernelMessage): void {
    const pending = this.pending;
    switch (message.type) {
      case 'stream':
        if (pending && message.execId === pending.id) pending.handlers.onStream?.(message.name, message.text);
        break;
      case 'display':
        if (pending && message.execId === pending.id)
          pending.handlers.onDisplay?.(message.displayId, message.bundle, message.update);
        break;
      case 'clear':
        if (pending && message.execId === pending.id) pending.handlers.onClear?.(message.wait);
        break;
      case 'result':
        if (pending && message.execId === pending.id) {
          this.pending = undefined;
          pending.resolve(message);
        }
        break;
      case 'backend':
        this.backend = message;
        for (const listener of this.backendListeners) listener(message);
        break;
      case 'log':
        for (const listener of this.logListeners) listener(message);
        break;
      case 'dataset':
        for (const listener of this.datasetListeners) listener(message);
        break;
      case 'variables':
        this.variables = message;
        for (const listener of this.variablesListeners) listener(message);
        break;
      case 'complete':
      case 'inspect':
        this.lookups.get(message.id)?.resolve(message);
        this.lookups.delete(message.id);
        break;
    }
  }

  /** Output written below Node's streams (native libraries) still belongs to the running cell. */
  private onRawOutput(name: 'stdout' | 'stderr', chunk: Buffer): void {
    // Node prints this on exit because the kernel holds an inspector session; it is not the user's output.
    const text = chunk.toString('utf8').replace(/^Waiting for the debugger to disconnect\.\.\.\n/m, '');
    if (!text) return;
    if (name === 'stderr') this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL);
    if (this.pending && this.lastExecId === this.pending.id) this.pending.handlers.onStream?.(name, text);
  }

  private onExitDuringUse(): void {
    const description = this.describeExit();
    for (const lookup of this.lookups.values())
      lookup.reject(
        new KernelDiedError(
          `The kernel has ended (${description}).`,
          this.exited?.code ?? null,
          this.exited?.signal ?? null,
        ),
      );
    this.lookups.clear();
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(
      new KernelDiedError(
        `The kernel died while running this cell (${description}). Its variables are lost; the notebook and its outputs are kept, and the next run starts a fresh kernel.`,
        this.exited?.code ?? null,
        this.exited?.signal ?? null,
      ),
    );
    for (const listener of this.exitListeners) listener(description);
  }

  private describeExit(): string {
    if (!this.exited) return 'running';
    if (this.killReason) return this.killReason;
    const { code, signal } = this.exited;
    if (/heap out of memory|Allocation failed/i.test(this.stderrTail)) {
      return `out of memory: the heap limit is ${this.options.maxOldSpaceSizeMb ?? "Node's default"} MiB, setting radnb.kernel.maxOldSpaceSizeMb`;
    }
    if (signal === 'SIGKILL') return 'killed by SIGKILL — by the system when memory runs out, or by a user';
    if (signal) return `signal ${signal}`;
    return `exit code ${code}`;
  }

  private stderrHint(): string {
    const tail = this.stderrTail.trim();
    return tail ? `\n${tail.split('\n').slice(-10).join('\n')}` : '';
  }
}
