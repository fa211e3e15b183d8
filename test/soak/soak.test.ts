// Issue 8: repeated training-and-display runs in one kernel must not leak tensors, heap or handles.
// (bench/soak.ts runs the 200-execution version and reports the numbers in README.)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { soak } from '../../bench/support/soakRun';
import { writePhantomDataset } from '../../src/medical/phantomDicom';

test('40 training-and-display runs in one kernel: no tensor growth, bounded heap and handles', async () => {
  // Each run also loads and shows a DICOM file: a phantom CT slice written by radnb's writer.
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-soak-'));
  try {
    const written = await writePhantomDataset(dir, 1, { slices: 1 });
    const samples = await soak(40, path.join(dir, written.series[0].slices[0]));
    const warm = samples[9];
    const last = samples[samples.length - 1];
    assert.equal(last.tensors, warm.tensors, `tensors grew from ${warm.tensors} to ${last.tensors}`);
    assert.ok(last.heapMb - warm.heapMb < 20, `heap grew ${(last.heapMb - warm.heapMb).toFixed(1)} MiB over 30 runs`);
    assert.ok(last.handles - warm.handles <= 2, `open handles grew from ${warm.handles} to ${last.handles}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
