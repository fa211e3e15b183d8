// Memory hygiene per cell: the kernel reports tensors alive after each cell and how many the cell left
// behind, which the status bar turns into a warning.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { leakWarning } from '../../src/common/kernelProtocol';
import type { KernelClient } from '../../src/kernel/client';
import { runOk, startKernel } from './harness';

let kernel: KernelClient;
before(async () => {
  kernel = await startKernel();
  await runOk(kernel, "import * as tf from '@tensorflow/tfjs';");
});
after(() => kernel.shutdown());

test('a cell that leaves tensors alive is reported with the count, a tidy cell is not', async () => {
  const leaky = await runOk(kernel, 'const kept = tf.zeros([2, 2]);\ntf.ones([3]).add(1);\n0');
  assert.equal(leaky.result.tensors?.leaked, 3);
  assert.match(leakWarning('Cell 2', leaky.result.tensors) ?? '', /^Cell 2 left 3 more tensors alive .*tf\.tidy\(\)/);
  const tidy = await runOk(kernel, 'tf.tidy(() => tf.ones([3]).add(1).sum().dataSync()[0])');
  assert.equal(tidy.result.tensors?.leaked, 0);
  assert.equal(leakWarning('Cell 3', tidy.result.tensors), undefined);
  assert.equal(tidy.result.tensors?.count, leaky.result.tensors?.count);
});
