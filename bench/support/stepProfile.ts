// Where a training or inference step's time goes on the wasm backend (`bench/cnn.ts --profile`): the wall time of
// a step; per thread, the share of that time it ran on a core (Linux's per-thread scheduler statistics); per tfjs
// kernel, the time inside it less the kernels it called; per function of radnb's SIMD module, the time of its
// calls (on the calling thread, waiting for the workers' chunks included).
import { readdirSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { getKernelsForBackend, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { simdKernelsOf } from '../../src/cnn/kernels/simd/simdKernels';

const STEPS_MEASURED_SECONDS = 3;

/** Nanoseconds each thread of this process has run on a core, by thread id. */
function threadRunTimes(): Map<number, number> {
  const times = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      times.set(Number(tid), Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return times;
}

interface Timing {
  calls: number;
  ms: number;
}

/** Wraps every kernel registered for wasm so that it adds its exclusive time into `timings`; returns the undo. */
function timeKernels(timings: Map<string, Timing>): () => void {
  const originals = getKernelsForBackend('wasm');
  const childTime: number[] = [];
  for (const kernel of originals) {
    const run = kernel.kernelFunc;
    unregisterKernel(kernel.kernelName, 'wasm');
    registerKernel({
      ...kernel,
      kernelFunc: ((args) => {
        childTime.push(0);
        const start = performance.now();
        try {
          return run(args);
        } finally {
          const elapsed = performance.now() - start;
          const inner = childTime.pop()!;
          if (childTime.length > 0) childTime[childTime.length - 1] += elapsed;
          const t = timings.get(kernel.kernelName) ?? { calls: 0, ms: 0 };
          t.calls++;
          t.ms += elapsed - inner;
          timings.set(kernel.kernelName, t);
        }
      }) as KernelConfig['kernelFunc'],
    });
  }
  return () => {
    for (const kernel of originals) {
      unregisterKernel(kernel.kernelName, 'wasm');
      registerKernel(kernel);
    }
  };
}

async function timedSteps(step: () => Promise<void>, seconds: number): Promise<{ steps: number; ms: number }> {
  const start = performance.now();
  let steps = 0;
  while (steps < 3 || performance.now() - start < seconds * 1000) {
    await step();
    steps++;
  }
  return { steps, ms: performance.now() - start };
}

/** One row of a profile: a kernel or SIMD function, per step. */
export interface ProfileRow {
  name: string;
  callsPerStep: number;
  msPerStep: number;
  /** Share of the (timed) step, in percent. */
  percent: number;
}

export interface StepProfile {
  stepMs: number;
  imgPerSec: number;
  steps: number;
  /** Share of the step's wall time each thread ran on a core, in percent; the main thread first. */
  threads: { thread: string; percent: number }[];
  /** The step with every kernel timed (the timing's own cost shows as the difference to stepMs). */
  timedStepMs: number;
  kernels: ProfileRow[];
  simdFunctions: ProfileRow[];
}

function rowsOf(timings: Map<string, Timing>, steps: number, stepMs: number): ProfileRow[] {
  return [...timings]
    .filter(([, t]) => t.ms / steps >= 0.005)
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([name, t]) => ({
      name,
      callsPerStep: +(t.calls / steps).toFixed(1),
      msPerStep: +(t.ms / steps).toFixed(3),
      percent: +((100 * t.ms) / steps / stepMs).toFixed(1),
    }));
}

function table(title: string, rows: ProfileRow[], stepMs: number): string[] {
  const total = rows.reduce((sum, r) => sum + r.msPerStep, 0);
  return [
    `  ${title}: ${total.toFixed(2)} ms per step (${((100 * total) / stepMs).toFixed(0)} % of it)`,
    ...rows.map(
      (r) =>
        `    ${r.name.padEnd(30)} ${r.callsPerStep.toFixed(1).padStart(6)} calls ${r.msPerStep.toFixed(3).padStart(9)} ms ${r.percent.toFixed(1).padStart(5)} %`,
    ),
  ];
}

/** The profile as the text `bench/cnn.ts --profile` prints. */
export function profileLines(p: StepProfile): string[] {
  return [
    `  step ${p.stepMs.toFixed(2)} ms (${p.imgPerSec.toFixed(0)} img/s) over ${p.steps} steps`,
    `  threads on a core during the steps: ${p.threads.map((t) => `${t.thread} ${t.percent.toFixed(0)} %`).join(', ')}`,
    `  with timing: ${p.timedStepMs.toFixed(2)} ms per step`,
    ...table('tfjs kernels (exclusive)', p.kernels, p.timedStepMs),
    ...(p.simdFunctions.length > 0 ? table('radnb SIMD functions', p.simdFunctions, p.timedStepMs) : []),
  ];
}

/** Warms `step` up, then profiles it. */
export async function profileSteps(
  step: () => Promise<void>,
  batch: number,
  warmupSeconds: number,
): Promise<StepProfile> {
  await timedSteps(step, warmupSeconds);
  const before = threadRunTimes();
  const plain = await timedSteps(step, STEPS_MEASURED_SECONDS);
  const after = threadRunTimes();
  const stepMs = plain.ms / plain.steps;
  const threads = [...after]
    .map(([tid, ns]) => ({ tid, share: (ns - (before.get(tid) ?? 0)) / 1e6 / plain.ms }))
    .filter((t) => t.share >= 0.01)
    .sort((a, b) => (a.tid === process.pid ? -1 : b.tid === process.pid ? 1 : b.share - a.share))
    .map((t) => ({ thread: t.tid === process.pid ? 'main' : `thread ${t.tid}`, percent: +(100 * t.share).toFixed(1) }));

  const kernels = new Map<string, Timing>();
  const simd = simdKernelsOf(tf.engine().backend);
  const untime = timeKernels(kernels);
  const functions = simd?.startTimings();
  try {
    const timed = await timedSteps(step, STEPS_MEASURED_SECONDS);
    const timedStepMs = timed.ms / timed.steps;
    return {
      stepMs: +stepMs.toFixed(3),
      imgPerSec: +((batch * 1000) / stepMs).toFixed(1),
      steps: plain.steps,
      threads,
      timedStepMs: +timedStepMs.toFixed(3),
      kernels: rowsOf(kernels, timed.steps, timedStepMs),
      simdFunctions: functions === undefined ? [] : rowsOf(functions, timed.steps, timedStepMs),
    };
  } finally {
    untime();
    simd?.stopTimings();
  }
}
