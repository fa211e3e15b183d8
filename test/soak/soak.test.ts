// Issue 8: repeated training-and-display runs in one kernel must not leak tensors, heap or handles.
// (bench/soak.ts runs the 200-execution version and reports the numbers in README.)
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { soak } from '../../bench/support/soakRun';

const DICOM = '/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm';

test('40 training-and-display runs in one kernel: no tensor growth, bounded heap and handles', async () => {
  const samples = await soak(40, existsSync(DICOM) ? DICOM : undefined);
  const warm = samples[9];
  const last = samples[samples.length - 1];
  assert.equal(last.tensors, warm.tensors, `tensors grew from ${warm.tensors} to ${last.tensors}`);
  assert.ok(last.heapMb - warm.heapMb < 20, `heap grew ${(last.heapMb - warm.heapMb).toFixed(1)} MiB over 30 runs`);
  assert.ok(last.handles - warm.handles <= 2, `open handles grew from ${warm.handles} to ${last.handles}`);
});
