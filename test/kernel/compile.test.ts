// The cell compiler: TypeScript in, a REPL-mode script out. The compiled script is run here against a
// fake runtime object (the one the kernel installs as `__radnb`) to check what the rewrites *do*:
// which modules load, which bindings a cell gets, which awaits go through the interrupt check.
import assert from 'node:assert/strict';
import { SourceMap } from 'node:module';
import { describe, test } from 'node:test';
import { CompileError, RUNTIME, compileCell } from '../../src/kernel/compile';
import { defaultExport } from '../../src/kernel/moduleLoader';

type Namespace = Record<string, unknown>;

interface FakeRuntimeRun {
  /** What the cell's `result` expression evaluated to. */
  result: unknown;
  /** Specifiers in the order the cell imported them. */
  imported: string[];
  /** How many awaits went through the interrupt check. */
  checkedAwaits: number;
}

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
  ...args: string[]
) => (runtime: unknown) => Promise<unknown>;

/** Compiles a cell and runs it as the body of an async function, returning the value of `resultExpr`. */
async function runCompiled(
  source: string,
  modules: Record<string, Namespace>,
  resultExpr: string,
): Promise<FakeRuntimeRun> {
  const { js } = await compileCell(source, 'Cell 1');
  const imported: string[] = [];
  let checkedAwaits = 0;
  const runtime = {
    import: async (specifier: string) => {
      imported.push(specifier);
      const ns = modules[specifier];
      if (!ns) throw new Error(`test module ${specifier} not provided`);
      return ns;
    },
    defaultExport,
    checked: (value: unknown) => {
      checkedAwaits++;
      return Promise.resolve(value);
    },
  };
  const body = `${js}\nreturn (${resultExpr});`;
  const result = await new AsyncFunction(RUNTIME, body)(runtime);
  return { result, imported, checkedAwaits };
}

describe('compileCell: TypeScript', () => {
  test('strips types, interfaces, generics, casts and enums keep their runtime meaning', async () => {
    const source = [
      'interface Point { x: number; y: number }',
      'type Pair<T> = [T, T];',
      'enum Color { Red = 1, Green }',
      'function swap<T>(p: Pair<T>): Pair<T> { return [p[1], p[0]]; }',
      'const p = { x: 1, y: 2 } as Point;',
      'const q: Pair<number> = swap<number>([p.x, p.y]);',
    ].join('\n');
    const { js } = await compileCell(source, 'Cell 1');
    assert.doesNotMatch(js, /interface|Pair<|: number|as Point/);
    const run = await runCompiled(source, {}, '[q, Color.Green]');
    assert.deepEqual(run.result, [[2, 1], 2]);
  });

  test('keeps a source map from the compiled script back to the TypeScript lines', async () => {
    const source = ['interface A {', '  a: number;', '}', 'type B = A;', '', 'const marker: B = { a: 1 };'].join('\n');
    const { js, map } = await compileCell(source, 'Cell 1');
    const jsLines = js.split('\n');
    const line = jsLines.findIndex((l) => l.includes('marker'));
    const entry = new SourceMap(JSON.parse(map)).findEntry(line, jsLines[line].indexOf('marker')) as {
      originalLine: number;
    };
    assert.equal(entry.originalLine, 5, 'marker is on TypeScript line 6 (0-based 5)');
  });

  test('a syntax error gives the line and column in the cell', async () => {
    await assert.rejects(compileCell('const ok = 1;\nlet z: = ;', 'Cell 4'), (err: unknown) => {
      assert.ok(err instanceof CompileError);
      assert.equal(err.line, 2);
      assert.equal(err.column, 8);
      assert.match(err.message, /Unexpected "="/);
      return true;
    });
  });
});

describe('compileCell: imports and exports', () => {
  const lib: Namespace = { default: 'lib-default', greet: (n: string) => `hi ${n}`, 'kebab-name': 7 };
  const cjs: Namespace = { add: (a: number, b: number) => a + b }; // a CJS namespace without `default`

  test('default, named, renamed, namespace and string-named imports bind like ESM', async () => {
    const source = [
      "import d, { greet, greet as hello, 'kebab-name' as kebab } from 'lib';",
      "import * as ns from 'lib';",
      "import c from 'cjs';",
    ].join('\n');
    const run = await runCompiled(
      source,
      { lib, cjs },
      "[d, greet('a'), hello('b'), kebab, ns.greet('c'), c.add(1, 2)]",
    );
    assert.deepEqual(run.result, ['lib-default', 'hi a', 'hi b', 7, 'hi c', 3]);
    assert.deepEqual(run.imported, ['lib', 'lib', 'cjs']);
  });

  test('a side-effect import still loads the module, in source order', async () => {
    const run = await runCompiled(
      "import 'first';\nimport { greet } from 'lib';\nimport 'last';",
      { first: {}, lib, last: {} },
      'greet("x")',
    );
    assert.deepEqual(run.imported, ['first', 'lib', 'last']);
  });

  test('type-only imports are dropped, never loaded', async () => {
    const source =
      "import type { Tensor } from 'types-only';\nimport { type Rank, greet } from 'lib';\nconst t: Tensor | Rank | null = null;";
    const run = await runCompiled(source, { lib }, 'typeof greet');
    assert.deepEqual(run.imported, ['lib']);
    assert.equal(run.result, 'function');
  });

  test('an import the cell itself does not use is kept for later cells', async () => {
    const run = await runCompiled("import { greet } from 'lib';", { lib }, "greet('later')");
    assert.equal(run.result, 'hi later');
  });

  test('`export` declarations become plain bindings of the notebook', async () => {
    const source =
      'export const k = 3;\nexport function double(v: number) { return 2 * v; }\nexport class Box { v = 1 }\nexport { k as kay };';
    const run = await runCompiled(source, {}, '[k, double(k), new Box().v]');
    assert.deepEqual(run.result, [3, 6, 1]);
  });

  test('a multi-line import keeps the line numbers of the code after it', async () => {
    const source = ['import {', '  greet,', '  greet as again,', "} from 'lib';", 'const marker = 1;'].join('\n');
    const { js } = await compileCell(source, 'Cell 1');
    assert.equal(
      js.split('\n').findIndex((l) => l.includes('marker')),
      4,
    );
    const run = await runCompiled(source, { lib }, 'again("x")');
    assert.equal(run.result, 'hi x');
  });

  test('dynamic import() goes through the kernel loader', async () => {
    const run = await runCompiled(
      "const pending = import('lib');\nconst m = await pending;\nconst name = 'cjs';\nconst n = await Promise.resolve().then(() => import(name));",
      { lib, cjs },
      'm.greet("d") + n.add(1, 1)',
    );
    assert.equal(run.result, 'hi d2');
    assert.deepEqual(run.imported, ['lib', 'cjs']);
  });
});

describe('compileCell: await', () => {
  test('every await, nested in functions and loops too, goes through the interrupt check', async () => {
    const source = [
      'async function twice(v: number) { return 2 * (await Promise.resolve(v)); }',
      'let sum = 0;',
      'for (let i = 0; i < 3; i++) sum += await twice(i);',
    ].join('\n');
    const run = await runCompiled(source, {}, 'sum');
    assert.equal(run.result, 6);
    assert.equal(run.checkedAwaits, 6, '3 awaits in twice() + 3 in the loop');
  });

  test('`for await` and awaits inside template literals and arguments still compute the same values', async () => {
    const source = [
      'async function* gen() { yield 1; yield 2; }',
      'let total = 0;',
      'for await (const v of gen()) total += v;',
      'const label = `n=${await Promise.resolve(total)}`;',
      'const arr = [await 1, Math.max(await 2, await 3)];',
    ].join('\n');
    const run = await runCompiled(source, {}, '[label, arr]');
    assert.deepEqual(run.result, ['n=3', [1, 3]]);
  });
});
