// `npm run bench:gpu` is the one command a GPU machine lent for minutes runs: where there is no NVIDIA GPU it
// must stop at once, say why, and leave the recorded GPU figures alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/env';

const hasNvidiaSmi = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8' }).status === 0;

test('without an NVIDIA GPU, bench:gpu stops at once with the reason and writes nothing', (t) => {
  if (hasNvidiaSmi) {
    t.skip('SKIPPED: this machine has an NVIDIA GPU; there bench:gpu measures instead (minutes)');
    return;
  }
  const record = path.join(repoRoot, 'bench', 'results', 'gpu.json');
  const before = existsSync(record) ? readFileSync(record, 'utf8') : undefined;
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/gpu.ts'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /bench:gpu: no NVIDIA GPU here: nvidia-smi .*Nothing was measured/);
  assert.ok(Date.now() - started < 60_000, 'it stops before loading any workload');
  assert.equal(existsSync(record) ? readFileSync(record, 'utf8') : undefined, before);
});
