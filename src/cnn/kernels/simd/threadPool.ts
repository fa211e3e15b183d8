// Runs one function of radnb's SIMD kernel module on several threads that share the tfjs wasm backend's
// memory. Work is a range of rows cut into chunks that the calling thread and the workers take from one
// atomic counter, so a busy or slow thread only takes fewer chunks, and the caller always finishes the job
// by itself if no worker comes. Calls are synchronous, like every tfjs kernel: the caller blocks in
// Atomics.wait (allowed on Node's main thread) until the last chunk is done.
import { Worker } from 'node:worker_threads';

/** Control words in the shared Int32Array. */
const JOB = 0; // generation: workers wait on it
const NEXT = 1; // next chunk to take
const DONE = 2; // chunks finished
const TOTAL = 3;
const CHUNK_ROWS = 4;
const ROWS = 5;
const FUNCTION = 6;
const FAILED = 7;
const OWN_ARG = 8; // index of the argument each chunk replaces with its own value, or -1
const ARG_COUNT = 9;
const IN_FLIGHT = 10; // chunks workers are running (counted before taking one)
const SLEEPING = 11; // workers in Atomics.wait (counted before they wait): only they need a notify
const ARGS = 16;
const MAX_ARGS = 32;
const OWN_VALUES = ARGS + MAX_ARGS; // one value per chunk
/** The most chunks a job is cut into (one own value each). */
export const MAX_CHUNKS = 64;
const CLOSED = 0x3fffffff;

/** How long an idle worker spins before it sleeps, in milliseconds. */
const SPIN_MS = 0.5;

/** Evaluated in each worker: instantiate the module on the shared memory, then take chunks whenever a job starts. */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, names } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(control);
let seen = 0;
for (;;) {
  // jobs come in bursts (a training step is a run of them): spin a while before sleeping, as OpenMP's threads
  // do, so that the next job starts at once and its caller need not wake this thread (a futex wake-up takes
  // tens of microseconds on a VM, and longer when the host is busy)
  for (let until = performance.now() + ${SPIN_MS}, i = 0; Atomics.load(c, ${JOB}) === seen; i++) {
    if ((i & 1023) === 1023 && performance.now() > until) {
      Atomics.add(c, ${SLEEPING}, 1);
      Atomics.wait(c, ${JOB}, seen);
      Atomics.sub(c, ${SLEEPING}, 1);
    }
  }
  seen = Atomics.load(c, ${JOB});
  if (seen < 0) break;
  for (;;) {
    Atomics.add(c, ${IN_FLIGHT}, 1);
    const k = Atomics.add(c, ${NEXT}, 1);
    if (k >= Atomics.load(c, ${TOTAL})) break;
    const args = Array.from(c.subarray(${ARGS}, ${ARGS} + c[${ARG_COUNT}]));
    if (c[${OWN_ARG}] >= 0) args[c[${OWN_ARG}]] = c[${OWN_VALUES} + k];
    const rows = c[${ROWS}], first = k * c[${CHUNK_ROWS}];
    try { exports[names[c[${FUNCTION}]]](...args, first, Math.min(rows, first + c[${CHUNK_ROWS}])); } catch { Atomics.store(c, ${FAILED}, 1); }
    Atomics.sub(c, ${IN_FLIGHT}, 1);
    if (Atomics.add(c, ${DONE}, 1) + 1 === c[${TOTAL}]) Atomics.notify(c, ${DONE});
  }
  Atomics.sub(c, ${IN_FLIGHT}, 1);
}
`;

export interface PoolJob {
  /** Exported function; its last two parameters are the first and end row of a chunk. */
  name: string;
  /** Arguments before the row range. */
  args: number[];
  rows: number;
  /** How many chunks to cut the rows into (at most 64); default: 4 per thread. */
  chunks?: number;
  /**
   * Which argument each chunk replaces with its entry of `values` (e.g. its own buffer for a sum): with it,
   * the numbers do not depend on which thread took which chunk, nor on the thread count.
   */
  perChunk?: { index: number; values: number[] };
}

export class SimdThreadPool {
  private readonly control = new Int32Array(new SharedArrayBuffer((OWN_VALUES + MAX_CHUNKS) * 4));
  private readonly names: string[];
  /** A job is open: set when it starts, cleared when the caller has seen every chunk done. */
  private running = false;
  /** How many chunks of the last job shared between threads the workers took (the rest: the caller). */
  workerChunks = 0;
  /** Calls and milliseconds per function while a profile runs (bench/cnn.ts --profile). */
  timings: Map<string, { calls: number; ms: number }> | undefined;

  /** `threads` counts the caller: threads − 1 workers start. */
  constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    private readonly exports: Record<string, (...args: number[]) => void>,
    readonly threads: number,
  ) {
    this.names = Object.keys(exports);
    Atomics.store(this.control, NEXT, CLOSED);
    for (let id = 1; id < threads; id++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, control: this.control.buffer, names: this.names },
      });
      worker.unref(); // idle workers must not keep the kernel process alive
    }
  }

  /**
   * Runs `job` over its rows in chunks, on every thread, or (not `parallel`: too little work to wake a thread
   * for) on the calling thread alone; throws if any chunk trapped.
   */
  run(job: PoolJob, parallel = true): void {
    if (this.timings === undefined) return this.runJob(job, parallel);
    const start = performance.now();
    try {
      this.runJob(job, parallel);
    } finally {
      this.record(job.name, start);
    }
  }

  private record(name: string, start: number): void {
    const t = this.timings?.get(name) ?? { calls: 0, ms: 0 };
    t.calls++;
    t.ms += performance.now() - start;
    this.timings?.set(name, t);
  }

  private runJob(job: PoolJob, parallel: boolean): void {
    const c = this.control;
    if (job.args.length > MAX_ARGS)
      throw new Error(`radnb SIMD kernels: ${job.name} takes at most ${MAX_ARGS} arguments`);
    this.settleAbandonedJob();
    const fn = this.exports[job.name];
    // a wasm export's length is its parameter count: a missing argument would silently be 0
    if (fn.length !== job.args.length + 2)
      throw new Error(
        `radnb SIMD kernels: ${job.name} takes ${fn.length - 2} arguments before its row range, not ${job.args.length}`,
      );
    const chunkRows = Math.max(1, Math.ceil(job.rows / Math.min(MAX_CHUNKS, job.chunks ?? this.threads * 4)));
    const total = Math.ceil(job.rows / chunkRows);
    const runChunk = (k: number) => {
      const args = [...job.args];
      if (job.perChunk) args[job.perChunk.index] = job.perChunk.values[k];
      fn(...args, k * chunkRows, Math.min(job.rows, (k + 1) * chunkRows));
    };
    if (!parallel || this.threads === 1) {
      if (!job.perChunk) return fn(...job.args, 0, job.rows);
      for (let k = 0; k < total; k++) runChunk(k);
      return;
    }
    c.set(job.args, ARGS);
    c[ARG_COUNT] = job.args.length;
    c[FUNCTION] = this.names.indexOf(job.name);
    c[OWN_ARG] = job.perChunk?.index ?? -1;
    if (job.perChunk) c.set(job.perChunk.values.slice(0, total), OWN_VALUES);
    c[ROWS] = job.rows;
    c[CHUNK_ROWS] = chunkRows;
    c[FAILED] = 0;
    c[DONE] = 0;
    Atomics.store(c, TOTAL, total);
    this.running = true;
    Atomics.store(c, NEXT, 0); // opens the job: from here on any thread may take chunks
    Atomics.add(c, JOB, 1);
    // a spinning worker sees the job by itself. SLEEPING is read after JOB changed, and a worker counts itself
    // before it waits for JOB to change: either this thread sees the count, or that worker's wait returns at once
    if (total > 1 && Atomics.load(c, SLEEPING) > 0) Atomics.notify(c, JOB);

    let mine = 0;
    for (let k = Atomics.add(c, NEXT, 1); k < total; k = Atomics.add(c, NEXT, 1), mine++) {
      try {
        runChunk(k);
      } catch {
        c[FAILED] = 1; // still counted as done: the workers' chunks must finish before the next job
      }
      Atomics.add(c, DONE, 1);
    }
    for (let done = Atomics.load(c, DONE); done < total; done = Atomics.load(c, DONE)) Atomics.wait(c, DONE, done);
    Atomics.store(c, NEXT, CLOSED); // a worker waking late takes nothing from a finished job
    this.running = false;
    this.workerChunks = total - mine;
    if (c[FAILED] !== 0) throw new Error(`radnb SIMD kernels: ${job.name} trapped (a bad shape or memory offset)`);
  }

  /**
   * A job the caller never finished — Stop terminated the cell while this thread computed or waited — may
   * still have chunks running on workers, writing into buffers tfjs may hand out again: close it to new
   * chunks and wait for those to end. Callers settle before they allocate outputs: memory freed by the
   * abandoned job's kernel may be handed out again.
   */
  settleAbandonedJob(): void {
    if (!this.running) return;
    const c = this.control;
    Atomics.store(c, NEXT, CLOSED);
    for (let busy = Atomics.load(c, IN_FLIGHT); busy > 0; busy = Atomics.load(c, IN_FLIGHT))
      Atomics.wait(c, IN_FLIGHT, busy, 1);
    this.running = false;
  }

  /** Calls `name` on the calling thread only (work too small to share). */
  call(name: string, ...args: number[]): void {
    const fn = this.exports[name];
    if (fn.length !== args.length)
      throw new Error(`radnb SIMD kernels: ${name} takes ${fn.length} arguments, not ${args.length}`);
    if (this.timings === undefined) return fn(...args);
    const start = performance.now();
    fn(...args);
    this.record(name, start);
  }

  /** Stops the workers (tests; the kernel process simply exits). */
  close(): void {
    Atomics.store(this.control, JOB, -1);
    Atomics.notify(this.control, JOB);
  }
}
