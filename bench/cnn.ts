// Training and inference throughput (images/s) of the CNN workloads (bench/support/cnnWorkloads.ts: two
// 3-convolution CNNs and the networks of notebooks 02–04 and ResNet-18) on every TensorFlow.js backend that
// starts here, side by side in one run with PyTorch CPU (Debian python3-torch, 2 threads) in its default and
// tuned (jemalloc + channels_last) configurations. Writes bench/results/cnn.json.
// Runners take turns, round after round, and each keeps its best round: on a shared machine the load
// changes from minute to minute, and the best round is the one least disturbed by it.
//   node --import tsx bench/cnn.ts                 full run (3 rounds)
//   node --import tsx bench/cnn.ts --quick         CI-sized run (1 round, fewer steps; slow backends on the small models only)
//   node --import tsx bench/cnn.ts --only a,b      only the workloads with these ids (results not written)
//   node --import tsx bench/cnn.ts --profile [--only …]   wasm only: where a step's time goes (per kernel, per
//                                                        thread), layer by layer through tfjs and as a whole step;
//                                                        without --only written to bench/results/cnn-profile.json
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BackendError, initBackend } from '../src/cnn/backend';
import { useWholeStepPath } from '../src/cnn/wholeStep/wholeStepPatch';
import type { BackendName } from '../src/cnn/backend';
import { runnable, throughput } from './support/cnnSteps';
import { cnnWorkloads } from './support/cnnWorkloads';
import type { Workload } from './support/cnnWorkloads';
import { profileLines, profileSteps } from './support/stepProfile';
import { runTorchTwin, type Throughput } from './support/torchTwin';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const profile = args.includes('--profile');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined;
const PYTHON = '/usr/bin/python3';
const JEMALLOC = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
const THREADS = 2;
const ROUNDS = quick ? 1 : 3;
/** Where optional backend packages (webgpu, tfjs-node) were installed outside node_modules, if anywhere. */
const PACKAGE_PATHS = process.env.RADNB_BACKEND_PACKAGES ? [process.env.RADNB_BACKEND_PACKAGES] : [];
/** Backends too slow here for many steps: plain JS, and WebGPU when only a software Vulkan exists. */
const SLOW: readonly BackendName[] = ['cpu', 'webgpu'];
/** The workloads slow backends run (the others would take minutes per step there). */
const SLOW_WORKLOADS = ['cnn128', 'medmnist28'];

const WORKLOADS = cnnWorkloads(quick).filter((w) => only === undefined || only.includes(w.id));
const BACKENDS: BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

interface Row {
  workload: string;
  runner: string;
  trainImgPerSec: number | null;
  inferImgPerSec: number | null;
  note: string;
}

/**
 * Steady state: a fresh process runs its first few hundred steps up to 2× slower (V8 compiles JavaScript and
 * wasm in tiers; allocators and caches fill), while training runs thousands. So each fast runner — PyTorch
 * too, see cnn_bench.py — first runs untimed steps for WARMUP_SECONDS (and at least as many as it times).
 */
const WARMUP_SECONDS = quick ? 0.5 : 5;

interface Steps {
  train: number;
  infer: number;
  /** Untimed steps first: at least this many, and (fast runners) for at least WARMUP_SECONDS. */
  warmup: number;
  warmupSeconds: number;
}

/** Slow backends (~100× slower): a step or two says enough, on the small workloads only. */
function stepsFor(backend: BackendName, w: Workload): Steps | undefined {
  if (!SLOW.includes(backend))
    return { train: w.trainSteps, infer: w.inferSteps, warmup: w.trainSteps, warmupSeconds: WARMUP_SECONDS };
  if (!SLOW_WORKLOADS.includes(w.id) || (quick && w.size > 32)) return undefined;
  return { train: w.size > 32 ? 1 : 3, infer: w.size > 32 ? 2 : 5, warmup: 1, warmupSeconds: 0 };
}

async function measureTfjs(backend: BackendName, w: Workload): Promise<Throughput> {
  const steps = stepsFor(backend, w);
  if (steps === undefined)
    return {
      trainImgPerSec: null,
      inferImgPerSec: null,
      note: quick ? 'left out in --quick mode' : 'left out: too slow on this backend',
    };
  return throughput(w, steps, { steps: steps.warmup, seconds: steps.warmupSeconds });
}

function measureTorch(w: Workload, tuned: boolean): Throughput {
  if (!existsSync(PYTHON)) return { trainImgPerSec: null, inferImgPerSec: null, note: `${PYTHON} not found` };
  if (tuned && !existsSync(JEMALLOC))
    return { trainImgPerSec: null, inferImgPerSec: null, note: 'libjemalloc2 not installed' };
  // page faults are expensive on these VMs: jemalloc that keeps its memory is most of the tuning
  const env = tuned
    ? { ...process.env, LD_PRELOAD: JEMALLOC, MALLOC_CONF: 'retain:true,dirty_decay_ms:-1,muzzy_decay_ms:-1' }
    : process.env;
  const run = runTorchTwin(w, {
    python: PYTHON,
    threads: THREADS,
    channelsLast: tuned,
    warmupSeconds: WARMUP_SECONDS,
    device: 'cpu',
    env,
    timeoutMs: 900_000,
  });
  return run.trainImgPerSec === null || !tuned ? run : { ...run, note: `${run.note}, jemalloc + channels_last` };
}

const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(1));

function ratio(a: Row | undefined, b: Row | undefined, key: 'trainImgPerSec' | 'inferImgPerSec'): number | null {
  const x = a?.[key];
  const y = b?.[key];
  return x != null && y != null && y > 0 ? x / y : null;
}

/** Keeps the best (highest-throughput) round of each runner on each workload. */
function keepBest(rows: Row[], row: Row): void {
  const i = rows.findIndex((r) => r.workload === row.workload && r.runner === row.runner);
  if (i < 0) {
    rows.push(row);
    return;
  }
  const best = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
  rows[i] = {
    ...rows[i],
    trainImgPerSec: best(rows[i].trainImgPerSec, row.trainImgPerSec),
    inferImgPerSec: best(rows[i].inferImgPerSec, row.inferImgPerSec),
  };
}

async function main(): Promise<void> {
  if (profile) {
    await initBackend({ prefer: 'wasm' });
    const profiles = [];
    for (const w of WORKLOADS) {
      for (const [route, label, wholeStep] of [
        ['tfjs', 'layer by layer (tfjs)', false],
        ['whole step', 'whole step', true],
      ] as const) {
        useWholeStepPath(wholeStep ? 'auto' : 'off');
        const run = runnable(w);
        for (const [mode, step] of [
          ['training', run.train],
          ['inference', run.infer],
        ] as const) {
          const measured = await profileSteps(step, w.batch, WARMUP_SECONDS);
          console.log(`\n${w.name}, ${mode} on wasm, ${label}\n${profileLines(measured).join('\n')}`);
          profiles.push({ workload: w.name, mode, route, ...measured });
        }
        run.dispose();
      }
    }
    if (only === undefined) {
      const target = path.join(__dirname, 'results', 'cnn-profile.json');
      const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version };
      const result = { date: new Date().toISOString(), loadAverageAtEnd: os.loadavg(), machine, profiles };
      writeFileSync(target, JSON.stringify(result, null, 2) + '\n');
      console.log(`\nwrote ${target}`);
    }
    return;
  }
  const rows: Row[] = [];
  const backendReasons: Record<string, string> = {};
  for (let round = 1; round <= ROUNDS; round++) {
    for (const backend of BACKENDS) {
      if (backendReasons[backend]?.startsWith('unavailable')) continue;
      if (SLOW.includes(backend) && round > 1) continue; // ~100× slower than wasm: load noise does not matter, time does
      try {
        const info = await initBackend({ prefer: backend, packagePaths: PACKAGE_PATHS });
        backendReasons[backend] = `ran (${info.candidates.find((c) => c.status === 'chosen')?.reason})`;
      } catch (err) {
        const reason =
          err instanceof BackendError
            ? (err.candidates.find((c) => c.name === backend)?.reason ?? err.message)
            : String(err);
        backendReasons[backend] = `unavailable: ${reason}`;
        continue;
      }
      for (const w of WORKLOADS) {
        process.stderr.write(`round ${round}/${ROUNDS} tfjs ${backend}: ${w.name}…\n`);
        keepBest(rows, { workload: w.name, runner: `tfjs ${backend}`, ...(await measureTfjs(backend, w)) });
      }
    }
    for (const w of WORKLOADS) {
      for (const tuned of [false, true]) {
        process.stderr.write(`round ${round}/${ROUNDS} PyTorch ${tuned ? 'tuned' : 'default'}: ${w.name}…\n`);
        keepBest(rows, {
          workload: w.name,
          runner: `PyTorch CPU ${tuned ? 'tuned' : 'default'}`,
          ...measureTorch(w, tuned),
        });
      }
    }
  }

  const ratios = WORKLOADS.map((w) => {
    const find = (runner: string) => rows.find((r) => r.workload === w.name && r.runner === runner);
    const wasm = find('tfjs wasm');
    return {
      workload: w.name,
      wasmTrainVsTorchTuned: ratio(wasm, find('PyTorch CPU tuned'), 'trainImgPerSec'),
      wasmInferVsTorchTuned: ratio(wasm, find('PyTorch CPU tuned'), 'inferImgPerSec'),
      wasmTrainVsTorchDefault: ratio(wasm, find('PyTorch CPU default'), 'trainImgPerSec'),
      wasmInferVsTorchDefault: ratio(wasm, find('PyTorch CPU default'), 'inferImgPerSec'),
    };
  });

  console.log(
    `\n${'workload'.padEnd(40)} ${'runner'.padEnd(24)} ${'train img/s'.padStart(12)} ${'infer img/s'.padStart(12)}  note`,
  );
  for (const r of rows) {
    console.log(
      `${r.workload.slice(0, 40).padEnd(40)} ${r.runner.padEnd(24)} ${fmt(r.trainImgPerSec).padStart(12)} ${fmt(r.inferImgPerSec).padStart(12)}  ${r.note}`,
    );
  }
  console.log('\nwasm ÷ PyTorch (goal: ≥ 1.0 of tuned for training and inference)');
  for (const q of ratios) {
    const p = (v: number | null) => (v === null ? '—' : v.toFixed(2));
    console.log(
      `${q.workload.slice(0, 40).padEnd(40)} train ${p(q.wasmTrainVsTorchTuned)} of tuned, ${p(q.wasmTrainVsTorchDefault)} of default; infer ${p(q.wasmInferVsTorchTuned)} of tuned, ${p(q.wasmInferVsTorchDefault)} of default`,
    );
  }
  for (const [b, why] of Object.entries(backendReasons)) console.log(`backend ${b}: ${why}`);
  if (only !== undefined) return;

  const result = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    rounds: ROUNDS,
    loadAverageAtEnd: os.loadavg(),
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, torchThreads: THREADS },
    backends: backendReasons,
    rows,
    ratios,
  };
  const dir = path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'cnn.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`\nwrote ${path.join(dir, 'cnn.json')}`);
}

main()
  .then(() => {
    // Dawn keeps the process alive while a WebGPU device exists
    if (tf.findBackend('webgpu')) tf.removeBackend('webgpu');
  })
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
