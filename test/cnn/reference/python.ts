// Runs the NumPy reference implementations (metrics.py) for the metric tests. CI installs Debian's
// python3-numpy, so /usr/bin/python3 is preferred over whatever python3 comes first on the PATH.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { need } from '../../support/env';

const SCRIPT = path.join(__dirname, 'metrics.py');

function findPython(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (python.startsWith('/') && !existsSync(python)) continue;
    if (spawnSync(python, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0) return python;
  }
  return undefined;
}

const python = findPython();

/** True when the reference can run; otherwise skips the test (fails in CI). */
export function needNumpy(t: TestContext): boolean {
  return need(t, python !== undefined, 'python3 with NumPy (Debian python3-numpy)');
}

/** The reference's answer to one request. */
export function reference<T>(request: { task: string } & Record<string, unknown>): T {
  const run = spawnSync(python as string, [SCRIPT], { input: JSON.stringify(request), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`reference ${request.task} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
