// Starts the wasm backend's multi-threaded build (XNNPACK on a pthread pool) in Node. tfjs only does so in
// browsers: its loader hands Emscripten a Blob URL for the pthread worker script, which Node's
// worker_threads cannot open, and XNNPACK caps its pool at half the logical cores (it assumes two
// hyper-threads per core, so a 2-vCPU machine gets one thread). Here the worker script is a file, the main
// script is the package's own file, and XNNPACK is told the real core count.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as wasmPackage from '@tensorflow/tfjs-backend-wasm';
import type { Tfjs } from './backendProbes';

/** XNNPACK's pool never exceeds the 8 workers the build creates up front. */
const MAX_THREADS = 8;
/** Emscripten waits for every worker to load before it resolves; a broken worker would hang it forever. */
const START_TIMEOUT_MS = 20_000;
/** The wasm backend's registry priority in tfjs (kept, so that automatic selection is unchanged). */
const WASM_PRIORITY = 2;

type EmscriptenModule = {
  cwrap(name: string, returns: string | null, args: string[]): (...args: number[]) => number;
  tfjs?: Record<string, unknown>;
  PThread: { runningWorkers: Array<{ unref(): void }>; unusedWorkers: Array<{ terminate(): void }> };
};
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;
type WasmImports = { env: Record<string, unknown> };

export interface ThreadedWasm {
  threads: number;
}

let started: Promise<ThreadedWasm> | undefined;

/**
 * How many threads to give XNNPACK: RADNB_WASM_THREADS when set (1 keeps the single-threaded build),
 * otherwise every core this process may use, as PyTorch does.
 */
export function wantedThreads(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number.parseInt(env.RADNB_WASM_THREADS ?? '', 10);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(MAX_THREADS, Number.isFinite(asked) ? asked : cores));
}

/**
 * Replaces tfjs' 'wasm' backend factory with one on the threaded build (unless one thread is wanted). Once
 * per process: later calls return the first outcome. Rejects (and leaves the package's single-threaded factory in place) when
 * the threaded build cannot start; the caller reports why.
 */
export function startThreadedWasm(tf: Tfjs, wasm: typeof wasmPackage): Promise<ThreadedWasm> {
  started ??= start(tf, wasm);
  return started;
}

async function start(tf: Tfjs, wasm: typeof wasmPackage): Promise<ThreadedWasm> {
  const threads = wantedThreads();
  if (threads === 1) return { threads };
  const outDir = path.dirname(
    require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'),
  );
  const mainScript = path.join(outDir, 'tfjs-backend-wasm-threaded-simd.js');
  const binary = readFileSync(path.join(outDir, 'tfjs-backend-wasm-threaded-simd.wasm'));
  const workerScript = writeWorkerScript(outDir);
  const factory = require(mainScript) as Factory;
  const module = await withoutProcessHooks(() =>
    withTimeout(
      factory({
        locateFile: (file: string) => (file.endsWith('.worker.js') ? workerScript : path.join(outDir, file)),
        // each pthread worker evaluates this file to define the module factory
        mainScriptUrlOrBlob: mainScript,
        instantiateWasm(
          imports: WasmImports,
          receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
        ) {
          // the C side halves this number; doubling it makes the pool one thread per core
          imports.env.emscripten_num_logical_cores = () => 2 * threads;
          WebAssembly.instantiate(binary, imports as WebAssembly.Imports).then((r) => receive(r.instance, r.module));
          return {};
        },
      }),
      START_TIMEOUT_MS,
      `its ${MAX_THREADS} worker threads did not start within ${START_TIMEOUT_MS / 1000} s`,
    ),
  );
  // the bridge tfjs' own loader adds (backend_wasm.ts): the C functions BackendWasm calls
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  wasm.setThreadsCount(threads);
  if (tf.findBackendFactory('wasm') !== undefined) tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    () => {
      const backend = new wasm.BackendWasm(module as never); // starts XNNPACK's pool
      // pool threads wait for work forever: they must not keep the process alive once its work is done
      for (const worker of module.PThread.runningWorkers) worker.unref();
      // the build loads 8 workers up front; XNNPACK's pool took what it needs and never asks for more, and each
      // idle worker holds ~17 MB (a V8 isolate and the module's script)
      for (const worker of module.PThread.unusedWorkers.splice(0)) worker.terminate();
      return backend;
    },
    WASM_PRIORITY,
  );
  return { threads };
}

/** tfjs ships the pthread worker as a string in a module; Node needs it as a file. Written once per version. */
function writeWorkerScript(outDir: string): string {
  const { wasmWorkerContents } = require(path.join(outDir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // as tfjs' loader does: the string's newlines were escapes inside string literals of the script
  const source = wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `radnb-wasm-pthread-${hash}.cjs`);
  if (!existsSync(file)) {
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, source);
    renameSync(partial, file); // atomic: two kernels starting at once never read half a file
  }
  return file;
}

/**
 * Emscripten's Node glue adds process listeners that rethrow every uncaught exception and unhandled
 * rejection, which would turn an error in a cell's background callback into a dead kernel; the kernel
 * reports those itself, so the listeners added while `body` runs are removed again.
 */
export async function withoutProcessHooks<T>(body: () => Promise<T>): Promise<T> {
  const events: string[] = ['uncaughtException', 'unhandledRejection'];
  const listeners = (event: string) =>
    process.listeners(event as 'uncaughtException') as Array<(...args: unknown[]) => void>;
  const before = new Map(events.map((e) => [e, new Set(listeners(e))]));
  try {
    return await body();
  } finally {
    for (const e of events) {
      for (const listener of listeners(e)) {
        if (!before.get(e)!.has(listener)) process.removeListener(e, listener);
      }
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
