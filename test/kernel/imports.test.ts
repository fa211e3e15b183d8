// Importing packages in cells: from the notebook folder's node_modules first (ESM-only and CommonJS),
// then radnb's own packages, with a useful error when a package is missing; and notebook parameters.
// The fixture packages are written into a fresh temp notebook folder.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KernelClient } from '../../src/kernel/client';
import { runCell, runOk, startKernel, valueOf } from './harness';

/** Writes node_modules/<name> with the given files (package.json as an object). */
function writePackage(notebookDir: string, name: string, manifest: object, files: Record<string, string>): void {
  const dir = path.join(notebookDir, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...manifest }));
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
}

function makeNotebookFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-imports-'));
  // ESM-only: `require()` of it fails in Node 20, so only a real ESM import can load it.
  writePackage(
    dir,
    'esm-only',
    { type: 'module', exports: { '.': { import: './index.js' }, './extra': { import: './extra.js' } } },
    {
      'index.js': "export const greet = (name) => `hello ${name}`;\nexport default 'esm default';\n",
      'extra.js': "export const extra = 'subpath';\n",
    },
  );
  writePackage(
    dir,
    'plain-cjs',
    { main: 'lib.js' },
    { 'lib.js': "exports.add = (a, b) => a + b;\nexports.kind = 'cjs';\n" },
  );
  writePackage(
    dir,
    'side-effect',
    { main: 'index.js' },
    { 'index.js': 'globalThis.sideEffectRan = (globalThis.sideEffectRan ?? 0) + 1;\n' },
  );
  // Shadows radnb's own acorn: the notebook's copy must win.
  writePackage(dir, 'acorn', { main: 'index.js' }, { 'index.js': "exports.version = 'notebook copy';\n" });
  // Installed, but its own dependency is not.
  writePackage(dir, 'broken-dep', { main: 'index.js' }, { 'index.js': "require('not-installed-anywhere');\n" });
  writeFileSync(path.join(dir, 'helpers.mjs'), 'export const fromFile = () => 42;\n');
  return dir;
}

let kernel: KernelClient;
before(async () => {
  kernel = await startKernel({ notebookDir: makeNotebookFolder() });
});
after(() => kernel.shutdown());

describe('imports from the notebook folder', () => {
  test('an ESM-only package: default, named, renamed, namespace and subpath imports', async () => {
    await runOk(
      kernel,
      [
        "import esmDefault, { greet, greet as hi } from 'esm-only';",
        "import * as esm from 'esm-only';",
        "import { extra } from 'esm-only/extra';",
      ].join('\n'),
    );
    assert.equal(
      await valueOf(kernel, "JSON.stringify([esmDefault, greet('a'), hi('b'), esm.greet('c'), extra])"),
      '["esm default","hello a","hello b","hello c","subpath"]',
    );
  });

  test('a CommonJS package: default import is module.exports, named exports work too', async () => {
    await runOk(kernel, "import cjs, { add } from 'plain-cjs';");
    assert.equal(await valueOf(kernel, 'JSON.stringify([cjs.kind, cjs.add(1, 2), add(2, 3)])'), '["cjs",3,5]');
  });

  test('require() resolves from the notebook folder as well', async () => {
    assert.equal(await valueOf(kernel, "require('plain-cjs').add(20, 22)"), '42');
  });

  test('a side-effect import runs the module once, like Node', async () => {
    await runOk(kernel, "import 'side-effect';");
    await runOk(kernel, "import 'side-effect';");
    assert.equal(await valueOf(kernel, '(globalThis as any).sideEffectRan'), '1');
  });

  test('dynamic import() loads packages as well', async () => {
    assert.equal(
      await valueOf(kernel, "const dyn = import('esm-only');\n(await dyn).greet('dynamic')"),
      'hello dynamic',
    );
  });

  test('a relative import resolves from the notebook folder', async () => {
    await runOk(kernel, "import { fromFile } from './helpers.mjs';");
    assert.equal(await valueOf(kernel, 'fromFile()'), '42');
  });

  test('Node built-ins import with and without the node: prefix', async () => {
    await runOk(kernel, "import { join } from 'node:path';\nimport os from 'os';");
    assert.equal(await valueOf(kernel, "join('a', 'b') + typeof os.cpus"), 'a/bfunction');
  });

  test("the notebook folder's copy of a package wins over radnb's own", async () => {
    await runOk(kernel, "import * as shadowed from 'acorn';");
    assert.equal(await valueOf(kernel, 'shadowed.version'), 'notebook copy');
  });
});

describe("fallback to radnb's own packages", () => {
  test('a package installed only with radnb imports without any install', async () => {
    await runOk(kernel, "import { simple } from 'acorn-walk';");
    assert.equal(await valueOf(kernel, 'typeof simple'), 'function');
  });
});

describe('missing packages', () => {
  test('the error names the package, where it looked and how to install it', async () => {
    const run = await runCell(kernel, "import chalk from 'no-such-package-xyz';", 'Cell 4');
    assert.equal(run.result.status, 'error');
    assert.equal(run.result.error?.name, 'ModuleNotFoundError');
    const message = run.result.error?.message ?? '';
    assert.match(message, /^Cannot find module 'no-such-package-xyz': looked in .*radnb-imports-\w+\/node_modules/);
    assert.match(message, /Install it in the notebook's folder: npm install no-such-package-xyz$/);
    assert.match(run.result.error?.stack ?? '', /Cell 4:1:/);
  });

  test('a package whose own dependency is missing names that dependency, not the package', async () => {
    const run = await runCell(kernel, "import 'broken-dep';");
    assert.equal(run.result.status, 'error');
    assert.match(run.result.error?.message ?? '', /not-installed-anywhere/);
    assert.doesNotMatch(run.result.error?.message ?? '', /npm install broken-dep/);
  });

  test('a failed import leaves earlier imports and state in place', async () => {
    await runCell(kernel, "import { x } from 'still-missing';");
    assert.equal(await valueOf(kernel, "greet('again')"), 'hello again');
  });
});

describe('parameters', () => {
  test('param() gives the fallback until the runner sets params, then the given value', async () => {
    assert.equal(await valueOf(kernel, "JSON.stringify([param('epochs', 3), Object.keys(params).length])"), '[3,0]');
    // What `radnb run --param epochs=10` injects before the first cell (src/cli/run.ts).
    await runOk(kernel, 'Object.assign(params, {"epochs":10,"fast":true});', 'Parameters');
    assert.equal(
      await valueOf(
        kernel,
        "const epochs: number = param('epochs', 3);\nJSON.stringify([epochs, param('fast', false), param('other', 'x')])",
      ),
      '[10,true,"x"]',
    );
  });
});

describe('TensorFlow.js and the radnb library', () => {
  test('@tensorflow/tfjs imports with no install in the notebook folder, and tensors display', async () => {
    const run = await runOk(kernel, "import * as tf from '@tensorflow/tfjs';\ntf.tensor2d([[1, 2], [3, 4]])");
    assert.match(
      run.result.value?.['text/plain'] as string,
      /^Tensor float32 \[2, 2\]\nmin 1 {2}max 4 {2}mean 2\.5000/,
    );
    assert.equal(run.result.tensors?.leaked, 1, 'the displayed tensor is still alive after the cell');
  });

  test("'radnb' imports the library, sharing the kernel's display protocol", async () => {
    await runOk(kernel, "import { DISPLAY, registerFormatter } from 'radnb';");
    await runOk(kernel, "registerFormatter((v) => v instanceof Date ? { 'text/plain': 'a date' } : undefined);");
    assert.equal(await valueOf(kernel, 'new Date(0)'), 'a date');
    assert.equal(await valueOf(kernel, "DISPLAY === Symbol.for('radnb.display')"), 'true');
  });
});
