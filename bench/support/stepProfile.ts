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

function table(title: string, timings: Map<string, Timing>, steps: number, stepMs: number): string[] {
  const rows = [...timings].filter(([, t]) => t.ms / steps >= 0.005).sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((sum, [, t]) => sum + t.ms, 0) / steps;
  return [
    `  ${title}: ${total.toFixed(2)} ms per step (${((100 * total) / stepMs).toFixed(0)} % of it)`,
    ...rows.map(
      ([name, t]) =>
        `    ${name.padEnd(30)} ${(t.calls / steps).toFixed(1).padStart(6)} calls ${(t.ms / steps).toFixed(3).padStart(9)} ms ${((100 * t.ms) / steps / stepMs).toFixed(1).padStart(5)} %`,
    ),
  ];
}

/** Warms `step` up, then profiles it; returns the report's lines. */
export async function profileSteps(step: () => Promise<void>, batch: number, warmupSeconds: number): Promise<string[]> {
  await timedSteps(step, warmupSeconds);
  const before = threadRunTimes();
  const plain = await timedSteps(step, STEPS_MEASURED_SECONDS);
  const after = threadRunTimes();
  const stepMs = plain.ms / plain.steps;
  const busy = [...after]
    .map(([tid, ns]) => ({ tid, share: (ns - (before.get(tid) ?? 0)) / 1e6 / plain.ms }))
    .filter((t) => t.share >= 0.01)
    .sort((a, b) => (a.tid === process.pid ? -1 : b.tid === process.pid ? 1 : b.share - a.share));
  const lines = [
    `  step ${stepMs.toFixed(2)} ms (${((batch * 1000) / stepMs).toFixed(0)} img/s) over ${plain.steps} steps`,
    `  threads on a core during the steps: ${busy.map((t) => `${t.tid === process.pid ? 'main' : `thread ${t.tid}`} ${(100 * t.share).toFixed(0)} %`).join(', ')}`,
  ];

  const kernels = new Map<string, Timing>();
  const simd = simdKernelsOf(tf.engine().backend);
  const untime = timeKernels(kernels);
  const functions = simd?.startTimings();
  try {
    const timed = await timedSteps(step, STEPS_MEASURED_SECONDS);
    lines.push(`  with timing: ${(timed.ms / timed.steps).toFixed(2)} ms per step`);
    lines.push(...table('tfjs kernels (exclusive)', kernels, timed.steps, timed.ms / timed.steps));
    if (functions !== undefined)
      lines.push(...table('radnb SIMD functions', functions, timed.steps, timed.ms / timed.steps));
  } finally {
    untime();
    simd?.stopTimings();
  }
  return lines;
}
