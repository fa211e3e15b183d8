// Member completions right after a keystroke come from the checker of the program before it: they must list
// what TypeScript's own completions list on the new text, member for member, kind for kind.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import type { CellCompletions } from '../../src/common/cellLanguage';
import { radnbTypesAt } from '../../src/language/compilerOptions';
import { NotebookLanguageService } from '../../src/language/notebookLanguageService';
import { repoRoot } from '../support/env';

const radnb = radnbTypesAt(repoRoot);
const registry = ts.createDocumentRegistry();
const above = [
  "import * as tf from '@tensorflow/tfjs';\nimport { smallCnn, readDicom } from 'radnb';",
  'const model = smallCnn({ inputShape: [28, 28, 1], filters: [4], denseUnits: 4, seed: 1 });\nconst t = tf.zeros([2, 2]);',
  "class Scan { private secret = 1; protected guarded = 2; constructor(readonly id: string, public slices?: number) {} describe() { return this.id; } get size() { return 1; } }\nconst scan = new Scan('a', 3);",
  "const study = { series: [{ modality: 'CT' as const }], date: '2026-01-01' };\nconst names = ['a', 'b'];\nconst loose: any = {};\nconst image = await readDicom('x.dcm');",
  "const headers = { 'content-type': 'application/dicom', accept: '*/*' };\nlet either: string | number = 1;",
];

function service(): NotebookLanguageService {
  return new NotebookLanguageService({
    ts,
    notebookFile: path.join(mkdtempSync(path.join(tmpdir(), 'radnb-warm-')), 'nb.radnb'),
    radnb,
    registry,
  });
}

const summary = (c: CellCompletions) =>
  c.entries
    .map(
      (e) =>
        `${e.name}:${e.kind}${e.kindModifiers?.includes('optional') ? '?' : ''}${e.insertText ? ` → ${e.insertText}` : ''}`,
    )
    .sort();

test('completions after a keystroke list the same members as a cold check of the new text', () => {
  for (const expression of [
    'model',
    't',
    'scan',
    'study.series[0]',
    'study',
    'names',
    'image',
    'study.date',
    'headers',
  ]) {
    const typed = `const before = 1;\n${expression}`;
    const warm = service();
    warm.update(above.map((text, i) => ({ id: `c${i}`, text })).concat({ id: 'typed', text: typed }));
    warm.diagnostics('typed'); // the checker of the text before the dot is warm, as after a check
    const cells = above.map((text, i) => ({ id: `c${i}`, text })).concat({ id: 'typed', text: `${typed}.` });
    warm.update(cells);
    const at = { line: 1, character: expression.length + 1 };
    const fromWarm = warm.completions('typed', at, '.');
    const cold = service();
    cold.update(cells);
    const fromCold = cold.completions('typed', at, '.');
    assert.ok(fromCold.entries.length > 0, expression);
    assert.deepEqual(summary(fromWarm), summary(fromCold), expression);
  }
});

test('when the previous program has only part of the name typed since, the members are still the same', () => {
  const cases: [string, string][] = [
    ['const before = 1;\n', 'model'],
    ['const before = 1;\n', 'study.series'],
    ['const before = 1;\n', 'study.date'],
    ['[1].map((item) => { const local = { organ: "lung", slices: 3 }; return ', 'local'],
    ['if (typeof either === "string") { ', 'either'],
    ['// see ', 'study'],
    ["const comment = 'see ", 'study'],
  ];
  for (const [head, expression] of cases) {
    const warm = service();
    const cells = (typed: string) =>
      above.map((text, i) => ({ id: `c${i}`, text })).concat({ id: 'typed', text: typed });
    warm.update(cells(`${head}${expression.slice(0, 2)}`));
    warm.diagnostics('typed');
    warm.update(cells(`${head}${expression}.`));
    const at = { line: head.split('\n').length - 1, character: head.split('\n').pop()!.length + expression.length + 1 };
    const cold = service();
    cold.update(cells(`${head}${expression}.`));
    const fromCold = cold.completions('typed', at, '.');
    assert.deepEqual(summary(warm.completions('typed', at, '.')), summary(fromCold), `${head}${expression}`);
  }
});

test('names in scope as a statement is started: the same list as a cold check', () => {
  const places = [
    ['const before = 1;\n', 'mo'],
    ['const before = 1\n', 'mo'],
    ['function inner(slices: number) {\n  const local = 2;\n  ', 'sl'],
    ['const total = ', 'st'],
    ['display(', 'sc'],
  ];
  for (const [head, word] of places) {
    const cells = (typed: string) =>
      above.map((text, i) => ({ id: `c${i}`, text })).concat({ id: 'typed', text: typed });
    const at = { line: head.split('\n').length - 1, character: head.split('\n').pop()!.length + 1 };
    const warm = service();
    warm.update(cells(head));
    warm.diagnostics('typed');
    warm.update(cells(`${head}${word[0]}`));
    const fromWarm = warm.completions('typed', at);
    const cold = service();
    cold.update(cells(`${head}${word[0]}`));
    const fromCold = cold.completions('typed', at);
    const all = (c: CellCompletions) => c.entries.map((e) => `${e.name}:${e.kind}:${e.sortText}`).sort();
    assert.ok(fromCold.entries.length > 100, head);
    assert.deepEqual(all(fromWarm), all(fromCold), head);
  }
});

test('an untyped value still gives the path for the live kernel after a keystroke', () => {
  const warm = service();
  const cells = (typed: string) => above.map((text, i) => ({ id: `c${i}`, text })).concat({ id: 'typed', text: typed });
  warm.update(cells('loose'));
  warm.diagnostics('typed');
  warm.update(cells('loose.'));
  assert.deepEqual(warm.completions('typed', { line: 0, character: 6 }, '.').untypedMemberPath, ['loose']);
});
