// Codecs load on first use only (an uncompressed file never loads a wasm codec), and OpenJPEG's [INFO]
// chatter never reaches stdout, where the kernel and the CLI write their own output.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { needFile, repoRoot } from '../../support/env';
import { pydicomFile } from '../support/samples';

const SCRIPT = `
const { readDicom } = require('./src/medical/image');
const codecs = () => Object.keys(require.cache).filter((k) => /codec-|jpeg-lossless/.test(k)).map((k) => k.split('node_modules/')[1].split('/')[1]);
(async () => {
  await readDicom(process.argv[1]);
  console.log(JSON.stringify({ after: 'uncompressed', codecs: codecs() }));
  await readDicom(process.argv[2]);
  console.log(JSON.stringify({ after: 'jpeg2000', codecs: codecs() }));
})();
`;

test('codecs load lazily and OpenJPEG prints nothing on stdout', (t) => {
  const plain = pydicomFile('CT_small.dcm');
  const j2k = pydicomFile('JPEG2000.dcm');
  if (!needFile(t, plain) || !needFile(t, j2k)) return;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', SCRIPT, plain, j2k], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  assert.deepEqual(
    lines.map((l) => JSON.parse(l)),
    [
      { after: 'uncompressed', codecs: [] },
      { after: 'jpeg2000', codecs: ['codec-openjpeg'] },
    ],
  );
});
