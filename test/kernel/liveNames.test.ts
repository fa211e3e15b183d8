// Completion and inspection from live values (what Jupyter's Tab and Shift-Tab ask the kernel): names of
// earlier cells' top-level declarations and members of their values, without running code with side effects.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KernelClient } from '../../src/kernel/client';
import { needFile } from '../support/env';
import { runOk, startKernel } from './harness';

let kernel: KernelClient;

before(async () => {
  kernel = await startKernel();
  await runOk(
    kernel,
    [
      'const scan = { rows: 512, columns: 512, window: { center: 40, width: 400 } };',
      'let counter = 0;',
      'const watched = { get tick() { counter++; return counter; }, plain: 1 };',
      'class Study { describe(): string { return "a study"; } }',
      'function resample(image: number[], factor = 2): number[] { return image.map((v) => v * factor); }',
      'const title = "chest CT";',
    ].join('\n'),
  );
});

after(() => kernel.shutdown());

const at = (code: string) => ({ code, cursor: code.length });

test('top-level names of earlier cells complete, with globals, and never the kernel internals', async () => {
  const { code, cursor } = at('const n = sc');
  const reply = await kernel.complete(code, cursor);
  assert.deepEqual(reply.matches, ['scan']);
  assert.equal(reply.start, code.length - 2);
  assert.equal(reply.end, code.length);
  assert.ok((await kernel.complete('Stu', 3)).matches.includes('Study'));
  assert.ok((await kernel.complete('Mat', 3)).matches.includes('Math'));
  assert.ok((await kernel.complete('aw', 2)).matches.includes('await'));
  assert.deepEqual((await kernel.complete('__radnb', 7)).matches, []);
});

test('members complete from the live value, through chains and on primitives', async () => {
  const members = (await kernel.complete('scan.window.', 12)).matches;
  assert.deepEqual(members.slice(0, 2), ['center', 'width'], 'own members first');
  assert.ok(members.includes('hasOwnProperty'), 'then inherited ones');
  const rows = await kernel.complete('scan.ro', 7);
  assert.deepEqual(rows.matches, ['rows']);
  assert.equal(rows.start, 5);
  assert.ok((await kernel.complete('new Study().desc', 16)).matches.length === 0, 'a call is not evaluated');
  assert.ok((await kernel.complete('title.toUpper', 13)).matches.includes('toUpperCase'));
  assert.deepEqual((await kernel.complete('missing.', 8)).matches, []);
});

test('completing or inspecting never runs a getter with side effects', async () => {
  await kernel.complete('watched.tick.', 13);
  const inspected = await kernel.inspect('watched.tick', 12);
  assert.equal(inspected.found, false);
  const count = await runOk(kernel, 'counter');
  assert.equal(count.result.value?.['text/plain'], '0');
});

test('inspect describes the value at the cursor: objects with a preview, functions with their source', async () => {
  const object = await kernel.inspect('scan', 2);
  assert.equal(object.found, true);
  assert.match(object.text, /^scan: Object/);
  assert.match(object.text, /rows: 512/);
  const fn = await kernel.inspect('resample(', 9);
  assert.equal(fn.found, true);
  assert.match(fn.text, /^resample: function\nfunction resample\(image, factor = 2\)/);
  const text = await kernel.inspect('title', 5);
  assert.equal(text.text, 'title: string\n"chest CT"');
  assert.equal((await kernel.inspect('nothingHere', 4)).found, false);
});

test('an inspected value of a loaded DICOM file shows no identifying value', async (t) => {
  const sample = '/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm';
  if (!needFile(t, sample, 'Debian python3-pydicom test files')) return;
  await runOk(
    kernel,
    `import { readDicom } from 'radnb';\nconst img = await readDicom(${JSON.stringify(sample)});\nconst patient = { name: img.tags().find((t) => t.keyword === 'PatientName')!.value };`,
  );
  const reply = await kernel.inspect('patient', 7);
  assert.equal(reply.found, true);
  assert.match(reply.text, /PatientName redacted/);
});
