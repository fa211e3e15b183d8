// One byte formatter for every message that names a size (outputs cut by the limit or the save policy,
// tensors a cell leaves behind).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes } from '../../src/common/formatBytes';

test('byte counts read in binary units with one decimal above a KiB', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(100_000), '97.7 KiB');
  assert.equal(formatBytes(3 * 1024 * 1024), '3.0 MiB');
  assert.equal(formatBytes(5 * 1024 ** 3), '5.0 GiB');
  assert.equal(formatBytes(-2048), '−2.0 KiB');
});
