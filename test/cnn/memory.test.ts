// Per-cell memory accounting: snapshots before tfjs loads cost nothing, leaks are reported with a hint.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { leakReport, memorySnapshot } from '../../src/cnn/memory';
import { repoRoot } from '../support/env';

describe('memory snapshots', () => {
  it('before tfjs is loaded: an empty snapshot, and tfjs stays unloaded', () => {
    const script = `const m = require('./src/cnn/memory'); const s = m.memorySnapshot();
      console.log(JSON.stringify([s, Object.keys(require.cache).some((k) => k.includes('@tensorflow'))]))`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [{ loaded: false, backend: null, numTensors: 0, numBytes: 0 }, false]);
  });

  it('counts what a cell leaves behind and says how to fix it', async () => {
    const tf = await import('@tensorflow/tfjs');
    const { initBackend } = await import('../../src/cnn/backend');
    await initBackend({ prefer: 'wasm' });
    const before = memorySnapshot();
    const kept = tf.zeros([256, 256]);
    tf.tidy(() => {
      tf.ones([10]).add(1); // a temporary that tidy frees
    });
    const after = memorySnapshot();
    assert.equal(after.backend, 'wasm');
    const report = leakReport(before, after);
    assert.deepEqual([report.tensors, report.bytes, report.leaked], [1, 256 * 256 * 4, true]);
    assert.equal(
      report.message,
      'this cell left 1 more tensor (256.0 KiB) allocated — if they are temporaries, wrap the code in tf.tidy() or call tf.dispose()',
    );
    kept.dispose();
    const clean = leakReport(before, memorySnapshot());
    assert.deepEqual(clean, { tensors: 0, bytes: 0, leaked: false, message: '' });
  });
});
