// After each cell the kernel describes its top-level variables for the editor (variables view, hover,
// completions of untyped values): what they are, their shape and memory, never an identifying value.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { VariablesMessage } from '../../src/common/kernelProtocol';
import type { KernelClient } from '../../src/kernel/client';
import { repoRoot } from '../support/env';
import { runCell, runOk, startKernel } from './harness';

/** Runs a cell and waits for the variables that follow its result (not those of the cell before). */
async function variablesAfter(kernel: KernelClient, code: string): Promise<VariablesMessage> {
  const received: VariablesMessage[] = [];
  let arrived = () => {};
  kernel.onVariables((message) => {
    received.push(message);
    arrived();
  });
  const { result } = await runCell(kernel, code);
  for (;;) {
    const mine = received.find((m) => m.execId === result.execId);
    if (mine) return mine;
    await new Promise<void>((resolve) => (arrived = resolve));
  }
}

describe('variables after each cell', () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await startKernel();
  });
  after(() => kernel.shutdown());

  test('let, const, var, functions and classes, each with its type and a summary', async () => {
    const { variables } = await variablesAfter(
      kernel,
      "const name = 'lung window';\nlet count = 3;\nvar scores = [0.1, 0.9];\nfunction double(n: number) { return 2 * n; }\nclass Scan {}\nconst sizes = new Map([['ct', 512]]);",
    );
    const byName = Object.fromEntries(variables.map((v) => [v.name, v]));
    assert.deepEqual(Object.keys(byName).sort(), ['Scan', 'count', 'double', 'name', 'scores', 'sizes']);
    assert.deepEqual([byName.name.type, byName.name.length, byName.name.summary], ['string', 11, '"lung window"']);
    assert.deepEqual([byName.count.type, byName.count.summary], ['number', '3']);
    assert.deepEqual([byName.scores.type, byName.scores.length], ['Array', 2]);
    assert.equal(byName.double.type, 'function');
    assert.equal(byName.Scan.type, 'class');
    assert.deepEqual([byName.sizes.type, byName.sizes.length], ['Map', 1]);
    assert.ok(byName.name.members.includes('toUpperCase'), 'members of a string, for completions');
    assert.ok(
      variables.every((v) => !v.name.startsWith('__radnb')),
      "the compiler's own names stay hidden",
    );
  });

  test('a tensor has its shape, dtype, range and bytes, and the total tensor memory comes along', async () => {
    const { variables, tensors } = await variablesAfter(
      kernel,
      "import * as tf from '@tensorflow/tfjs';\nconst t = tf.tensor2d([[1, -2, 3], [4, 5, 6]]);",
    );
    const t = variables.find((v) => v.name === 't');
    assert.deepEqual(t && [t.type, t.shape, t.bytes, t.summary, t.viewable], [
      'Tensor',
      [2, 3],
      24,
      'float32, min -2, max 6',
      true,
    ]);
    assert.equal(variables.find((v) => v.name === 'tf')?.type, 'module');
    assert.ok(tensors && tensors.count >= 1 && tensors.bytes >= 24, JSON.stringify(tensors));
  });

  test('a variable declared after a failure in its cell is left out, not read', async () => {
    const { variables } = await variablesAfter(kernel, "throw new Error('stop');\nconst neverSet = 1;");
    assert.ok(!variables.some((v) => v.name === 'neverSet'));
  });

  test('one value that cannot be described does not hide the others; proxies are not looked into', async () => {
    const { variables } = await variablesAfter(
      kernel,
      "const odd = { dataSync() { return []; }, get shape(): number[] { throw new Error('no shape'); }, dtype: 'float32', size: 1 };\nconst trap = new Proxy({}, { ownKeys() { throw new Error('trap ran'); } });\nconst fine = 1;",
    );
    const byName = Object.fromEntries(variables.map((v) => [v.name, v]));
    assert.equal(byName.fine?.summary, '1');
    assert.equal(byName.trap?.type, 'Proxy');
    assert.ok(byName.odd, 'the look-alike is still listed');
  });

  test('DICOM images and models describe themselves; identifying values are redacted', async () => {
    await runOk(
      kernel,
      `const { registerIdentifiers } = require(${JSON.stringify(path.join(repoRoot, 'out', 'lib', 'index.js'))});\nregisterIdentifiers([{ keyword: 'PatientName', value: 'Doe^Jane' }]);`,
    );
    const { variables } = await variablesAfter(
      kernel,
      [
        "import { readDicom, smallCnn, writePhantomDataset } from 'radnb';",
        "const patient = 'Doe^Jane';",
        "const note = `${'x'.repeat(115)} Doe^Jane was scanned`;",
        "const byPatient = { 'Doe^Jane': 1, other: 2 };",
        "const written = await writePhantomDataset('phantom', 1, { slices: 2, size: 32 });",
        'const slice = await readDicom(`phantom/${written.series[0].slices[0]}`);',
        'const model = smallCnn({ inputShape: [28, 28, 1], filters: [4], denseUnits: 4, seed: 1 });',
      ].join('\n'),
    );
    const byName = Object.fromEntries(variables.map((v) => [v.name, v]));
    assert.doesNotMatch(byName.patient.summary, /Doe/);
    assert.doesNotMatch(byName.note.summary, /Doe|Jan/, 'redacted before it is cut');
    assert.deepEqual(byName.byPatient.members, ['other'], 'identifying keys are not offered as completions');
    assert.match(byName.model.summary, /^[\d,]+ parameters, \d+ layers$/);
    assert.deepEqual(
      [byName.slice?.type, byName.slice?.shape, byName.slice?.summary],
      ['DicomImage', [32, 32], 'CT, 32×32'],
    );
  });
});
