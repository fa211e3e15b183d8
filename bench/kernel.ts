// Kernel benchmarks, each side by side with a plain Node baseline measured in the same run:
//   cold start → first cell result          vs  spawn `node -e "console.log(1+1)"` → its output
//   trivial cell round trip (200 runs)      vs  IPC echo with a Node child (same 'advanced' serialization)
//   1,000 console.log lines streamed        vs  a Node child printing 1,000 lines through a pipe
//   interrupt of `while (true) {}`          vs  SIGINT to a spinning `node -e` (stops it, but loses all state)
// Writes bench/results/kernel.json and prints a table. Run: node esbuild.js && node --import tsx bench/kernel.ts
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KernelClient } from '../src/kernel/client';
import { stats, type Stats } from './support/stats';

const ROUND_TRIPS = 200;
const WARMUP = 20;
const COLD_STARTS = 5;
const LINES = 1000;
const STREAM_REPEATS = 10;
const INTERRUPTS = 8;
const GOALS = { roundTripMedianMs: 5, coldStartMs: 1500, interruptMs: 1000 };

const notebookDir = mkdtempSync(path.join(os.tmpdir(), 'radnb-bench-kernel-'));

/** The baseline child: answers IPC messages like a minimal kernel would, with no compile or evaluation. */
const baselineChild = path.join(notebookDir, 'baseline-child.js');
writeFileSync(
  baselineChild,
  `process.on('message', (m) => {
  if (m.type === 'print') { for (let i = 0; i < m.lines; i++) console.log('line ' + i); process.send({ type: 'printed' }); }
  else process.send({ type: 'result', execId: m.id, status: 'ok', value: { 'text/plain': '2' } });
});
process.send({ type: 'ready' });
`,
);

function startBaselineChild(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [baselineChild], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  return new Promise((resolve) => child.once('message', () => resolve(child)));
}

function request(child: ChildProcess, message: object): Promise<void> {
  return new Promise((resolve) => {
    child.once('message', () => resolve());
    child.send(message);
  });
}

/** Time from spawn until the child's stdout contains `expected`. */
function spawnUntilOutput(args: string[], expected: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(expected)) resolve(performance.now() - started);
    });
  });
}

async function coldStart(): Promise<{ radnb: Stats; nodeBaseline: Stats; radnbWithTfjs: Stats }> {
  const radnb: number[] = [];
  const node: number[] = [];
  const tfjs: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    node.push(await spawnUntilOutput(['-e', 'console.log(1+1)'], '2\n'));
    let started = performance.now();
    let kernel = await KernelClient.start({ notebookDir });
    await kernel.execute('1 + 1', 'Cell 1');
    radnb.push(performance.now() - started);
    await kernel.shutdown();
    started = performance.now();
    kernel = await KernelClient.start({ notebookDir });
    await kernel.execute("import * as tf from '@tensorflow/tfjs';\ntf.tensor([1, 2]).sum()", 'Cell 1');
    tfjs.push(performance.now() - started);
    await kernel.shutdown();
  }
  return { radnb: stats(radnb), nodeBaseline: stats(node), radnbWithTfjs: stats(tfjs) };
}

async function roundTrip(kernel: KernelClient, child: ChildProcess): Promise<{ radnb: Stats; ipcEchoBaseline: Stats }> {
  const radnb: number[] = [];
  const echo: number[] = [];
  for (let i = 0; i < WARMUP + ROUND_TRIPS; i++) {
    let started = performance.now();
    const result = await kernel.execute('1 + 1', 'Cell 1');
    if (result.value?.['text/plain'] !== '2') throw new Error(`unexpected result ${JSON.stringify(result)}`);
    if (i >= WARMUP) radnb.push(performance.now() - started);
    started = performance.now();
    await request(child, { type: 'execute', id: i, code: '1 + 1', cellName: 'Cell 1' });
    if (i >= WARMUP) echo.push(performance.now() - started);
  }
  return { radnb: stats(radnb), ipcEchoBaseline: stats(echo) };
}

async function streamLines(
  kernel: KernelClient,
  child: ChildProcess,
): Promise<{ radnb: Stats; radnbMessages: number; pipeBaseline: Stats }> {
  const radnb: number[] = [];
  const pipe: number[] = [];
  let messages = 0;
  const code = `for (let i = 0; i < ${LINES}; i++) console.log('line ' + i);`;
  for (let i = 0; i < STREAM_REPEATS; i++) {
    let received = 0;
    messages = 0;
    let started = performance.now();
    await kernel.execute(code, 'Cell 1', {
      onStream: (_, text) => {
        messages++;
        received += text.split('\n').length - 1;
      },
    });
    if (received !== LINES) throw new Error(`received ${received} of ${LINES} lines`);
    radnb.push(performance.now() - started);

    received = 0;
    started = performance.now();
    const allLines = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        received += chunk.toString().split('\n').length - 1;
        if (received >= LINES) {
          child.stdout?.off('data', onData);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
    });
    await Promise.all([request(child, { type: 'print', lines: LINES }), allLines]);
    pipe.push(performance.now() - started);
  }
  return { radnb: stats(radnb), radnbMessages: messages, pipeBaseline: stats(pipe) };
}

async function interruptLatency(
  kernel: KernelClient,
): Promise<{ radnb: Stats; statePreserved: boolean; sigintBaseline: Stats }> {
  const radnb: number[] = [];
  const sigint: number[] = [];
  await kernel.execute('const survivor = 41;', 'Cell 1');
  for (let i = 0; i < INTERRUPTS; i++) {
    const running = kernel.execute('while (true) {}', 'Cell 2');
    await new Promise((r) => setTimeout(r, 100));
    const started = performance.now();
    kernel.interrupt();
    const result = await running;
    if (result.status !== 'interrupted') throw new Error(`cell ended ${result.status}`);
    radnb.push(performance.now() - started);

    const spinning = spawn(process.execPath, ['-e', 'console.log("spinning"); while (true) {}'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((r) => spinning.stdout.once('data', r));
    const stopStarted = performance.now();
    const exited = new Promise((r) => spinning.once('exit', r));
    spinning.kill('SIGINT');
    await exited;
    sigint.push(performance.now() - stopStarted);
  }
  const after = await kernel.execute('survivor + 1', 'Cell 3');
  return { radnb: stats(radnb), statePreserved: after.value?.['text/plain'] === '42', sigintBaseline: stats(sigint) };
}

interface KernelBenchResults {
  machine: { cpus: number; cpu: string | undefined; node: string; loadAverage1m: number };
  goals: typeof GOALS;
  coldStartMs: Awaited<ReturnType<typeof coldStart>>;
  roundTripMs: Awaited<ReturnType<typeof roundTrip>>;
  stream1000LinesMs: Awaited<ReturnType<typeof streamLines>>;
  interruptMs: Awaited<ReturnType<typeof interruptLatency>>;
}

async function main(): Promise<void> {
  // The machine is shared: the load average says how much the numbers were disturbed.
  const machine = {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    node: process.version,
    loadAverage1m: os.loadavg()[0],
  };
  const coldStartMs = await coldStart();
  const kernel = await KernelClient.start({ notebookDir });
  const child = await startBaselineChild();
  const results: KernelBenchResults = {
    machine,
    goals: GOALS,
    coldStartMs,
    roundTripMs: await roundTrip(kernel, child),
    stream1000LinesMs: await streamLines(kernel, child),
    interruptMs: await interruptLatency(kernel),
  };
  child.kill();
  await kernel.shutdown();

  mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  writeFileSync(path.join(__dirname, 'results', 'kernel.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
}

function printTable(r: KernelBenchResults): void {
  const row = (what: string, radnb: Stats, baselineName: string, baseline: Stats, goal: string) => ({
    measure: what,
    'radnb median ms': radnb.median,
    'radnb p95 ms': radnb.p95,
    baseline: baselineName,
    'baseline median ms': baseline.median,
    goal,
  });
  console.table([
    row(
      'cold start → first result',
      r.coldStartMs.radnb,
      'node -e spawn → output',
      r.coldStartMs.nodeBaseline,
      `≤ ${GOALS.coldStartMs} ms`,
    ),
    row(
      'cold start + tfjs import',
      r.coldStartMs.radnbWithTfjs,
      'node -e spawn → output',
      r.coldStartMs.nodeBaseline,
      '—',
    ),
    row(
      `cell round trip (${ROUND_TRIPS})`,
      r.roundTripMs.radnb,
      'IPC echo child',
      r.roundTripMs.ipcEchoBaseline,
      `median ≤ ${GOALS.roundTripMedianMs} ms`,
    ),
    row(
      `${LINES} console.log lines`,
      r.stream1000LinesMs.radnb,
      'node child → pipe',
      r.stream1000LinesMs.pipeBaseline,
      '—',
    ),
    row(
      'interrupt while(true){}',
      r.interruptMs.radnb,
      'SIGINT kills node -e',
      r.interruptMs.sigintBaseline,
      `≤ ${GOALS.interruptMs} ms, state kept: ${r.interruptMs.statePreserved}`,
    ),
  ]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
