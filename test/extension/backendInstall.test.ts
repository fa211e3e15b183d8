// The "Install GPU / Native Backend" command's npm step, with stand-in npm executables.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BACKEND_PACKAGES, installBackendPackage } from '../../src/extension/backendInstall';

function fakeNpm(script: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'radnb-npm-')), 'npm');
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

const webgpu = BACKEND_PACKAGES.find((p) => p.spec.startsWith('webgpu@'))!;
const tfjsNode = BACKEND_PACKAGES.find((p) => p.spec.startsWith('@tensorflow/tfjs-node@'))!;

test('installs into the given folder with a pinned spec, allowing the install scripts that fetch native code', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'radnb-backends-'));
  const npm = fakeNpm('echo "$@" > "$3/args.txt"; echo "added 1 package"');
  const lines: string[] = [];
  await installBackendPackage(dir, tfjsNode, { npm, onOutput: (l) => lines.push(l) });
  const args = (await import('node:fs')).readFileSync(path.join(dir, 'args.txt'), 'utf8');
  assert.match(
    args,
    /^install --prefix .* --no-save .*@tensorflow\/tfjs-node@4\.22\.0 --allow-scripts=@tensorflow\/tfjs-node/,
  );
  assert.deepEqual(lines, ['added 1 package']);
});

test('an offline machine gets a clear error naming the package', async () => {
  const npm = fakeNpm(
    'echo "npm error code ENOTFOUND" >&2; echo "npm error network request to https://registry.npmjs.org/webgpu failed" >&2; exit 1',
  );
  await assert.rejects(
    installBackendPackage(mkdtempSync(path.join(tmpdir(), 'radnb-b-')), webgpu, { npm }),
    /could not install webgpu@0\.6\.2: this machine cannot reach the npm registry \(offline\?\)/,
  );
});

test('a missing npm is named', async () => {
  await assert.rejects(
    installBackendPackage(mkdtempSync(path.join(tmpdir(), 'radnb-b-')), webgpu, { npm: '/nonexistent/npm' }),
    /npm was not found on the PATH/,
  );
  assert.equal(existsSync('/nonexistent'), false);
});
