// The language service reads a notebook's cells as the kernel runs them: in document order, each cell
// seeing what the cells above it declared (imports included), later declarations winning.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';
import type { CellDiagnostic, CellText } from '../../src/common/cellLanguage';
import { radnbTypesAt } from '../../src/language/compilerOptions';
import { NotebookLanguageService } from '../../src/language/notebookLanguageService';
import { repoRoot } from '../support/env';

const radnb = radnbTypesAt(repoRoot);
const registry = ts.createDocumentRegistry();

function notebookIn(
  dir = mkdtempSync(path.join(tmpdir(), 'radnb-ls-')),
  isCancelled?: () => boolean,
): NotebookLanguageService {
  return new NotebookLanguageService({ ts, notebookFile: path.join(dir, 'study.radnb'), radnb, registry, isCancelled });
}

/** Cells named c1, c2, … in the order given. */
function cells(...texts: string[]): CellText[] {
  return texts.map((text, i) => ({ id: `c${i + 1}`, text }));
}

function errors(service: NotebookLanguageService, cellId: string): string[] {
  return service
    .diagnostics(cellId)
    .filter((d: CellDiagnostic) => d.severity === 'error')
    .map((d) => `${d.range.start.line}:${d.range.start.character} TS${d.code} ${d.message}`);
}

function typeAt(service: NotebookLanguageService, cellId: string, line: number, character: number): string | undefined {
  return service.quickInfo(cellId, { line, character })?.signature;
}

describe('cells in document order', () => {
  test('a cell sees what the cells above declare, and not what the cells below declare', () => {
    const service = notebookIn();
    service.update(cells('const spacing = { rowMm: 0.5, colMm: 0.7 };', 'spacing.rowMm + later;', 'const later = 1;'));
    assert.deepEqual(errors(service, 'c1'), []);
    assert.deepEqual(errors(service, 'c2'), ["0:16 TS2304 Cannot find name 'later'."]);
    const members = service.completions('c2', { line: 0, character: 8 }, '.').entries.map((e) => e.name);
    assert.deepEqual(members.sort(), ['colMm', 'rowMm']);
  });

  test("names an earlier cell imported are this cell's too, with their types", () => {
    const service = notebookIn();
    service.update(
      cells(
        "import * as tf from '@tensorflow/tfjs';\nimport { readDicom, smallCnn } from 'radnb';\nconst model = smallCnn({ inputShape: [28, 28, 1], filters: [4, 8], denseUnits: 8, seed: 1 });",
        'model.\n',
        "const t = tf.zeros([2, 2]);\nconst image = await readDicom('ct.dcm');",
      ),
    );
    const members = service.completions('c2', { line: 0, character: 6 }, '.');
    assert.ok(members.isMemberCompletion);
    assert.ok(
      members.entries.some((e) => e.name === 'predict'),
      'a LayersModel offers predict()',
    );
    assert.equal(typeAt(service, 'c2', 0, 2), 'const model: tf.LayersModel');
    assert.deepEqual(errors(service, 'c3'), []);
    assert.equal(typeAt(service, 'c3', 1, 8), 'const image: DicomImage');
  });

  test('declaring a name again is not an error, and from there on the new declaration wins', () => {
    const service = notebookIn();
    service.update(
      cells(
        'const x = 1;\nfunction f() { return 1; }',
        "const x = 'a';\nfunction f() { return 'b'; }",
        'x.toUpperCase() + f().toUpperCase();',
      ),
    );
    for (const id of ['c1', 'c2', 'c3']) assert.deepEqual(errors(service, id), [], id);
    assert.equal(typeAt(service, 'c3', 0, 0), 'const x: "a"');
  });

  test('a let of an earlier cell may be assigned again, with a value of its type; a const may not', () => {
    const service = notebookIn();
    service.update(
      cells(
        'let count = 0;\nconst limit = 3;\nfunction f() {}',
        "count += 1;\ncount = count * 2;\nlimit = 4;\ncount = 'many';\n({ limit } = { limit: 5 });\nf = () => {};",
      ),
    );
    assert.deepEqual(errors(service, 'c2'), [
      "2:0 TS2588 Cannot assign to 'limit' because it is a constant.",
      "3:0 TS2322 Type 'string' is not assignable to type 'number'.",
      "4:3 TS2588 Cannot assign to 'limit' because it is a constant.",
      "5:0 TS2588 Cannot assign to 'f' because it is a constant.",
    ]);
  });

  test('export default and export { a as b } leave the names for the cells below as declared', () => {
    const service = notebookIn();
    service.update(
      cells(
        'export default function scale(x: number) { return 2 * x; }\nconst b = 1;\nexport { b as alias };',
        'const n: number = scale(2) + b;',
      ),
    );
    assert.deepEqual(errors(service, 'c2'), []);
    assert.equal(typeAt(service, 'c2', 0, 19), 'function scale(x: number): number');
  });

  test('top-level await is fine, and the kernel globals are typed', () => {
    const service = notebookIn();
    service.update(
      cells(
        "const epochs = param('epochs', 10);\nawait new Promise((r) => setTimeout(r, 1));\nconst handle = display.markdown('# hi');\nlog({ epochs });\nlog({ auc: 'high' });",
      ),
    );
    assert.deepEqual(errors(service, 'c1'), ["4:6 TS2322 Type 'string' is not assignable to type 'number'."]);
    assert.equal(typeAt(service, 'c1', 0, 6), 'const epochs: number', "a parameter's type is its fallback's, widened");
    const param = service.quickInfo('c1', { line: 0, character: 16 });
    assert.match(param?.documentation ?? '', /A parameter of this run/);
    assert.match(param?.documentation ?? '', /@param\* `fallback`/);
  });

  test('moving a cell changes what it sees; deleting one takes its names away', () => {
    const service = notebookIn();
    const [a, b] = cells('const scan = 1;', 'scan + 1;');
    service.update([a, b]);
    assert.deepEqual(errors(service, 'c2'), []);
    service.update([b, a]);
    assert.deepEqual(errors(service, 'c2'), ["0:0 TS2304 Cannot find name 'scan'."]);
    service.update([a, b]);
    assert.deepEqual(errors(service, 'c2'), []);
    service.update([b]);
    assert.deepEqual(errors(service, 'c2'), ["0:0 TS2304 Cannot find name 'scan'."]);
  });

  test('a cell that does not parse keeps its names for the cells below, and its own errors are syntax errors', () => {
    const service = notebookIn();
    const below = { id: 'c2', text: 'const total: number = volume * 2 + weight;' };
    service.update([{ id: 'c1', text: 'const volume = 3;\nconst weight = 4;' }, below]);
    assert.deepEqual(errors(service, 'c2'), []);
    service.update([{ id: 'c1', text: 'const volume = 3;\nif (volume > 2 {\nconst weight = 4;' }, below]);
    assert.deepEqual(errors(service, 'c2'), [], 'the cell being typed does not take its names from the cells below');
    assert.ok(
      errors(service, 'c1').some((e) => e.includes("')' expected")),
      errors(service, 'c1').join('\n'),
    );
  });

  test("go to definition lands in the cell that declared the name, or in radnb's declarations", () => {
    const service = notebookIn();
    service.update(cells("import { readDicom } from 'radnb';\nconst spacing = 0.7;", 'spacing;\nreadDicom;'));
    assert.deepEqual(service.definition('c2', { line: 0, character: 2 }), [
      { cellId: 'c1', range: { start: { line: 1, character: 6 }, end: { line: 1, character: 13 } } },
    ]);
    const [target] = service.definition('c2', { line: 1, character: 3 });
    assert.ok(
      target && 'file' in target && target.file === path.join(radnb.declarationsDir, 'medical', 'image.d.ts'),
      JSON.stringify(target),
    );
  });

  test('signature help for a radnb function shows its parameters and documentation', () => {
    const service = notebookIn();
    service.update(cells("import { readDicom } from 'radnb';\nreadDicom("));
    const help = service.signatureHelp('c1', { line: 1, character: 10 }, '(');
    assert.equal(help?.signatures[0].label, 'readDicom(file: string, options?: ReadOptions): Promise<DicomImage>');
    assert.match(help?.signatures[0].documentation ?? '', /Reads a DICOM file/);
    assert.equal(help?.activeParameter, 0);
  });

  test('highlights stay in the cell; uses across cells are not mixed in', () => {
    const service = notebookIn();
    service.update(cells('let n = 1;\nn = n + 1;', 'n;'));
    const found = service.highlights('c1', { line: 0, character: 4 });
    assert.deepEqual(
      found.map((h) => `${h.range.start.line}:${h.range.start.character} ${h.kind}`),
      ['0:4 write', '1:0 write', '1:4 read'],
    );
  });

  test('hover marks a top-level variable for its live value, not a property or a parameter of the same name', () => {
    const service = notebookIn();
    service.update(
      cells(
        'const model = 1;',
        'model;\nconst o = { model: 2 };\no.model;\nfunction f(model: number) { return model; }',
      ),
    );
    assert.equal(service.quickInfo('c2', { line: 0, character: 1 })?.topLevelName, 'model');
    assert.equal(service.quickInfo('c2', { line: 2, character: 4 })?.topLevelName, undefined, 'a property');
    assert.equal(service.quickInfo('c2', { line: 3, character: 35 })?.topLevelName, undefined, 'a parameter');
    assert.equal(service.quickInfo('c2', { line: 1, character: 6 })?.topLevelName, 'o');
  });

  test('a member of an untyped value gives the path to ask the live kernel', () => {
    const service = notebookIn();
    service.update(cells('const loaded: any = JSON.parse("{}");', 'loaded.'));
    assert.deepEqual(service.completions('c2', { line: 0, character: 7 }, '.').untypedMemberPath, ['loaded']);
  });

  test('a shebang, // @ts-nocheck and /// <reference lib="dom" /> work in a cell as in a file', () => {
    const service = notebookIn();
    service.update(
      cells(
        '#!/usr/bin/env radnb\nconst a: number = 1;',
        "// @ts-nocheck\nconst n: number = 'text';",
        '/// <reference lib="dom" />\ndocument.title;',
      ),
    );
    assert.deepEqual(errors(service, 'c1'), []);
    assert.deepEqual(errors(service, 'c2'), []);
    assert.deepEqual(errors(service, 'c3'), []);
    service.update(cells('const a: number = 1;', 'a;', 'document.title;'));
    assert.match(errors(service, 'c3').join('\n'), /Cannot find name 'document'/);
  });

  test("a JavaScript cell's names are seen below it, and the cell itself is left to the editor's JavaScript", () => {
    const service = notebookIn();
    service.update([
      {
        id: 'js',
        text: 'const fromJs = { organ: "lung", slices: 12 };\nfunction untyped(x) { return x; }',
        javascript: true,
      },
      { id: 'ts', text: 'const n: number = fromJs.slices;\nconst s: string = fromJs.organ;' },
    ]);
    assert.deepEqual(service.diagnostics('js'), []);
    assert.deepEqual(errors(service, 'ts'), []);
  });

  test('messages never name the generated module of a cell', () => {
    const service = notebookIn();
    service.update(cells('interface Scan { id: string }', 'const s: Scan = { id: 1 };'));
    const messages = service
      .diagnostics('c2')
      .map((d) => d.message)
      .join('\n');
    assert.doesNotMatch(messages, /__radnb|radnb-cell/);
  });
});

describe("types that match what runs in the notebook's folder", () => {
  test("node:* modules have Node's types; a browser's globals are not there, as in the kernel", () => {
    const service = notebookIn();
    service.update(
      cells(
        "import { readFileSync } from 'node:fs';\nconst text = readFileSync('x', 'utf8');\nconst body = await (await fetch('http://localhost/')).text();\ndocument.title;",
      ),
    );
    assert.deepEqual(errors(service, 'c1'), [
      "3:0 TS2584 Cannot find name 'document'. Do you need to change your target library? Try changing the 'lib' compiler option to include 'dom'.",
    ]);
    assert.equal(typeAt(service, 'c1', 1, 7), 'const text: string');
    assert.equal(typeAt(service, 'c1', 2, 7), 'const body: string');
  });

  test("a package in the notebook's node_modules and a tsconfig.json beside the notebook are honoured", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'radnb-ls-folder-'));
    const pkg = path.join(dir, 'node_modules', 'scanner-units');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      path.join(pkg, 'package.json'),
      JSON.stringify({ name: 'scanner-units', version: '1.0.0', types: 'index.d.ts', main: 'index.js' }),
    );
    writeFileSync(
      path.join(pkg, 'index.d.ts'),
      '/** Millimetres per inch. */\nexport declare const MM_PER_INCH: 25.4;\n',
    );
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { noImplicitAny: false, noUnusedLocals: true } }),
    );
    const service = notebookIn(dir);
    service.update(
      cells(
        "import { MM_PER_INCH } from 'scanner-units';\nfunction toMm(inches) { const unused = 1; return inches * MM_PER_INCH; }",
      ),
    );
    // noImplicitAny: false lets `inches` be any; noUnusedLocals: true makes the unused name an error.
    assert.deepEqual(errors(service, 'c1'), ["1:30 TS6133 'unused' is declared but its value is never read."]);
    assert.equal(typeAt(service, 'c1', 0, 10), '(alias) const MM_PER_INCH: 25.4\nimport MM_PER_INCH');
  });
});

describe('bad input', () => {
  test('a hostile declaration file in the folder becomes errors, never a crash', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'radnb-ls-hostile-'));
    writeFileSync(
      path.join(dir, 'hostile.d.ts'),
      'declare const display: number;\ntype Deep<T> = { next: Deep<Deep<T>> };\ndeclare const deep: Deep<1>;\ndeclare module "radnb" { export const readDicom: 42; }\n',
    );
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ include: ['*.d.ts'] }));
    const service = notebookIn(dir);
    service.update(cells('deep.next.next.next.next;\ndisplay(1);'));
    assert.doesNotThrow(() => service.diagnostics('c1'));
    assert.ok(errors(service, 'c1').length > 0);
  });

  test('cells that do not parse give syntax errors, one notebook of them as much as one cell', () => {
    const service = notebookIn();
    service.update(cells('const = ;', '}}}}', '`unterminated', 'class {'));
    for (const id of ['c1', 'c2', 'c3', 'c4']) assert.ok(errors(service, id).length > 0, id);
  });

  test("a 10,000-line cell and a 5 MB cell are checked; a cancelled check stops with TypeScript's cancellation", () => {
    let cancel = false;
    const service = notebookIn(undefined, () => cancel);
    const long = Array.from({ length: 10_000 }, (_, i) => `function f${i}(): number { return ${i}; }`).join('\n');
    const huge = `const blob = ${JSON.stringify('x'.repeat(5 * 1024 * 1024))};\nblob.length;`;
    service.update(cells(long, huge, 'f9999() + blob.length;'));
    assert.deepEqual(errors(service, 'c3'), []);
    cancel = true;
    service.update(cells(`${long}\nf1();`, huge, 'f9999() + blob.length;'));
    assert.throws(() => service.diagnostics('c1'), ts.OperationCanceledException);
  });
});
