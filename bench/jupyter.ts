// Jupyter execute round trip, radnb's kernel against ipykernel (Debian python3-ipykernel) in the same run,
// both started and driven by jupyter_client: a trivial expression, and a cell that prints one line.
// Writes bench/results/jupyter.json. Run: node esbuild.js && node --import tsx bench/jupyter.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PYTHON, jupyterEnvironment } from '../test/jupyter/jupyterSandbox';
import { stats } from './support/stats';

const ROUNDS = 400;
const WARMUP = 30;
const KERNELS = { radnb: 'console.log("x")', python3: 'print("x")' };

const env = jupyterEnvironment(mkdtempSync(path.join(os.tmpdir(), 'radnb-bench-jupyter-')));
const run = spawnSync(
  PYTHON,
  [
    path.join(__dirname, 'jupyterRoundTrip.py'),
    String(ROUNDS),
    String(WARMUP),
    ...Object.entries(KERNELS).map(([k, code]) => `${k}=${code}`),
  ],
  { env, encoding: 'utf8', timeout: 30 * 60_000, maxBuffer: 64 << 20 },
);
if (run.status !== 0) {
  console.error(
    `bench/jupyterRoundTrip.py failed (needs Debian python3-jupyter-client and python3-ipykernel):\n${run.stderr}`,
  );
  process.exit(1);
}
const samples = JSON.parse(run.stdout) as Record<keyof typeof KERNELS, { trivial: number[]; printed: number[] }>;
const summary = (kernel: keyof typeof KERNELS) => ({
  trivial: stats(samples[kernel].trivial),
  printed: stats(samples[kernel].printed),
});
const radnb = summary('radnb');
const ipykernel = summary('python3');
const results = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, loadAverage1m: os.loadavg()[0] },
  method:
    'jupyter_client 7.4 BlockingKernelClient: execute_request sent → execute_reply and idle status received; alternating blocks of 25; store_history=False',
  goal: 'radnb no slower than ipykernel (median)',
  roundTripMs: { radnb, ipykernel },
  ratio: {
    trivial: Math.round((radnb.trivial.median / ipykernel.trivial.median) * 100) / 100,
    printed: Math.round((radnb.printed.median / ipykernel.printed.median) * 100) / 100,
  },
};
writeFileSync(path.join(__dirname, 'results', 'jupyter.json'), `${JSON.stringify(results, null, 2)}\n`);
console.table({
  'radnb, 1 + 1': radnb.trivial,
  'ipykernel, 1 + 1': ipykernel.trivial,
  'radnb, console.log': radnb.printed,
  'ipykernel, print': ipykernel.printed,
});
console.log(
  `median ratio radnb / ipykernel: trivial ${results.ratio.trivial}, printed ${results.ratio.printed} (goal ≤ 1)`,
);
