// Runs a workload's PyTorch twin (bench/torch/cnn_bench.py) and reads its throughput.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Workload } from './cnnWorkloads';

export interface Throughput {
  trainImgPerSec: number | null;
  inferImgPerSec: number | null;
  note: string;
}

export interface TorchOptions {
  python: string;
  threads: number;
  channelsLast: boolean;
  warmupSeconds: number;
  device: 'cpu' | 'cuda';
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
}

export function runTorchTwin(w: Workload, o: TorchOptions): Throughput {
  const script = path.join(__dirname, '..', 'torch', 'cnn_bench.py');
  const argv = [
    script,
    w.torch,
    String(w.size),
    String(w.batch),
    String(w.trainSteps),
    String(w.inferSteps),
    String(o.threads),
    o.channelsLast ? '1' : '0',
    String(o.warmupSeconds),
    o.device,
  ];
  const run = spawnSync(o.python, argv, { env: o.env ?? process.env, encoding: 'utf8', timeout: o.timeoutMs });
  if (run.status !== 0) {
    const why = (run.stderr || run.error?.message || 'failed').trim().split('\n').pop();
    return { trainImgPerSec: null, inferImgPerSec: null, note: `PyTorch did not run: ${why}` };
  }
  const out = JSON.parse(run.stdout) as { train_img_s: number; infer_img_s: number; torch: string; threads: number };
  return {
    trainImgPerSec: out.train_img_s,
    inferImgPerSec: out.infer_img_s,
    note: `torch ${out.torch}, ${o.device === 'cuda' ? 'CUDA' : `${out.threads} threads`}`,
  };
}
