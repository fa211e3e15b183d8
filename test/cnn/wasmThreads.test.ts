// The wasm backend's threaded build in Node: one XNNPACK thread per core (tfjs alone starts one thread
// in Node), the same numbers as the single-threaded build, processes that still exit on their own, and
// background errors that reach the kernel's handlers instead of killing the process.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { wantedThreads } from '../../src/cnn/wasmThreads';
import { repoRoot } from '../support/env';

/** Runs a script in a fresh Node process (tsx), as the kernel would; returns its stdout. */
function runScript(
  script: string,
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A small convolution + dense forward pass and its gradient, printed as JSON. */
const NUMBERS = `
const { initBackend } = require('./src/cnn/backend');
const tf = require('@tensorflow/tfjs');
initBackend({ prefer: 'wasm' }).then((info) => {
  const x = tf.randomUniform([4, 32, 32, 3], 0, 1, 'float32', 1);
  const f = tf.randomUniform([3, 3, 3, 8], -1, 1, 'float32', 2);
  const loss = (v) => tf.conv2d(v, f, 1, 'same').relu().maxPool(2, 2, 'valid').mean();
  const grad = tf.grad(loss)(x);
  console.log(JSON.stringify({ reason: info.candidates.find((c) => c.status === 'chosen').reason,
    threads: require('@tensorflow/tfjs-backend-wasm').getThreadsCount(),
    y: Array.from(tf.conv2d(x, f, 1, 'same').dataSync().slice(0, 200)), g: Array.from(grad.dataSync().slice(0, 200)) }));
});`;

describe('wasm backend threads', () => {
  it('RADNB_WASM_THREADS picks the thread count; otherwise every core, at most 8', () => {
    const cores = os.availableParallelism();
    assert.equal(wantedThreads({}), Math.min(8, cores));
    assert.equal(wantedThreads({ RADNB_WASM_THREADS: '1' }), 1);
    assert.equal(wantedThreads({ RADNB_WASM_THREADS: '3' }), 3);
    assert.equal(wantedThreads({ RADNB_WASM_THREADS: '64' }), 8);
    assert.equal(wantedThreads({ RADNB_WASM_THREADS: 'many' }), Math.min(8, cores));
  });

  it('runs one XNNPACK thread per core, with the same numbers as one thread, and the process exits by itself', () => {
    const threaded = runScript(NUMBERS);
    const single = runScript(NUMBERS, { RADNB_WASM_THREADS: '1' });
    assert.equal(threaded.status, 0, threaded.stderr);
    assert.equal(single.status, 0, single.stderr);
    const a = JSON.parse(threaded.stdout) as { reason: string; threads: number; y: number[]; g: number[] };
    const b = JSON.parse(single.stdout) as typeof a;
    const cores = Math.min(8, os.availableParallelism());
    assert.equal(a.threads, cores);
    assert.match(a.reason, new RegExp(`SIMD, ${cores} threads\\)`));
    assert.equal(b.threads, 1);
    assert.match(b.reason, /SIMD, 1 thread \(RADNB_WASM_THREADS=1\)/);
    a.y.forEach((v, i) => assert.ok(Math.abs(v - b.y[i]) < 1e-5, `y[${i}]: ${v} vs ${b.y[i]}`));
    a.g.forEach((v, i) => assert.ok(Math.abs(v - b.g[i]) < 1e-7, `grad[${i}]: ${v} vs ${b.g[i]}`));
  });

  it("a background error after the backend starts reaches the process's own handlers (Emscripten's rethrow is removed)", () => {
    const script = `
const { initBackend } = require('./src/cnn/backend');
process.on('unhandledRejection', (reason) => console.log('reported: ' + reason.message));
initBackend({ prefer: 'wasm' }).then(() => {
  Promise.reject(new Error('from a timer in a cell'));
  setTimeout(() => console.log('still alive'), 50);
});`;
    const run = runScript(script);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'reported: from a timer in a cell\nstill alive');
  });
});
