// Issue 8: a notebook that prints and displays every tag of a real DICOM file saves no identifying value,
// in text, HTML, JSON or the DICOM viewer's binary payload — unless the notebook allows identifiers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { decodeDicomPayload } from '../../src/common/dicomPayload';
import { readDicom } from '../../src/medical';
import { needFile, repoRoot } from '../support/env';

const SAMPLE = '/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm';
const IDENTIFYING_VRS = new Set(['PN', 'LO', 'SH', 'DA', 'UI']);

const CELLS = [
  `import { readDicom } from 'radnb';\nconst img = await readDicom(${JSON.stringify(SAMPLE)});\nfor (const t of img.tags()) console.log(t.keyword, t.value);`,
  'img',
  'display(img.tags());\ndisplay.json(img.metadata);\nJSON.stringify(img.tags())',
  "display.html(`<td>${img.tags().find((t) => t.keyword === 'PatientName')?.value}</td>`);\nthrow new Error(`bad study ${img.metadata.studyDate} for ${img.tags().find((t) => t.keyword === 'PatientID')?.value}`);",
];

async function runNotebook(metadata: Record<string, unknown>): Promise<{ saved: string; text: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-phi-'));
  const file = path.join(dir, 'tags.radnb');
  const cells = CELLS.map((source) => ({
    cell_type: 'code',
    metadata: {},
    source,
    outputs: [],
    execution_count: null,
  }));
  writeFileSync(file, JSON.stringify({ cells, metadata, nbformat: 4, nbformat_minor: 4 }));
  spawnSync(process.execPath, [path.join(repoRoot, 'out', 'cli', 'radnb.js'), 'run', file, '--trust'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const saved = readFileSync(file, 'utf8');
  return { saved, text: await outputText(JSON.parse(saved)) };
}

/** Everything the saved outputs hold, binary items decoded (the viewer's payload header included). */
async function outputText(notebook: { cells: { outputs?: Record<string, unknown>[] }[] }): Promise<string> {
  const parts: string[] = [];
  for (const output of notebook.cells.flatMap((c) => c.outputs ?? [])) {
    const { data, ...rest } = output as { data?: Record<string, unknown> };
    parts.push(JSON.stringify(rest));
    for (const [mime, value] of Object.entries(data ?? {})) {
      if (mime === 'application/vnd.radnb.dicom') {
        const payload = await decodeDicomPayload(
          new Uint8Array(Buffer.from(String(value), 'base64')),
          async (b) => new Uint8Array(inflateSync(b)),
        );
        parts.push(JSON.stringify(payload.header));
      } else {
        parts.push(JSON.stringify(value));
      }
    }
  }
  return parts.join('\n');
}

test('no identifying value of a loaded DICOM file reaches the saved notebook', async (t) => {
  if (!needFile(t, SAMPLE, 'Debian python3-pydicom test files')) return;
  const identifiers = (await readDicom(SAMPLE))
    .tags()
    .filter((tag) => tag.phi && IDENTIFYING_VRS.has(tag.vr) && tag.value.trim().length >= 3);
  assert.ok(
    identifiers.some((i) => i.keyword === 'PatientName'),
    'the sample has a patient name',
  );
  const { saved, text } = await runNotebook({});
  assert.match(text, /PatientName redacted/);
  assert.match(text, /identifying values of loaded DICOM files were redacted/);
  assert.match(text, /"rows":128/, 'the viewer payload was saved and decoded');
  for (const id of identifiers) assert.ok(!text.includes(id.value.trim()), `${id.keyword} "${id.value}" was saved`);
  // The cell sources are the only place the file name appears; outputs hold no identifiers.
  assert.ok(saved.includes('CT_small.dcm'));
});

test('a notebook that allows identifiers keeps them', async (t) => {
  if (!needFile(t, SAMPLE, 'Debian python3-pydicom test files')) return;
  const name = (await readDicom(SAMPLE))
    .tags()
    .find((tag) => tag.keyword === 'PatientName')!
    .value.trim();
  const { text } = await runNotebook({ radnb: { allowIdentifiers: true } });
  assert.ok(text.includes(name));
});
