import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeCompleteness } from '../../src/jupyter/codeCompleteness';

test('code that parses is complete, TypeScript syntax and top-level await included', () => {
  for (const code of [
    'const x: number = 1',
    'await fetchData()',
    'interface A { b: string }\nconst a: A = { b: "" };',
    '',
  ]) {
    assert.deepEqual(codeCompleteness(code), { status: 'complete' }, code);
  }
});

test('code that stops mid-construct is incomplete, with the next line indented inside a block', () => {
  assert.deepEqual(codeCompleteness('function f() {'), { status: 'incomplete', indent: '  ' });
  assert.deepEqual(codeCompleteness('for (const x of xs) {\n  if (x) {'), { status: 'incomplete', indent: '    ' });
  assert.deepEqual(codeCompleteness('const total = a +'), { status: 'incomplete', indent: '' });
  assert.deepEqual(codeCompleteness('const s = `line one'), { status: 'incomplete', indent: '' });
  assert.deepEqual(codeCompleteness('/* a comment'), { status: 'incomplete', indent: '' });
});

test('an error before the end of the code, or an open quoted string, is invalid', () => {
  for (const code of [')', 'let = = 2\nconst ok = 1', 'const s = "no end', 'const é = "x" +)']) {
    assert.deepEqual(codeCompleteness(code), { status: 'invalid' }, code);
  }
});
