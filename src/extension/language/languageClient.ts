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

export interface LanguageClientTimes {
  /** Past this, an answer would arrive after the user moved on. */
  requestTimeoutMs: number;
  /** A worker silent for this long while a request waits is stuck (a pathological type): it is replaced. */
  stuckMs: number;
}

const TIMES: LanguageClientTimes = { requestTimeoutMs: 4_000, stuckMs: 20_000 };
/** After this many replacements (stuck or crashed) within RESTART_WINDOW_MS the language service stays off
 *  until the window reloads: a notebook that brings the worker down every time must not loop. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 10 * 60_000;
/** A heap limit of its own, so a runaway type runs the worker out of memory rather than the extension host. */
const WORKER_HEAP_MB = 2048;

interface Pending {
  resolve(value: unknown): void;
  timer: NodeJS.Timeout;
}

export class LanguageClient implements vscode.Disposable {
  private worker: Worker | undefined;
  /** Shared with the worker; each worker gets fresh ones, so both sides count from 0. */
  private flags = newFlags();
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** When each request still unanswered was sent, also after its caller stopped waiting (to see a stuck worker). */
  private readonly unanswered = new Map<number, number>();
  private lastHeard = Date.now();
  private watchdog: NodeJS.Timeout | undefined;
  private readonly diagnosticsListeners: ((event: DiagnosticsEvent) => void)[] = [];
  private readonly restartListeners: (() => void)[] = [];
  private disposed = false;
  private restarts: number[] = [];
  private gaveUp = false;

  constructor(
    private readonly workerScript: string,
    private readonly installDir: string,
    private readonly log: (message: string) => void,
    private readonly times: LanguageClientTimes = TIMES,
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
    this.send({ id: this.nextId++, method, params }, method === 'update' ? 'update' : 'notice');
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
      }, this.times.requestTimeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, timer });
      this.send({ id, method, params, awaited: true }, 'request');
    });
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.watchdog);
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private send(request: LanguageRequest, kind: 'update' | 'request' | 'notice'): void {
    if (this.disposed || this.gaveUp) return;
    const worker = this.ensureWorker();
    // Counted before the message is sent, so a check in progress can stop as soon as something waits.
    if (kind === 'update') request.generation = Atomics.add(this.flags, UPDATE_GENERATION, 1) + 1;
    if (kind === 'request') {
      Atomics.add(this.flags, REQUESTS_SENT, 1);
      this.unanswered.set(request.id, Date.now());
    }
    worker.postMessage(request);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    this.flags = newFlags();
    const data: LanguageWorkerData = { installDir: this.installDir, flags: this.flags.buffer as SharedArrayBuffer };
    const worker = new Worker(this.workerScript, {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    worker.unref();
    worker.on('message', (message: WorkerMessage) => this.onMessage(message));
    worker.on('error', (error) => this.log(`language service failed: ${error.stack ?? error.message}`));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.log(`language service ended (exit code ${code})`);
      this.replaceWorker();
    });
    this.worker = worker;
    this.lastHeard = Date.now();
    this.watchdog ??= setInterval(() => this.checkStuck(), Math.min(1000, this.times.stuckMs / 4)).unref();
    return worker;
  }

  private onMessage(message: WorkerMessage): void {
    this.lastHeard = Date.now();
    if ('event' in message) {
      for (const listener of this.diagnosticsListeners) listener(message);
      return;
    }
    this.unanswered.delete(message.id);
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
    const oldest = Math.min(...this.unanswered.values());
    if (this.worker && Number.isFinite(oldest) && Date.now() - Math.max(oldest, this.lastHeard) > this.times.stuckMs) {
      this.log(`language service did not answer for ${this.times.stuckMs / 1000} s`);
      this.replaceWorker();
    }
  }

  private replaceWorker(): void {
    const old = this.worker;
    this.worker = undefined;
    void old?.terminate();
    this.unanswered.clear();
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.resolve(undefined);
      this.pending.delete(id);
    }
    if (this.disposed) return;
    const now = Date.now();
    this.restarts = [...this.restarts.filter((at) => now - at < RESTART_WINDOW_MS), now];
    if (this.restarts.length > MAX_RESTARTS) {
      this.gaveUp = true;
      this.log(
        `language service ended ${this.restarts.length} times in ${RESTART_WINDOW_MS / 60_000} minutes; it stays off until the window reloads`,
      );
      return;
    }
    this.log('starting a new language service');
    for (const listener of this.restartListeners) listener();
  }
}

function newFlags(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * 4));
}
