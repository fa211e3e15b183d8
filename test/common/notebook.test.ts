import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ERROR_MIME,
  NotebookFormatError,
  STDOUT_MIME,
  emptyNotebook,
  orderMimeTypes,
  parseNotebook,
  serializeNotebook,
  splitLines,
  withCurrentKernelspec,
} from '../../src/common/notebook';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A notebook as Jupyter writes it (sorted keys, indent 1), with every output type. */
const JUPYTER_STYLE = `${JSON.stringify(
  {
    cells: [
      { cell_type: 'markdown', id: 'md1', metadata: { tags: ['intro'] }, source: ['# Title\n', 'text'] },
      {
        cell_type: 'code',
        execution_count: 3,
        id: 'c1',
        metadata: {},
        outputs: [
          { name: 'stdout', output_type: 'stream', text: ['a\n', 'b\n'] },
          { data: { 'image/png': 'iVBORw0KGgo=', 'text/plain': ['<img>'] }, metadata: {}, output_type: 'display_data' },
          {
            data: { 'application/json': { a: [1, 2] }, 'text/plain': ['{a}'] },
            execution_count: 3,
            metadata: {},
            output_type: 'execute_result',
          },
          { ename: 'Error', evalue: 'boom', output_type: 'error', traceback: ['Error: boom', '    at Cell 2:1:1'] },
        ],
        source: ['const x = 1;\n', 'x'],
      },
      { cell_type: 'raw', id: 'r1', metadata: {}, source: ['raw text'] },
    ],
    metadata: {
      kernelspec: { display_name: 'TypeScript (radnb)', language: 'typescript', name: 'radnb' },
      language_info: { file_extension: '.ts', mimetype: 'text/typescript', name: 'typescript' },
      radnb: { custom: true },
    },
    nbformat: 4,
    nbformat_minor: 5,
  },
  null,
  1,
)}\n`;

test('a Jupyter-written notebook round-trips byte for byte', () => {
  const nb = parseNotebook(JUPYTER_STYLE, 'x.radnb');
  assert.equal(serializeNotebook(nb), JUPYTER_STYLE);
});

test('saving twice gives the same bytes, including cells created without an id', () => {
  const nb = emptyNotebook();
  nb.cells.push({ kind: 'code', source: 'let a = 1', metadata: {}, outputs: [] });
  const first = serializeNotebook(nb);
  assert.equal(serializeNotebook(parseNotebook(first, 'n')), first);
  assert.equal(serializeNotebook(nb), first);
  assert.match(first, /"id": "[0-9a-f]{8}"/);
});

test('parsed outputs become VS Code style items: streams, errors, binary and JSON data', () => {
  const nb = parseNotebook(JUPYTER_STYLE, 'x.radnb');
  const [stream, display, result, error] = nb.cells[1].outputs;
  assert.equal(stream.items[0].mime, STDOUT_MIME);
  assert.equal(dec(stream.items[0].data), 'a\nb\n');
  assert.deepEqual([...display.items[0].data.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.deepEqual(JSON.parse(dec(result.items[0].data)), { a: [1, 2] });
  assert.equal(error.items[0].mime, ERROR_MIME);
  assert.deepEqual(JSON.parse(dec(error.items[0].data)), {
    name: 'Error',
    message: 'boom',
    stack: 'Error: boom\n    at Cell 2:1:1',
  });
  assert.equal(nb.cells[1].executionCount, 3);
  assert.equal(nb.cells[2].kind, 'raw');
});

test('each cell is its own block of lines, so changing one cell changes only its lines', () => {
  const nb = emptyNotebook();
  for (let i = 0; i < 3; i++)
    nb.cells.push({ kind: 'code', id: `c${i}`, source: `cell ${i}\nline 2`, metadata: {}, outputs: [] });
  const before = serializeNotebook(nb).split('\n');
  nb.cells[1].source = 'changed\nline 2';
  const after = serializeNotebook(nb).split('\n');
  assert.equal(before.length, after.length);
  const changed = before.map((l, i) => (l === after[i] ? -1 : i)).filter((i) => i >= 0);
  assert.equal(changed.length, 1);
  assert.match(after[changed[0]], /changed/);
});

test('malformed files give an error naming the file and the reason', () => {
  assert.throws(
    () => parseNotebook('{"cells": [', 'bad.radnb'),
    (e: unknown) => e instanceof NotebookFormatError && /bad\.radnb.*malformed JSON/.test(e.message),
  );
  assert.throws(() => parseNotebook('{"nbformat": 3, "cells": []}', 'old.radnb'), /old\.radnb.*nbformat 3/);
  assert.throws(
    () => parseNotebook('{"nbformat": 4, "cells": [{"cell_type": "x"}]}', 'c.radnb'),
    /cell 1 has unknown cell_type/,
  );
  assert.throws(() => parseNotebook('[1]', 'arr.radnb'), /not a JSON object/);
});

test('an empty file opens as an empty radnb notebook with the TypeScript kernelspec', () => {
  const text = serializeNotebook(parseNotebook('', 'new.radnb'));
  const json = JSON.parse(text);
  assert.equal(json.nbformat, 4);
  assert.equal(json.metadata.kernelspec.name, 'radnb');
  assert.equal(json.metadata.language_info.name, 'typescript');
});

test('a notebook with the legacy kernelspec name still reads and saves unchanged; withCurrentKernelspec renames only it', () => {
  const legacy = JUPYTER_STYLE.replace('"name": "radnb"', '"name": "radnb-typescript"');
  const nb = parseNotebook(legacy, 'old.radnb');
  assert.equal(serializeNotebook(nb), legacy);
  assert.deepEqual(withCurrentKernelspec(nb.metadata).kernelspec, {
    display_name: 'TypeScript (radnb)',
    language: 'typescript',
    name: 'radnb',
  });
  const python = { kernelspec: { name: 'python3', display_name: 'Python 3' } };
  assert.equal(withCurrentKernelspec(python), python);
});

test('binary items are stored as base64 and JSON items as JSON', () => {
  const nb = emptyNotebook();
  nb.cells.push({
    kind: 'code',
    id: 'a',
    source: '',
    metadata: {},
    executionCount: 1,
    outputs: [
      {
        items: [
          { mime: 'application/vnd.radnb.dicom', data: new Uint8Array([0, 255, 7]) },
          { mime: 'application/vnd.plotly.v1+json', data: enc('{"data":[]}') },
        ],
      },
    ],
  });
  const data = JSON.parse(serializeNotebook(nb)).cells[0].outputs[0].data;
  assert.equal(data['application/vnd.radnb.dicom'], 'AP8H');
  assert.deepEqual(data['application/vnd.plotly.v1+json'], { data: [] });
});

test('rich items are ordered before their fallbacks', () => {
  const order = orderMimeTypes([
    { mime: 'text/plain' },
    { mime: 'image/png' },
    { mime: 'application/vnd.radnb.dicom' },
  ]).map((i) => i.mime);
  assert.deepEqual(order, ['application/vnd.radnb.dicom', 'image/png', 'text/plain']);
});

test('multi-line strings split like nbformat', () => {
  assert.deepEqual(splitLines('a\nb'), ['a\n', 'b']);
  assert.deepEqual(splitLines('a\n'), ['a\n']);
  assert.deepEqual(splitLines(''), []);
});
