// Backend choice: lazy loading, the fallback order with a reason for every skipped candidate, forcing a
// backend, and the error when a forced one cannot start.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BackendError, backend, initBackend, selectBackend } from '../../src/cnn/backend';
import { requireOptional } from '../../src/cnn/backendProbes';
import { wantedThreads } from '../../src/cnn/wasmThreads';
import type { BackendName, BackendProbe } from '../../src/cnn/backendProbes';
import { need, repoRoot } from '../support/env';

function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

const fails =
  (reason: string): BackendProbe =>
  async () => ({ ok: false, reason });
const works =
  (tfjsBackend: string): BackendProbe =>
  async () => ({ ok: true, tfjsBackend, detail: `${tfjsBackend} works` });

describe('backend selection', () => {
  it('importing the backend module loads no tfjs (fast kernel start)', () => {
    const script = `require('./src/cnn/backend'); console.log(Object.keys(require.cache).filter((k) => k.includes('@tensorflow')).length)`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), '0');
  });

  it('backend() before initBackend() says what to do', () => {
    assert.throws(
      () => backend(),
      (err: Error) => err instanceof BackendError && /call initBackend\(\) first/.test(err.message),
    );
  });

  it('auto falls back to wasm here, naming why each faster backend was skipped', async (t) => {
    const fasterAbsent =
      !installed('@tensorflow/tfjs-node-gpu') && !installed('@tensorflow/tfjs-node') && !installed('webgpu');
    if (!need(t, fasterAbsent, 'a machine without tfjs-node, tfjs-node-gpu and webgpu installed')) return;
    const info = await initBackend();
    assert.equal(info.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.deepEqual(
      info.candidates.map((c) => [c.name, c.status, c.reason]),
      [
        ['tensorflow-gpu', 'skipped', '@tensorflow/tfjs-node-gpu not installed'],
        ['webgpu', 'skipped', 'webgpu not installed'],
        ['tensorflow', 'skipped', '@tensorflow/tfjs-node not installed'],
        [
          'wasm',
          'chosen',
          `WebAssembly (XNNPACK, SIMD, ${wantedThreads()} threads) with radnb convolution gradients and SIMD kernels`,
        ],
        ['cpu', 'not tried', 'wasm was chosen first'],
      ],
    );
    assert.match(info.reason, /^wasm — @tensorflow\/tfjs-node-gpu not installed; webgpu not installed; /);
    assert.deepEqual(backend(), info);
  });

  it('a forced backend is used even when a faster one is available', async () => {
    const info = await initBackend({ prefer: 'cpu' });
    assert.equal(info.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.ok(info.candidates.filter((c) => c.name !== 'cpu').every((c) => c.status === 'not tried'));
    await initBackend({ prefer: 'wasm' });
    assert.equal(tf.getBackend(), 'wasm');
  });

  it("a notebook's initBackend() keeps the backend the kernel was forced to", async () => {
    await initBackend({ prefer: 'cpu' });
    const info = await initBackend();
    assert.equal(info.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    await initBackend({ prefer: 'auto' });
    assert.notEqual(tf.getBackend(), 'cpu', "'auto' still picks the fastest");
  });

  it('a forced backend that cannot start fails with its reason', async () => {
    const probes: Array<[BackendName, BackendProbe]> = [
      [
        'tensorflow-gpu',
        fails('@tensorflow/tfjs-node-gpu failed to load: libcudnn.so.8: cannot open shared object file'),
      ],
      ['cpu', works('cpu')],
    ];
    await assert.rejects(
      selectBackend(tf, probes, 'tensorflow-gpu'),
      (err: Error) => err instanceof BackendError && /libcudnn\.so\.8/.test(err.message),
    );
    await assert.rejects(selectBackend(tf, probes, 'gpu' as BackendName), /unknown backend 'gpu'/);
  });

  it('the first working candidate wins and the skipped ones keep their reasons', async () => {
    const info = await selectBackend(
      tf,
      [
        ['tensorflow-gpu', fails('libcudnn.so.8 not found')],
        ['webgpu', fails('webgpu: only a software adapter (llvmpipe), slower than wasm')],
        ['tensorflow', works('tensorflow')],
        ['wasm', works('wasm')],
      ],
      'auto',
    );
    assert.equal(info.name, 'tensorflow');
    assert.equal(info.tfjsBackend, 'tensorflow');
    assert.equal(
      info.reason,
      'tensorflow — libcudnn.so.8 not found; webgpu: only a software adapter (llvmpipe), slower than wasm',
    );
    assert.deepEqual(
      info.candidates.map((c) => c.status),
      ['skipped', 'skipped', 'chosen', 'not tried'],
    );
  });

  it('an optional package whose native library fails to load is reported by its first error line', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'radnb-backend-'));
    const broken = path.join(dir, 'broken.js');
    writeFileSync(
      broken,
      `throw new Error('libcudnn.so.8: cannot open shared object file: No such file or directory\\n    at dlopen');`,
    );
    assert.deepEqual(requireOptional(broken), {
      reason: `${broken} failed to load: libcudnn.so.8: cannot open shared object file: No such file or directory`,
    });
    assert.deepEqual(requireOptional('radnb-no-such-package'), { reason: 'radnb-no-such-package not installed' });
  });

  it('finds optional packages in extra folders (where the extension installs them)', () => {
    const storage = mkdtempSync(path.join(tmpdir(), 'radnb-storage-'));
    mkdirSync(path.join(storage, 'node_modules', 'radnb-fake-backend'), { recursive: true });
    writeFileSync(
      path.join(storage, 'node_modules', 'radnb-fake-backend', 'index.js'),
      'module.exports = { loaded: true };',
    );
    assert.deepEqual(requireOptional('radnb-fake-backend', [storage]), { module: { loaded: true } });
    assert.deepEqual(requireOptional('radnb-fake-backend'), { reason: 'radnb-fake-backend not installed' });
  });
});
