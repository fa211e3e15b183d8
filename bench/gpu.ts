// `npm run bench:gpu`: the CNN workloads (bench/support/cnnWorkloads.ts) on the GPU paths, tfjs-node-gpu (CUDA)
// and WebGPU on a hardware adapter, beside wasm and, where python3 has CUDA, their PyTorch twins on the same GPU,
// in one run. Made for a GPU machine lent for minutes: one command under a time budget; a backend that cannot
// start says why and the others still run. Writes bench/results/gpu.json. Exits 1 at once when no NVIDIA GPU is
// visible, and 1 after writing the record when no GPU backend started.
//   npm run bench:gpu [-- --budget SECONDS]   (default 360 s of measuring)
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BackendError, initBackend, type BackendName } from '../src/cnn/backend';
import { isSoftwareAdapter } from '../src/cnn/backendProbes';
import { throughput } from './support/cnnSteps';
import { cnnWorkloads, type Workload } from './support/cnnWorkloads';
import { runTorchTwin, type Throughput } from './support/torchTwin';

const args = process.argv.slice(2);
const BUDGET_SECONDS = args.includes('--budget') ? Number(args[args.indexOf('--budget') + 1]) : 360;
const PYTHON = process.env.RADNB_PYTHON ?? 'python3';
/** Where optional backend packages (tfjs-node-gpu, webgpu) were installed outside node_modules, if anywhere. */
const PACKAGE_PATHS = process.env.RADNB_BACKEND_PACKAGES ? [process.env.RADNB_BACKEND_PACKAGES] : [];
/** GPU kernels and shaders compile during the first steps. */
const WARMUP_SECONDS = 3;
const GPU_BACKENDS: BackendName[] = ['tensorflow-gpu', 'webgpu'];

interface Row extends Throughput {
  workload: string;
  runner: string;
}

/** The GPU as nvidia-smi reports it, or why there is none to measure on. */
function nvidiaGpu(): { gpu: string } | { why: string } {
  const query = spawnSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (query.error) return { why: `nvidia-smi did not run (${query.error.message})` };
  if (query.status !== 0)
    return { why: `nvidia-smi failed: ${(query.stderr || query.stdout).trim().split('\n').pop()}` };
  return { gpu: query.stdout.trim().split('\n')[0] };
}

/** Activates `backend`, or says why it cannot run here: a software WebGPU adapter does not count as a GPU. */
async function start(backend: BackendName): Promise<string> {
  try {
    const info = await initBackend({ prefer: backend, packagePaths: PACKAGE_PATHS });
    const detail = info.candidates.find((c) => c.status === 'chosen')?.reason ?? backend;
    if (backend === 'webgpu' && isSoftwareAdapter(detail)) throw new Error(`only a software adapter (${detail})`);
    return `ran (${detail})`;
  } catch (err) {
    const reason =
      err instanceof BackendError
        ? (err.candidates.find((c) => c.name === backend)?.reason ?? err.message)
        : err instanceof Error
          ? err.message
          : String(err);
    return `unavailable: ${reason}`;
  }
}

function report(row: Row, w: Workload): void {
  const rate = (v: number | null) => v?.toFixed(1) ?? '—';
  console.log(
    `${row.runner.padEnd(20)} ${w.id.padEnd(12)} train ${rate(row.trainImgPerSec)} img/s, infer ${rate(row.inferImgPerSec)} img/s`,
  );
}

/** PyTorch on the same GPU, when the python3 there has CUDA. */
function torchCuda(): { ok: true } | { ok: false; why: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.cuda.is_available())'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (probe.status !== 0)
    return { ok: false, why: `${PYTHON} has no torch (${probe.stderr.trim().split('\n').pop()})` };
  return probe.stdout.trim() === 'True' ? { ok: true } : { ok: false, why: `${PYTHON}'s torch sees no CUDA device` };
}

async function main(): Promise<void> {
  const found = nvidiaGpu();
  if ('why' in found) {
    console.error(
      `bench:gpu: no NVIDIA GPU here: ${found.why}. Nothing was measured. Run it on a GPU machine ` +
        '(README, "GPU benchmark", says what it needs there).',
    );
    process.exit(1);
  }
  console.log(`GPU: ${found.gpu}`);
  const started = performance.now();
  const spent = () => (performance.now() - started) / 1000;
  const workloads = cnnWorkloads(false);
  const rows: Row[] = [];
  const backends: Record<string, string> = {};
  for (const backend of [...GPU_BACKENDS, 'wasm' as const]) {
    backends[backend] = await start(backend);
    console.log(`${backend}: ${backends[backend]}`);
    if (!backends[backend].startsWith('ran')) continue;
    // wasm is the reference: CI-sized step counts keep it from eating the GPU backends' budget
    const list = backend === 'wasm' ? cnnWorkloads(true) : workloads;
    for (const w of list) {
      const row: Row =
        spent() > BUDGET_SECONDS
          ? {
              workload: w.name,
              runner: `tfjs ${backend}`,
              trainImgPerSec: null,
              inferImgPerSec: null,
              note: 'left out: time budget spent',
            }
          : {
              workload: w.name,
              runner: `tfjs ${backend}`,
              ...(await throughput(
                w,
                { train: w.trainSteps, infer: w.inferSteps },
                { steps: 2, seconds: WARMUP_SECONDS },
              )),
            };
      rows.push(row);
      report(row, w);
    }
  }
  const torch = torchCuda();
  backends['PyTorch CUDA'] = torch.ok ? 'ran' : `unavailable: ${torch.why}`;
  if (torch.ok) {
    for (const w of workloads) {
      const timeoutMs = Math.max(30_000, (BUDGET_SECONDS + 120 - spent()) * 1000);
      const result = runTorchTwin(w, {
        python: PYTHON,
        threads: os.cpus().length,
        channelsLast: true,
        warmupSeconds: WARMUP_SECONDS,
        device: 'cuda',
        timeoutMs,
      });
      const row: Row = { workload: w.name, runner: 'PyTorch CUDA', ...result };
      rows.push(row);
      report(row, w);
    }
  }
  const record = {
    date: new Date().toISOString(),
    machine: { gpu: found.gpu, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
    budgetSeconds: BUDGET_SECONDS,
    seconds: Math.round(spent()),
    backends,
    rows,
  };
  const file = path.join(__dirname, 'results', 'gpu.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`wrote ${file} (${record.seconds} s)`);
  if (!GPU_BACKENDS.some((b) => backends[b].startsWith('ran'))) {
    console.error('bench:gpu: no GPU backend of tfjs started (reasons above); only the reference rows were measured.');
    process.exitCode = 1;
  }
}

main()
  .then(() => {
    // Dawn keeps the process alive while a WebGPU device exists
    if (tf.findBackend('webgpu')) tf.removeBackend('webgpu');
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
