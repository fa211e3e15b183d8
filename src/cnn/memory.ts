// Tensor memory per cell: the kernel takes a snapshot before and after each cell and warns when a cell
// leaves tensors behind. Reads the engine tfjs keeps on globalThis, so a snapshot taken before any cell
// has loaded tfjs costs nothing and loads nothing.
import { formatBytes } from '../common/formatBytes';

export interface MemorySnapshot {
  /** Whether tfjs has been loaded in this process at all. */
  loaded: boolean;
  backend: string | null;
  numTensors: number;
  /** Bytes held by tensors (as tfjs counts them: all backends together). */
  numBytes: number;
}

export interface LeakReport {
  tensors: number;
  bytes: number;
  /** More tensors remain than before the cell. */
  leaked: boolean;
  /** A sentence for the cell's output or the status bar when it leaked; empty otherwise. */
  message: string;
}

interface EngineLike {
  backendName: string | null;
  memory(): { numTensors: number; numBytes: number };
}

function engine(): EngineLike | undefined {
  return (globalThis as { _tfengine?: EngineLike })._tfengine;
}

export function memorySnapshot(): MemorySnapshot {
  const e = engine();
  if (e === undefined) return { loaded: false, backend: null, numTensors: 0, numBytes: 0 };
  const { numTensors, numBytes } = e.memory();
  return { loaded: true, backend: e.backendName, numTensors, numBytes };
}

/** What a cell added between two snapshots. Tensors a cell keeps on purpose (a model, a dataset) count too. */
export function leakReport(before: MemorySnapshot, after: MemorySnapshot): LeakReport {
  const tensors = after.numTensors - before.numTensors;
  const bytes = after.numBytes - before.numBytes;
  const leaked = tensors > 0;
  const message = leaked
    ? `this cell left ${tensors} more tensor${tensors === 1 ? '' : 's'} (${formatBytes(bytes)}) allocated — ` +
      'if they are temporaries, wrap the code in tf.tidy() or call tf.dispose()'
    : '';
  return { tensors, bytes, leaked, message };
}
