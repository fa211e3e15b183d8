// The extension host's side of the language-service worker (src/language/worker.ts): started on first
// use, so activation stays fast; requests that take too long answer nothing rather than hold the editor;
// a worker that dies or stops answering is replaced, and the notebooks are handed to the new one.
import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import {
  REQUESTS_SENT,
  UPDATE_GENERATION,
  type DiagnosticsEvent,
  type LanguageMethod,
  type LanguageMethods,
  type LanguageRequest,
  type LanguageWorkerData,
  type WorkerMessage,
} from '../../common/languageProtocol';

/** Past this, an answer would arrive after the user moved on. */
const REQUEST_TIMEOUT_MS = 4_000;
/** A worker silent for this long while a request waits is stuck (a pathological type): it is replaced. */
const STUCK_MS = 20_000;
/** After this many replacements of a stuck worker the language service stays off until the next reload. */
const MAX_STUCK_RESTARTS = 3;

interface Pending {
  resolve(value: unknown): void;
  timer: NodeJS.Timeout;
  sentAt: number;
}

export class LanguageClient implements vscode.Disposable {
  private worker: Worker | undefined;
  private readonly flags = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * 4));
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private lastHeard = Date.now();
  private watchdog: NodeJS.Timeout | undefined;
  private readonly diagnosticsListeners: ((event: DiagnosticsEvent) => void)[] = [];
  private readonly restartListeners: (() => void)[] = [];
  private disposed = false;
  private stuckRestarts = 0;

  constructor(
    private readonly workerScript: string,
    private readonly installDir: string,
    private readonly log: (message: string) => void,
  ) {}

  onDiagnostics(listener: (event: DiagnosticsEvent) => void): void {
    this.diagnosticsListeners.push(listener);
  }

  /** Called after a new worker replaced one that died: it knows no notebook yet. */
  onRestart(listener: () => void): void {
    this.restartListeners.push(listener);
  }

  /** Sends without waiting for the answer (open, update, close): the worker handles messages in order. */
  notify<M extends LanguageMethod>(method: M, params: LanguageMethods[M]['params']): void {
    // Bumped before the update is sent, so a check in progress can stop as soon as it is stale.
    const generation = method === 'update' ? Atomics.add(this.flags, UPDATE_GENERATION, 1) + 1 : undefined;
    this.send({ id: this.nextId++, method, params, ...(generation !== undefined && { generation }) });
  }

  /** The answer, or undefined when the worker failed or did not answer in time. */
  request<M extends LanguageMethod>(
    method: M,
    params: LanguageMethods[M]['params'],
  ): Promise<LanguageMethods[M]['result'] | undefined> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(undefined);
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, timer, sentAt: Date.now() });
      Atomics.add(this.flags, REQUESTS_SENT, 1);
      this.send({ id, method, params, awaited: true });
    });
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.watchdog);
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private send(request: LanguageRequest): void {
    if (this.disposed || this.stuckRestarts >= MAX_STUCK_RESTARTS) return;
    this.ensureWorker().postMessage(request);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const data: LanguageWorkerData = { installDir: this.installDir, flags: this.flags.buffer as SharedArrayBuffer };
    const worker = new Worker(this.workerScript, { workerData: data });
    worker.unref();
    worker.on('message', (message: WorkerMessage) => this.onMessage(message));
    worker.on('error', (error) => this.log(`language service failed: ${error.stack ?? error.message}`));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.log(`language service ended (exit code ${code}); starting a new one`);
      this.replaceWorker();
    });
    this.worker = worker;
    this.lastHeard = Date.now();
    this.watchdog ??= setInterval(() => this.checkStuck(), 1000).unref();
    return worker;
  }

  private onMessage(message: WorkerMessage): void {
    this.lastHeard = Date.now();
    if ('event' in message) {
      for (const listener of this.diagnosticsListeners) listener(message);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if ('error' in message) {
      this.log(`language service: ${message.error}`);
      pending.resolve(undefined);
    } else {
      pending.resolve(message.result);
    }
  }

  private checkStuck(): void {
    const oldest = Math.min(...[...this.pending.values()].map((p) => p.sentAt));
    if (this.worker && Number.isFinite(oldest) && Date.now() - Math.max(oldest, this.lastHeard) > STUCK_MS) {
      this.stuckRestarts++;
      const givingUp = this.stuckRestarts >= MAX_STUCK_RESTARTS;
      this.log(
        `language service did not answer for ${STUCK_MS / 1000} s; ${givingUp ? 'it stays off until the window reloads' : 'starting a new one'}`,
      );
      this.replaceWorker();
    }
  }

  private replaceWorker(): void {
    const old = this.worker;
    this.worker = undefined;
    void old?.terminate();
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.resolve(undefined);
      this.pending.delete(id);
    }
    if (this.disposed) return;
    for (const listener of this.restartListeners) listener();
  }
}
