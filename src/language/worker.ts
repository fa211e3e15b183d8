// The language-service worker thread of the extension host: one NotebookLanguageService per open notebook,
// sharing parsed libraries. Requests are answered in arrival order; type checks run between them, the
// edited cell first, then the cells below it (the only ones an edit can change).
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import ts from 'typescript';
import type { CellDiagnostic, CellText } from '../common/cellLanguage';
import {
  REQUESTS_SENT,
  UPDATE_GENERATION,
  type LanguageMethod,
  type LanguageMethods,
  type LanguageRequest,
  type LanguageWorkerData,
  type WorkerMessage,
} from '../common/languageProtocol';
import { radnbTypesAt } from './compilerOptions';
import { NotebookLanguageService } from './notebookLanguageService';
import { SHORTEST_TYPING_PAUSE_MS, typingPauseMs } from './typingPause';

/** A request taking longer than this is abandoned (its answer would come too late to help). */
const REQUEST_BUDGET_MS = 5_000;
/** A cell whose check takes longer than this is reported as too slow to check, and skipped. */
const CHECK_BUDGET_MS = 10_000;

interface OpenNotebook {
  service: NotebookLanguageService;
  texts: Map<string, string>;
  order: string[];
  checkTypes: boolean;
  /** Index of the first cell whose diagnostics may be out of date, if any. */
  staleFrom: number | undefined;
  /** Edited cells, checked before the rest: their errors are the ones a user is waiting for. */
  urgent: string[];
  /** Cells checked since the last edit that could change them. */
  fresh: Set<string>;
}

class LanguageWorker {
  private readonly notebooks = new Map<string, OpenNotebook>();
  private readonly registry = ts.createDocumentRegistry();
  private readonly flags: Int32Array;
  /** The stop condition of the operation running now. */
  private stopWhen: () => boolean = () => false;
  private checking = false;
  /** The UPDATE_GENERATION of the last update applied: a higher one in the flags means an update is on its way. */
  private appliedGeneration = 0;
  /** Awaited requests answered; fewer than REQUESTS_SENT means one is waiting. */
  private requestsAnswered = 0;
  private lastUpdateAt = 0;
  /** Checks wait for this pause in typing (typingPauseMs). */
  private checkPauseMs = SHORTEST_TYPING_PAUSE_MS;

  constructor(
    private readonly data: LanguageWorkerData,
    private readonly post: (message: WorkerMessage) => void,
  ) {
    // Fresh for each worker: the host's counts start from 0, as these do.
    this.flags = new Int32Array(data.flags);
  }

  handle(request: LanguageRequest): void {
    if (request.awaited) this.requestsAnswered++;
    try {
      const result = this.run(request);
      this.post({ id: request.id, result });
    } catch (error) {
      const message =
        error instanceof ts.OperationCanceledException
          ? 'cancelled: it took too long'
          : String((error as Error)?.stack ?? error);
      this.post({ id: request.id, error: message });
    }
    this.scheduleChecks();
  }

  private run(request: LanguageRequest): unknown {
    const m = request as { [M in LanguageMethod]: { method: M; params: LanguageMethods[M]['params'] } }[LanguageMethod];
    switch (m.method) {
      case 'open':
        return this.open(m.params);
      case 'update':
        this.appliedGeneration = request.generation ?? this.appliedGeneration;
        this.checkPauseMs = typingPauseMs(Date.now() - this.lastUpdateAt);
        this.lastUpdateAt = Date.now();
        return this.update(m.params.notebook, m.params.order, m.params.changed);
      case 'close':
        this.notebooks.get(m.params.notebook)?.service.dispose();
        this.notebooks.delete(m.params.notebook);
        return undefined;
      case 'setTypeChecking': {
        const notebook = this.notebook(m.params.notebook);
        notebook.checkTypes = m.params.enabled;
        notebook.staleFrom = m.params.enabled ? 0 : undefined;
        notebook.fresh.clear();
        if (!m.params.enabled)
          this.post({
            event: 'diagnostics',
            notebook: m.params.notebook,
            cells: notebook.order.map((cellId) => ({ cellId, diagnostics: [] })),
          });
        return undefined;
      }
      case 'completions':
        return this.withBudget(() =>
          this.service(m.params.notebook).completions(m.params.cellId, m.params.at, m.params.triggerCharacter),
        );
      case 'completionDetails':
        return this.withBudget(() =>
          this.service(m.params.notebook).completionDetails(
            m.params.cellId,
            m.params.at,
            m.params.name,
            m.params.source,
            m.params.data,
          ),
        );
      case 'quickInfo':
        return this.withBudget(() => this.service(m.params.notebook).quickInfo(m.params.cellId, m.params.at));
      case 'signatureHelp':
        return this.withBudget(() =>
          this.service(m.params.notebook).signatureHelp(m.params.cellId, m.params.at, m.params.triggerCharacter),
        );
      case 'definition':
        return this.withBudget(() => this.service(m.params.notebook).definition(m.params.cellId, m.params.at));
      case 'highlights':
        return this.withBudget(() => this.service(m.params.notebook).highlights(m.params.cellId, m.params.at));
    }
  }

  private open({
    notebook,
    notebookFile,
    checkTypes,
  }: LanguageMethods['open']['params']): LanguageMethods['open']['result'] {
    this.notebooks.get(notebook)?.service.dispose();
    const service = new NotebookLanguageService({
      ts,
      notebookFile: path.resolve(notebookFile),
      radnb: radnbTypesAt(this.data.installDir),
      registry: this.registry,
      isCancelled: () => this.stopWhen(),
    });
    this.notebooks.set(notebook, {
      service,
      texts: new Map(),
      order: [],
      checkTypes,
      staleFrom: checkTypes ? 0 : undefined,
      urgent: [],
      fresh: new Set(),
    });
    return { configErrors: service.settings.configErrors };
  }

  private update(key: string, order: string[], changed: CellText[]): void {
    const notebook = this.notebook(key);
    for (const cell of changed) notebook.texts.set(cell.id, cell.text);
    const changedIds = new Set(changed.map((c) => c.id));
    let first = order.findIndex((id, i) => changedIds.has(id) || notebook.order[i] !== id);
    if (first < 0 && order.length !== notebook.order.length) first = order.length;
    for (const id of [...notebook.texts.keys()]) if (!order.includes(id)) notebook.texts.delete(id);
    notebook.order = order;
    notebook.service.update(order.map((id) => ({ id, text: notebook.texts.get(id) ?? '' })));
    if (!notebook.checkTypes || first < 0 || first >= order.length) return;
    notebook.staleFrom = Math.min(notebook.staleFrom ?? first, first);
    for (const id of order.slice(first)) notebook.fresh.delete(id);
    notebook.urgent = [...new Set([...changed.map((c) => c.id), ...notebook.urgent])].filter((id) =>
      order.includes(id),
    );
  }

  private notebook(key: string): OpenNotebook {
    const notebook = this.notebooks.get(key);
    if (!notebook) throw new Error(`notebook ${key} is not open in the language service`);
    return notebook;
  }

  private service(key: string): NotebookLanguageService {
    return this.notebook(key).service;
  }

  private withBudget<T>(work: () => T): T {
    const deadline = Date.now() + REQUEST_BUDGET_MS;
    this.stopWhen = () => Date.now() > deadline;
    try {
      return work();
    } finally {
      this.stopWhen = () => false;
    }
  }

  /** Checks one stale cell per turn of the event loop, so requests that arrive meanwhile are answered first. */
  private scheduleChecks(): void {
    if (this.checking || this.somethingWaits()) return;
    const next = [...this.notebooks].find(([, n]) => n.staleFrom !== undefined);
    if (!next) return;
    this.checking = true;
    const check = () => {
      this.checking = false;
      const pause = Date.now() - this.lastUpdateAt;
      if (pause < this.checkPauseMs) {
        this.checking = true;
        setTimeout(check, this.checkPauseMs - pause);
        return;
      }
      this.checkOne(next[0], next[1]);
      this.scheduleChecks();
    };
    setImmediate(check);
  }

  private nextToCheck(notebook: OpenNotebook): string | undefined {
    const urgent = notebook.urgent.shift();
    if (urgent !== undefined && !notebook.fresh.has(urgent)) return urgent;
    while (notebook.staleFrom !== undefined && notebook.staleFrom < notebook.order.length) {
      const id = notebook.order[notebook.staleFrom];
      if (!notebook.fresh.has(id)) return id;
      notebook.staleFrom++;
    }
    return undefined;
  }

  private updatePending(): boolean {
    return Atomics.load(this.flags, UPDATE_GENERATION) !== this.appliedGeneration;
  }

  /** An update or a request waits behind the check that is running: the check gives way. */
  private somethingWaits(): boolean {
    return this.updatePending() || Atomics.load(this.flags, REQUESTS_SENT) !== this.requestsAnswered;
  }

  private checkOne(key: string, notebook: OpenNotebook): void {
    // With an update or a request on its way, it goes first: handling it schedules the checks again.
    if (notebook.staleFrom === undefined || this.somethingWaits()) return;
    const cellId = this.nextToCheck(notebook);
    if (cellId === undefined) {
      notebook.staleFrom = undefined;
      return;
    }
    const deadline = Date.now() + CHECK_BUDGET_MS;
    let timedOut = false;
    this.stopWhen = () => this.somethingWaits() || (timedOut = Date.now() > deadline);
    let diagnostics: CellDiagnostic[];
    try {
      diagnostics = notebook.service.diagnostics(cellId);
    } catch (error) {
      // An edit or a request arrived: the cell is checked again once it is handled.
      if (error instanceof ts.OperationCanceledException && !timedOut) {
        if (notebook.fresh.has(cellId) === false) notebook.urgent.unshift(cellId);
        return;
      }
      diagnostics = [
        notChecked(
          cellId,
          timedOut
            ? `radnb stopped type-checking this cell after ${CHECK_BUDGET_MS / 1000} s`
            : `radnb could not type-check this cell (${String(error)})`,
        ),
      ];
    } finally {
      this.stopWhen = () => false;
    }
    notebook.fresh.add(cellId);
    this.post({ event: 'diagnostics', notebook: key, cells: [{ cellId, diagnostics }] });
  }
}

function notChecked(cellId: string, why: string): CellDiagnostic {
  return {
    cellId,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    message: `${why}; running it is not affected.`,
    severity: 'info',
    code: 0,
  };
}

if (parentPort) {
  const port = parentPort;
  const worker = new LanguageWorker(workerData as LanguageWorkerData, (message) => port.postMessage(message));
  port.on('message', (request: LanguageRequest) => worker.handle(request));
}
