// Running cells in a real kernel process: state, values, streams, display and errors, as a notebook
// user sees them. One kernel serves the whole file, like one notebook, so cells build on each other.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodePng } from '../../src/common/png';
import type { KernelClient } from '../../src/kernel/client';
import { plain, runCell, runOk, startKernel, valueOf } from './harness';

let kernel: KernelClient;
before(async () => {
  kernel = await startKernel();
});
after(() => kernel.shutdown());

describe('state across cells', () => {
  test('a variable from one cell is there in the next', async () => {
    await runOk(kernel, 'const base: number = 40;');
    assert.equal(await valueOf(kernel, 'base + 2'), '42');
  });

  test('re-running a cell that declares `const` works and takes the new value', async () => {
    await runOk(kernel, 'const rerun = 1;');
    await runOk(kernel, 'const rerun = 1;');
    await runOk(kernel, 'const rerun = 5;');
    assert.equal(await valueOf(kernel, 'rerun'), '5');
  });

  test('`const` is still constant for other cells', async () => {
    await runOk(kernel, 'const fixed = 1;');
    const run = await runCell(kernel, 'fixed = 2;');
    assert.equal(run.result.status, 'error');
    assert.equal(run.result.error?.name, 'TypeError');
    assert.match(run.result.error?.message ?? '', /constant/);
    assert.equal(await valueOf(kernel, 'fixed'), '1');
  });

  test('functions and classes persist and can be redefined', async () => {
    await runOk(
      kernel,
      'function area(r: number): number { return 3 * r * r; }\nclass Counter { n = 0; inc() { return ++this.n; } }',
    );
    assert.equal(await valueOf(kernel, 'const c = new Counter(); c.inc(); c.inc() + area(1)'), '5');
    await runOk(kernel, 'class Counter { n = 10; inc() { return ++this.n; } }');
    assert.equal(await valueOf(kernel, 'new Counter().inc()'), '11');
  });

  test('top-level await works and its result is kept', async () => {
    const run = await runOk(
      kernel,
      'const awaited = await new Promise<number>((r) => setTimeout(() => r(21), 50));\nawaited * 2',
    );
    assert.equal(plain(run.result.value), '42');
    assert.ok(run.elapsedMs >= 45, `the cell finished after its await (${run.elapsedMs} ms)`);
    assert.equal(await valueOf(kernel, 'awaited'), '21');
  });
});

test('a second cell sent while one runs is refused, and the first one finishes', async () => {
  const first = runOk(kernel, "await new Promise((r) => setTimeout(r, 100));\n'first'");
  await assert.rejects(runCell(kernel, "'second'"), /already running a cell/);
  assert.equal(plain((await first).result.value), 'first');
});

describe('the value of the last expression', () => {
  test('is shown as text: strings as they are, objects inspected', async () => {
    assert.equal(await valueOf(kernel, "const s1 = 'a';\ns1 + 'b'"), 'ab');
    assert.equal(await valueOf(kernel, '({ a: 1, b: [1, 2] })'), '{ a: 1, b: [ 1, 2 ] }');
    assert.equal(await valueOf(kernel, '10n ** 20n'), '100000000000000000000n');
    assert.equal(await valueOf(kernel, '0 / 0'), 'NaN');
    assert.equal(await valueOf(kernel, 'null'), 'null');
  });

  test('there is no output for undefined: declarations, console.log, void calls', async () => {
    for (const code of [
      'let nothing;',
      'console.log("x")',
      'undefined',
      '[1].forEach(() => 0)',
      'function noop() {}',
    ]) {
      const run = await runOk(kernel, code);
      assert.equal(run.result.value, undefined, code);
    }
  });
});

describe('console output', () => {
  test('console.log and console.error arrive in the order they were written', async () => {
    const run = await runOk(
      kernel,
      "console.log('one'); console.error('two'); console.log('three', 3); console.warn('four');",
    );
    const streams = run.events.flatMap((e) => (e.kind === 'stream' ? [`${e.name}:${e.text}`] : []));
    assert.deepEqual(streams, ['stdout:one\n', 'stderr:two\n', 'stdout:three 3\n', 'stderr:four\n']);
  });

  test('output streams while the cell is still running', async () => {
    const run = await runOk(
      kernel,
      "console.log('first');\nawait new Promise((r) => setTimeout(r, 500));\nconsole.log('second');\n'done'",
    );
    const first = run.events.find((e) => e.kind === 'stream' && e.text.includes('first'));
    assert.ok(first, 'the first line arrived');
    assert.ok(first.at < 250, `first line arrived after ${first.at.toFixed(0)} ms, not while the cell waited`);
    assert.ok(run.elapsedMs >= 500);
    assert.equal(run.stdout, 'first\nsecond\n');
  });

  test('1,000 lines all arrive, in order, in far fewer messages than lines', async () => {
    const run = await runOk(kernel, 'for (let i = 0; i < 1000; i++) console.log(`line ${i}`);');
    const expected = Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join('');
    assert.equal(run.stdout, expected);
    assert.ok(run.events.length < 100, `${run.events.length} messages for 1,000 lines`);
  });

  test('process.stdout.write without a newline and binary writes come through', async () => {
    const run = await runOk(
      kernel,
      "process.stdout.write('no newline'); process.stdout.write(Buffer.from(' bytes ü'));",
    );
    assert.equal(run.stdout, 'no newline bytes ü');
  });
});

describe('display protocol', () => {
  test('display() shows outputs in place among console output and returns a handle', async () => {
    const run = await runOk(
      kernel,
      "console.log('before');\nconst h1 = display({ step: 1 });\nconsole.log('after');\nh1.id",
    );
    const order = run.events.map((e) => (e.kind === 'stream' ? e.text : `display:${plain(e.bundle)}`));
    assert.deepEqual(order, ['before\n', 'display:{ step: 1 }', 'after\n']);
    assert.equal(plain(run.result.value), run.displays[0].displayId);
    assert.equal(run.displays[0].update, false);
  });

  test('display.update() replaces the output behind a handle, also from a later cell', async () => {
    const run = await runOk(kernel, "const progress = display('0 %');\ndisplay.update(progress, '50 %');");
    assert.deepEqual(
      run.displays.map((d) => [d.displayId, plain(d.bundle), d.update]),
      [
        [run.displays[0].displayId, '0 %', false],
        [run.displays[0].displayId, '50 %', true],
      ],
    );
    const later = await runOk(kernel, "display.update(progress, '100 %');\ndisplay.update(progress.id, 'done');");
    assert.deepEqual(
      later.displays.map((d) => [d.displayId, plain(d.bundle), d.update]),
      [
        [run.displays[0].displayId, '100 %', true],
        [run.displays[0].displayId, 'done', true],
      ],
    );
  });

  test('display() with a chosen id, and each display gets its own id otherwise', async () => {
    const run = await runOk(kernel, "display('a', { id: 'my-plot' }); display('b'); display('c');");
    const ids = run.displays.map((d) => d.displayId);
    assert.equal(ids[0], 'my-plot');
    assert.notEqual(ids[1], ids[2]);
  });

  test("an object's [Symbol.for('radnb.display')]() chooses its MIME bundle, sync or async", async () => {
    const run = await runOk(
      kernel,
      [
        "class Report { [Symbol.for('radnb.display')]() { return { 'text/html': '<b>AUC 0.9</b>', 'text/plain': 'AUC 0.9', 'application/vnd.radnb.metrics+json': { auc: 0.9 } }; } }",
        "display({ async [Symbol.for('radnb.display')]() { return { 'text/markdown': '# later' }; } });",
        'new Report()',
      ].join('\n'),
    );
    assert.deepEqual(run.result.value, {
      'text/html': '<b>AUC 0.9</b>',
      'text/plain': 'AUC 0.9',
      'application/vnd.radnb.metrics+json': '{"auc":0.9}',
    });
    assert.deepEqual(run.displays[0].bundle, { 'text/markdown': '# later' });
  });

  test('display helpers: html, markdown, text, json', async () => {
    const run = await runOk(
      kernel,
      "display.html('<i>x</i>'); display.markdown('**m**'); display.text('t'); display.json({ a: [1] });",
    );
    assert.deepEqual(
      run.displays.map((d) => d.bundle),
      [
        { 'text/html': '<i>x</i>' },
        { 'text/markdown': '**m**' },
        { 'text/plain': 't' },
        { 'application/json': '{"a":[1]}' },
      ],
    );
  });

  test('a cell that ends in a display call shows the display only, not its handle as a result', async () => {
    // As IPython's display() returns None: one output, no `{ id: 'radnb-display-…' }` below it.
    for (const call of [
      "display.markdown('**m**')",
      "display('x')",
      "display.html('<i>x</i>');",
      "display.text('t')",
      'display.json({ a: 1 })',
    ]) {
      const run = await runOk(kernel, call);
      assert.equal(run.displays.length, 1, call);
      assert.equal(run.result.value, undefined, `${call} added a result: ${plain(run.result.value)}`);
    }
    const kept = await runOk(
      kernel,
      "const shown = display.markdown('first');\ndisplay.update(shown, 'second');\nshown",
    );
    assert.equal(kept.result.value, undefined);
    const later = await runOk(kernel, "display.update(shown, 'third');\nshown.id");
    assert.deepEqual(
      later.displays.map((d) => [d.displayId, plain(d.bundle), d.update]),
      [[kept.displays[0].displayId, 'third', true]],
    );
    assert.equal(
      plain(later.result.value),
      kept.displays[0].displayId,
      'the handle is still a value to keep and pass on',
    );
  });

  test('a tensor shows shape, dtype, statistics and a preview', async () => {
    // Shaped like a tf.Tensor: the kernel recognises tensors without loading tfjs itself.
    const code = [
      'const data = Float32Array.from({ length: 20 }, (_, i) => i);',
      "({ shape: [2, 10], dtype: 'float32', size: 20, dataSync: () => data })",
    ].join('\n');
    const value = (await runOk(kernel, code)).result.value;
    const text = plain(value) ?? '';
    assert.match(text, /^Tensor float32 \[2, 10\]/);
    assert.match(text, /min 0 {2}max 19 {2}mean 9\.5000/);
    assert.match(text, /\[0, 1, 2, \.\.\., 7, 8, 9\]/);
    assert.match(text, /\[10, 11, 12, \.\.\., 17, 18, 19\]/);
    assert.match(String(value?.['text/html']), /<strong>Tensor float32 \[2, 10\]<\/strong>/);
  });

  test('a disposed tensor says so instead of reading freed memory', async () => {
    const code =
      "({ shape: [3], dtype: 'float32', size: 3, isDisposed: true, dataSync: () => { throw new Error('disposed'); } })";
    assert.equal(await valueOf(kernel, code), 'Tensor float32 [3] (disposed)');
  });

  test('PNG bytes show as an image, as the last value and through display.png', async () => {
    const png = encodePng(
      Uint8Array.from({ length: 16 }, (_, i) => i * 16),
      4,
      4,
    );
    const literal = `new Uint8Array([${[...png].join(',')}])`;
    const run = await runOk(kernel, `const pngBytes = ${literal};\ndisplay.png(pngBytes);\npngBytes`);
    const image = run.result.value?.['image/png'];
    assert.ok(image instanceof Uint8Array, 'image/png travels as bytes');
    assert.deepEqual(Buffer.from(image), png);
    assert.equal(plain(run.result.value), `<PNG image, ${png.length} bytes>`);
    assert.deepEqual(Buffer.from(run.displays[0].bundle['image/png'] as Uint8Array), png);
  });

  test('bytes that are not a PNG are not shown as an image', async () => {
    const value = (await runOk(kernel, 'new Uint8Array([1, 2, 3])')).result.value;
    assert.equal(value?.['image/png'], undefined);
    assert.match(plain(value) ?? '', /Uint8Array\(3\)/);
  });
});

describe('errors', () => {
  test('the stack names the cell and the line of its TypeScript source', async () => {
    const code = [
      'interface Reading {', //      1: erased by the compiler, so JS lines differ from TS lines
      '  value: number;',
      '}',
      'const reading: Reading = { value: -1 };',
      'if (reading.value < 0) {',
      "  throw new RangeError('negative reading ' + reading.value);", // 6
      '}',
    ].join('\n');
    const run = await runCell(kernel, code, 'Cell 5');
    assert.equal(run.result.status, 'error');
    const error = run.result.error!;
    assert.equal(error.name, 'RangeError');
    assert.equal(error.message, 'negative reading -1');
    assert.match(error.stack, /^RangeError: negative reading -1\n\s+at Cell 5:6:9$/);
  });

  test('a function defined in one cell and called from another names both cells and lines', async () => {
    await runOk(
      kernel,
      'type Id = string;\n\nfunction loadStudy(id: Id): never {\n  throw new Error(`no study ${id}`);\n}',
      'Cell 2',
    );
    const run = await runCell(kernel, "const id: string = 'X1';\nloadStudy(id);", 'Cell 3');
    const stack = run.result.error?.stack ?? '';
    assert.match(stack, /at loadStudy \(Cell 2:4:9\)/);
    assert.match(stack, /at Cell 3:2:1/);
    assert.doesNotMatch(stack, /out[/\\]kernel|node:internal|radnb-cell\.js/, 'no kernel-internal frames');
  });

  test('an error after an await still maps to the cell line', async () => {
    const run = await runCell(kernel, 'await Promise.resolve();\n\nnull!.toString();', 'Cell 6');
    assert.equal(run.result.error?.name, 'TypeError');
    assert.match(run.result.error?.stack ?? '', /Cell 6:3:/);
  });

  test('throwing a non-Error value reports the value', async () => {
    const run = await runCell(kernel, 'throw { code: 42 };');
    assert.equal(run.result.status, 'error');
    assert.match(run.result.error?.message ?? '', /Uncaught \{ code: 42 \}/);
  });

  test('a syntax error names the cell, line and column and leaves the state alone', async () => {
    await runOk(kernel, 'const survivor = 1;');
    const run = await runCell(kernel, 'const a = 1;\nlet z: = ;', 'Cell 8');
    assert.equal(run.result.error?.name, 'SyntaxError');
    assert.match(run.result.error?.message ?? '', /\(Cell 8:2:8\)/);
    assert.equal(await valueOf(kernel, 'survivor'), '1');
  });

  test('a failing cell keeps the output it wrote before the error', async () => {
    const run = await runCell(kernel, "console.log('partial');\ndisplay('shown');\nthrow new Error('late');");
    assert.equal(run.stdout, 'partial\n');
    assert.equal(plain(run.displays[0].bundle), 'shown');
    assert.equal(run.result.status, 'error');
  });
});

describe('large outputs', () => {
  const maxOutputBytes = 4096;
  let small: KernelClient;
  before(async () => {
    small = await startKernel({ maxOutputBytes });
  });
  after(() => small.shutdown());

  test('a huge text value is truncated with a note saying how much there was', async () => {
    const text = plain((await runOk(small, "'x'.repeat(100_000)")).result.value) ?? '';
    assert.ok(Buffer.byteLength(text) < maxOutputBytes + 200, `${Buffer.byteLength(text)} bytes kept`);
    assert.match(text, /^x{1000}/);
    assert.match(text, /\[radnb: output truncated — 97\.7 KiB in all, 4\.0 KiB shown\]$/);
  });

  test('a binary item over the limit is left out with a note naming it and the setting', async () => {
    const run = await runOk(
      small,
      "display({ [Symbol.for('radnb.display')]: () => ({ 'image/png': new Uint8Array(10_000), 'text/plain': 'a picture' }) })",
    );
    const bundle = run.displays[0].bundle;
    assert.equal(bundle['image/png'], undefined);
    assert.match(
      plain(bundle) ?? '',
      /^a picture\n\[radnb: output too large — left out image\/png \(9\.8 KiB\); the limit is 4\.0 KiB \(setting radnb\.output\.maxBytes\)\]$/,
    );
  });
});
