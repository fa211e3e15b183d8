// Kernel behaviour found missing by review and fixed since: each test failed before its fix.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { compileCell } from '../../src/kernel/compile';
import type { KernelClient } from '../../src/kernel/client';
import { plain, runCell, runOk, sleep, startKernel, valueOf } from './harness';

let kernel: KernelClient;
before(async () => {
  kernel = await startKernel({ maxOutputBytes: 4096 });
});
after(() => kernel.shutdown());

test('compile: `await import(x)` awaits the import, it does not import the await check', async () => {
  const { js } = await compileCell("const m = await import('node:path');", 'Cell 1');
  assert.doesNotMatch(js, /import\(__radnb\.checked\(/);
  assert.equal(await valueOf(kernel, "const p = await import('node:path');\np.join('a', 'b')"), 'a/b');
});

test('the last expression is shown even when it is a constant esbuild can fold', async () => {
  for (const [code, expected] of [
    ["'a' + 'b'", 'ab'],
    ['-5', '-5'],
    ['!0', 'true'],
    ["'n=' + 1", 'n=1'],
  ]) {
    assert.equal(await valueOf(kernel, code), expected, code);
  }
});

test('console output of a busy synchronous cell streams before the cell ends, also when run right after another cell', async () => {
  await runOk(kernel, '1');
  const run = await runOk(
    kernel,
    "console.log('starting');\nconst until = Date.now() + 1000;\nwhile (Date.now() < until) {}",
  );
  const first = run.events.find((e) => e.kind === 'stream');
  assert.ok(first && first.at < 500, `'starting' arrived after ${first?.at.toFixed(0)} ms of a 1,000 ms cell`);
});

test('console output is capped like any other output: maxOutputBytes per cell, with a note', async () => {
  const run = await runOk(kernel, "console.log('x'.repeat(1_000_000));");
  assert.ok(
    run.stdout.length < 4096 + 500,
    `${run.stdout.length} bytes of stdout reached the editor with a 4 KiB limit`,
  );
  assert.match(run.stdout, /radnb: output truncated/);
});

test('a missing package imported by a subpath tells to install the package, not the subpath', async () => {
  const run = await runCell(kernel, "import fp from 'no-such-lib/fp';");
  assert.match(run.result.error?.message ?? '', /npm install no-such-lib$/);
});

test('an interrupt sent while no cell runs does not cancel the next cell', async () => {
  await runOk(kernel, 'setTimeout(() => { while (true) {} }, 20);');
  await sleep(200);
  kernel.interrupt(); // stops the runaway timer
  const run = await runCell(kernel, "'next cell'");
  assert.equal(run.result.status, 'ok');
  assert.equal(plain(run.result.value), 'next cell');
});

test('a promise rejected inside a cell and never awaited is reported, not silently lost', async () => {
  const cell = await runOk(
    kernel,
    "(async () => { throw new Error('forgot to await'); })();\nPromise.reject(new Error('nobody caught this'));\n'done'",
  );
  const next = await runOk(kernel, 'await new Promise((r) => setTimeout(r, 100));');
  assert.match(cell.stderr + next.stderr, /Error: forgot to await/);
  assert.match(cell.stderr + next.stderr, /Error: nobody caught this/);
});
