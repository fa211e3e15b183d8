// `radnb dicom deid IN_DIR OUT_DIR [--secret TEXT] [--json]`: a folder of the project's own phantom CT files
// in, de-identified copies out; options parse as every other command's (node:util parseArgs).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import dicomParser from 'dicom-parser';
import { runDeidCommand } from '../../src/cli/dicomDeid';
import { generatePhantomCase } from '../../src/medical/phantom';
import { phantomSliceDicom } from '../../src/medical/phantomDicom';
import { needFile } from '../support/env';

const PYDICOM_SAMPLES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';

let work: string;
before(() => {
  work = mkdtempSync(path.join(tmpdir(), 'radnb-deid-cli-'));
  const phantom = generatePhantomCase(0, { size: 16, slices: 2 });
  const uids = { studyInstanceUid: '2.25.1', seriesInstanceUid: '2.25.2', frameOfReference: '2.25.3' };
  mkdirSync(path.join(work, 'in', 'series'), { recursive: true });
  for (const z of [0, 1])
    writeFileSync(
      path.join(work, 'in', 'series', `${z}.dcm`),
      phantomSliceDicom(phantom, z, { ...uids, sop: `2.25.1${z}` }),
    );
});
after(() => rmSync(work, { recursive: true, force: true }));

function io(): { out: string[]; err: string[]; io: { stdout: (l: string) => void; stderr: (l: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (l) => out.push(l), stderr: (l) => err.push(l) } };
}

const element = (file: string, tag: string): string | undefined =>
  dicomParser.parseDicom(readFileSync(file)).string(`x${tag}`);

test('de-identifies a folder into another and exits 0', async () => {
  const r = io();
  assert.equal(await runDeidCommand([path.join(work, 'in'), path.join(work, 'plain')], r.io), 0);
  assert.match(r.out.at(-1) as string, /^2 file\(s\) de-identified into .*plain, 0 skipped$/);
  assert.deepEqual(r.err, [], 'the phantom declares no burned-in annotation: no warning');
  const file = path.join(work, 'plain', 'series', '0.dcm');
  assert.equal(element(file, '00120062'), 'YES', 'Patient Identity Removed');
  assert.notEqual(element(file, '0020000d'), '2.25.1', 'the study UID is replaced');
});

test('a file that does not declare burned-in annotation is copied with a warning to check its pixels', async (t) => {
  const sample = path.join(PYDICOM_SAMPLES, 'MR_small.dcm');
  if (!needFile(t, sample, 'Debian python3-pydicom test files')) return;
  mkdirSync(path.join(work, 'mr'));
  writeFileSync(path.join(work, 'mr', 'a.dcm'), readFileSync(sample));
  const r = io();
  assert.equal(await runDeidCommand([path.join(work, 'mr'), path.join(work, 'mr-out')], r.io), 0);
  assert.match(r.out.at(-1) as string, /1 file\(s\) de-identified/);
  assert.match(r.err.join('\n'), /burned into the pixels/);
  assert.equal(element(path.join(work, 'mr-out', 'a.dcm'), '00120062'), 'YES');
});

test('--secret=TEXT and --secret TEXT are the same option: the same secret gives the same UIDs', async () => {
  const run = async (out: string, ...options: string[]): Promise<string | undefined> => {
    const r = io();
    assert.equal(
      await runDeidCommand([path.join(work, 'in'), path.join(work, out), ...options], r.io),
      0,
      r.err.join('\n'),
    );
    return element(path.join(work, out, 'series', '1.dcm'), '0020000d');
  };
  const joined = await run('joined', '--secret=hospital key', '--json');
  assert.equal(await run('separate', '--secret', 'hospital key'), joined);
  assert.notEqual(await run('other', '--secret=another key'), joined);
});

test('bad input exits 1 and a wrong command line 2, each with a one-line reason', async () => {
  const cases: [string[], number][] = [
    [[], 2],
    [['a', 'b', 'c'], 2],
    [['--bogus', 'a', 'b'], 2],
    [['a', 'b', '--secret'], 2],
    [['a', 'b', '--json=yes'], 2],
    [['/nonexistent/in', '/tmp/x'], 1],
    [['/tmp', '/tmp'], 1],
  ];
  for (const [args, code] of cases) {
    const r = io();
    assert.equal(await runDeidCommand(args, r.io), code, args.join(' '));
    assert.match(r.err[0], /^radnb dicom deid: \S.*$/);
  }
});
