// `npm test`: builds, checks types, lints, then runs every test file under test/ with Node's test runner
// (TypeScript through tsx). `--unit` leaves out the end-to-end suite (code-server), `--e2e` runs only it. Extra arguments
// that are paths narrow the run to those files.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
const unitOnly = args.includes('--unit');
const e2eOnly = args.includes('--e2e');

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

const isE2E = (f) => f.startsWith(path.join('test', 'e2e') + path.sep);
let files =
  only.length > 0
    ? only
    : walk('test')
        .filter((f) => f.endsWith('.test.ts'))
        .sort();
if (unitOnly) files = files.filter((f) => !isE2E(f));
if (e2eOnly) files = files.filter(isE2E);

const build = spawnSync(process.execPath, ['esbuild.js'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

// esbuild and tsx strip types without checking them: a whole run (not a narrowed one) checks them first,
// then lints and checks the formatting (npm run lint; npm run format fixes the formatting).
if (only.length === 0) {
  const types = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit'], {
    stdio: 'inherit',
  });
  if (types.status !== 0) process.exit(types.status ?? 1);
  const lint = spawnSync('npm', ['run', '--silent', 'lint'], { stdio: 'inherit' });
  if (lint.status !== 0) process.exit(lint.status ?? 1);
}

const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
  { stdio: 'inherit' },
);
process.exit(run.status ?? 1);
