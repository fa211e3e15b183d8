// A Jupyter installation of its own for each test: the radnb kernelspec in a temporary prefix, and every
// Jupyter folder (data, runtime, config, IPython) in the same temporary tree, so no test reads or writes
// the user's Jupyter setup. Python is Debian's /usr/bin/python3, where the Jupyter packages are.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { installKernelSpec } from '../../src/jupyter/kernelspec';
import { need } from '../support/env';

export const PYTHON = '/usr/bin/python3';

export interface JupyterSandbox {
  root: string;
  env: NodeJS.ProcessEnv;
  python(
    args: string[],
    options?: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
  ): SpawnSyncReturns<string>;
}

/** Checks that Debian's Jupyter packages are importable (else skips, or fails in CI), then builds a sandbox. */
export function jupyterSandbox(t: TestContext, modules: string[], packages: string): JupyterSandbox | undefined {
  const probe = spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  if (!need(t, probe.status === 0, `Debian ${packages} (${PYTHON} -c "import ${modules.join(', ')}" failed)`))
    return undefined;
  const root = mkdtempSync(path.join(tmpdir(), 'radnb-jupyter-'));
  const env = jupyterEnvironment(root);
  return {
    root,
    env,
    python: (args, options = {}) =>
      spawnSync(PYTHON, args, {
        cwd: options.cwd ?? __dirname,
        env: { ...env, ...options.env },
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 300_000,
      }),
  };
}

/** The environment of a Jupyter whose folders are all under `root`, with the radnb kernelspec installed there. */
export function jupyterEnvironment(root: string): NodeJS.ProcessEnv {
  installKernelSpec({ kind: 'prefix', prefix: path.join(root, 'prefix') });
  return {
    ...process.env,
    JUPYTER_PATH: path.join(root, 'prefix', 'share', 'jupyter'),
    JUPYTER_DATA_DIR: path.join(root, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(root, 'runtime'),
    JUPYTER_CONFIG_DIR: path.join(root, 'config'),
    IPYTHONDIR: path.join(root, 'ipython'),
    PYTHONDONTWRITEBYTECODE: '1',
  };
}

/** The summary lines of a unittest run, or its whole output when it failed. */
export function unittestReport(run: SpawnSyncReturns<string>): string {
  return `${run.stdout}\n${run.stderr}`.trim();
}
