// Messages between a kernel client (extension host or headless runner) and the kernel child process.
// They travel over Node's IPC channel with 'advanced' serialization, so binary output items stay bytes.
// Interrupts travel on a separate pipe (fd 4), because a kernel busy in a synchronous loop cannot read IPC.
import type { KernelVariable } from './variables';

/** A MIME bundle on the wire: text and JSON types as strings (JSON as text), binary types as bytes. */
export type WireBundle = Record<string, string | Uint8Array>;

export interface ExecuteRequest {
  type: 'execute';
  id: number;
  code: string;
  /** How frames and errors name the cell, e.g. "Cell 3". */
  cellName: string;
}

export interface ShutdownRequest {
  type: 'shutdown';
}

/** Names that complete the code before `cursor` (a UTF-16 offset), from the kernel's live values: for a
 *  front end without a language service (Jupyter). Answered by a CompleteReply with the same id. */
export interface CompleteRequest {
  type: 'complete';
  id: number;
  code: string;
  cursor: number;
}

/** What the name or member chain at `cursor` is, from its live value. Answered by an InspectReply. */
export interface InspectRequest {
  type: 'inspect';
  id: number;
  code: string;
  cursor: number;
}

export type KernelRequest = ExecuteRequest | ShutdownRequest | CompleteRequest | InspectRequest;

export interface ReadyMessage {
  type: 'ready';
  pid: number;
  nodeVersion: string;
}

export interface StreamMessage {
  type: 'stream';
  /** The execution that was running (or ran last) when the text was written. */
  execId: number;
  name: 'stdout' | 'stderr';
  text: string;
}

export interface DisplayMessage {
  type: 'display';
  execId: number;
  displayId: string;
  bundle: WireBundle;
  /** True when this replaces the output shown earlier under the same displayId. */
  update: boolean;
}

/** `display.clear(wait)` in a cell: remove the running cell's outputs, now or (wait) when the next arrives. */
export interface ClearMessage {
  type: 'clear';
  execId: number;
  wait: boolean;
}

export interface CellError {
  name: string;
  message: string;
  /** Stack with frames mapped to the cells' TypeScript lines ("Cell 3:5:7"). */
  stack: string;
}

export interface ExecuteResult {
  type: 'result';
  execId: number;
  status: 'ok' | 'error' | 'interrupted';
  /** Display of the cell's last expression, when it has a value. */
  value?: WireBundle;
  error?: CellError;
  durationMs: number;
  /** tfjs tensors alive after the cell, when tfjs is loaded. */
  tensors?: TensorStats;
}

export interface TensorStats {
  count: number;
  bytes: number;
  /** Tensors the cell left alive that were not there before it. */
  leaked: number;
}

/** What to tell a user whose cell left tensors alive, or undefined when it left none. */
export function leakWarning(cellName: string, tensors: TensorStats | undefined): string | undefined {
  if (!tensors || tensors.leaked <= 0) return undefined;
  return `${cellName} left ${tensors.leaked} more tensor${tensors.leaked === 1 ? '' : 's'} alive (${tensors.count} in all): keep the ones you need in variables and wrap temporary work in tf.tidy() or dispose() it.`;
}

export interface BackendMessage {
  type: 'backend';
  name: string;
  reason: string;
}

/** `log({ auc, loss }, step?)` in a cell: metrics for the experiment record. */
export interface LogMessage {
  type: 'log';
  execId: number;
  metrics: Record<string, number>;
  step?: number;
}

/** `registerDataset(path)` in a cell: a data file whose checksum belongs in the experiment record. */
export interface DatasetMessage {
  type: 'dataset';
  execId: number;
  /** Absolute path. */
  path: string;
}

/** The notebook's top-level variables, sent after each cell's result (the editor answers from the last one). */
export interface VariablesMessage {
  type: 'variables';
  execId: number;
  variables: KernelVariable[];
  /** All tfjs tensors alive, when tfjs is loaded. */
  tensors?: { count: number; bytes: number };
}

export interface CompleteReply {
  type: 'complete';
  id: number;
  /** Candidates for the text between `start` and `end` (UTF-16 offsets in the request's code). */
  matches: string[];
  start: number;
  end: number;
}

export interface InspectReply {
  type: 'inspect';
  id: number;
  /** False when nothing at the cursor names a live value. */
  found: boolean;
  /** Plain-text description: the expression, its type, and a preview of its value. */
  text: string;
}

export type KernelMessage =
  | ReadyMessage
  | StreamMessage
  | DisplayMessage
  | ClearMessage
  | ExecuteResult
  | BackendMessage
  | LogMessage
  | DatasetMessage
  | VariablesMessage
  | CompleteReply
  | InspectReply;

/** File descriptor of the interrupt pipe in the kernel process. */
export const INTERRUPT_FD = 4;
/** Byte written on the interrupt pipe to ask for an interrupt. */
export const INTERRUPT_BYTE = 0x49; // 'I'
