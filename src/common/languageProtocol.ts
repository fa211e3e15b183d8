// Messages between the extension host and the language-service worker thread (src/language/worker.ts).
// The worker keeps one NotebookLanguageService per open notebook; type checking runs there so that a
// slow check never stalls the editor.
import type {
  CellCompletions,
  CellDiagnostic,
  CellPosition,
  CellText,
  CodeLocation,
  CompletionDetails,
  Highlight,
  QuickInfo,
  SignatureHelp,
} from './cellLanguage';

interface At {
  notebook: string;
  cellId: string;
  at: CellPosition;
}

/** Each method's parameters and result. */
export interface LanguageMethods {
  /** Starts serving a notebook (its file decides where imports resolve and which tsconfig.json applies). */
  open: { params: { notebook: string; notebookFile: string; checkTypes: boolean }; result: { configErrors: string[] } };
  /** The code cells in document order; `changed` holds the text of new and edited cells only. */
  update: { params: { notebook: string; order: string[]; changed: CellText[] }; result: void };
  close: { params: { notebook: string }; result: void };
  /** Switches diagnostics of a notebook on or off (the radnb.typeCheck.enabled setting). */
  setTypeChecking: { params: { notebook: string; enabled: boolean }; result: void };
  completions: { params: At & { triggerCharacter?: string }; result: CellCompletions };
  completionDetails: {
    params: At & { name: string; source?: string; data?: unknown };
    result: CompletionDetails | undefined;
  };
  quickInfo: { params: At; result: QuickInfo | undefined };
  signatureHelp: { params: At & { triggerCharacter?: string }; result: SignatureHelp | undefined };
  definition: { params: At; result: CodeLocation[] };
  highlights: { params: At; result: Highlight[] };
}

export type LanguageMethod = keyof LanguageMethods;

export interface LanguageRequest<M extends LanguageMethod = LanguageMethod> {
  id: number;
  method: M;
  params: LanguageMethods[M]['params'];
  /** For updates: the value the host wrote into the UPDATE_GENERATION slot just before sending it. */
  generation?: number;
  /** Counted in the REQUESTS_SENT slot: someone waits for this answer. */
  awaited?: boolean;
}

export type LanguageResponse = { id: number; result: unknown } | { id: number; error: string };

/** The diagnostics of some cells, sent whenever a check of them finishes. */
export interface DiagnosticsEvent {
  event: 'diagnostics';
  notebook: string;
  cells: { cellId: string; diagnostics: CellDiagnostic[] }[];
}

export type WorkerMessage = LanguageResponse | DiagnosticsEvent;

/** What the host hands the worker when it starts it. */
export interface LanguageWorkerData {
  /** radnb's installation folder. */
  installDir: string;
  /** Int32Array slots (UPDATE_GENERATION, REQUESTS_SENT) the host writes. */
  flags: SharedArrayBuffer;
}

/** Slot of the shared Int32Array the host bumps on every update, so a check in progress stops early. */
export const UPDATE_GENERATION = 0;
/** Slot the host bumps on every request it sends: a check gives way to a request that waits for an answer. */
export const REQUESTS_SENT = 1;
