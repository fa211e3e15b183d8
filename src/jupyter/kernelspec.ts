// The `radnb` kernelspec: kernel.json and logos in one of Jupyter's data folders, so Jupyter (Notebook,
// Lab, nbclient, Hub) can start radnb's kernel. The argv names this Node.js and this radnb by absolute
// path, so the kernel starts the same way whatever PATH the Jupyter server has.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { version as radnbVersion } from '../../package.json';
import { KERNELSPEC } from '../common/notebook';
import { encodePng } from '../common/png';

/** Where to install: Jupyter's user folder, the Python environment's prefix, or a given prefix. */
export type InstallTarget =
  { kind: 'user' } | { kind: 'sys-prefix'; python: string } | { kind: 'prefix'; prefix: string };

export interface KernelSpecFile {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: 'message' | 'signal';
  metadata: Record<string, unknown>;
}

export interface InstalledKernelSpec {
  dir: string;
  spec: KernelSpecFile | undefined;
  /** Why this kernelspec cannot start radnb (its radnb or Node.js is gone), if so. */
  problem?: string;
}

/** The CLI bundle that `radnb jupyter kernel` runs (out/cli/radnb.js), from source or from the bundle. */
const CLI_SCRIPT = path.resolve(__dirname, '..', '..', 'out', 'cli', 'radnb.js');

export function kernelSpecFile(nodePath = process.execPath, cliScript = CLI_SCRIPT): KernelSpecFile {
  return {
    argv: [nodePath, cliScript, 'jupyter', 'kernel', '-f', '{connection_file}'],
    display_name: KERNELSPEC.display_name,
    language: KERNELSPEC.language,
    // An interrupt_request message reaches the kernel wherever it runs (a gateway, a container).
    interrupt_mode: 'message',
    metadata: { radnb: { version: radnbVersion } },
  };
}

export function dataDir(target: InstallTarget, env: NodeJS.ProcessEnv = process.env): string {
  switch (target.kind) {
    case 'user':
      return userDataDir(env);
    case 'prefix':
      return path.join(path.resolve(target.prefix), 'share', 'jupyter');
    case 'sys-prefix':
      return path.join(pythonPrefix(target.python), 'share', 'jupyter');
  }
}

export function kernelSpecDir(data: string): string {
  return path.join(data, 'kernels', KERNELSPEC.name);
}

export function installKernelSpec(target: InstallTarget, env: NodeJS.ProcessEnv = process.env): string {
  const dir = kernelSpecDir(dataDir(target, env));
  if (!existsSync(CLI_SCRIPT)) throw new Error(`${CLI_SCRIPT} is missing: build radnb first (npm run build)`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'kernel.json'), `${JSON.stringify(kernelSpecFile(), null, 1)}\n`);
  for (const size of [32, 64]) writeFileSync(path.join(dir, `logo-${size}x${size}.png`), logoPng(size));
  return dir;
}

/** Removes the kernelspec; returns its folder, or undefined when none was installed there. */
export function uninstallKernelSpec(target: InstallTarget, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = kernelSpecDir(dataDir(target, env));
  if (!existsSync(path.join(dir, 'kernel.json'))) return undefined;
  rmSync(dir, { recursive: true, force: true });
  return dir;
}

/** Every radnb kernelspec on Jupyter's data path, in Jupyter's search order: the first one is used. */
export function listKernelSpecs(env: NodeJS.ProcessEnv = process.env): InstalledKernelSpec[] {
  const found: InstalledKernelSpec[] = [];
  for (const data of jupyterDataPath(env)) {
    const dir = kernelSpecDir(data);
    const file = path.join(dir, 'kernel.json');
    if (!existsSync(file) || found.some((f) => f.dir === dir)) continue;
    let spec: KernelSpecFile | undefined;
    try {
      spec = JSON.parse(readFileSync(file, 'utf8')) as KernelSpecFile;
    } catch {
      found.push({ dir, spec: undefined, problem: 'kernel.json is not valid JSON' });
      continue;
    }
    const missing = (spec.argv ?? []).slice(0, 2).find((p) => !existsSync(p));
    found.push({ dir, spec, ...(missing && { problem: `${missing} does not exist` }) });
  }
  return found;
}

/** Jupyter's data folders as `jupyter --paths` reports them, or as jupyter_core computes them without it. */
export function jupyterDataPath(env: NodeJS.ProcessEnv = process.env): string[] {
  const jupyter = spawnSync('jupyter', ['--paths', '--json'], { env, encoding: 'utf8', timeout: 20_000 });
  if (jupyter.status === 0) {
    try {
      return (JSON.parse(jupyter.stdout) as { data: string[] }).data;
    } catch {
      // fall through to the computed path
    }
  }
  const fromEnv = (env.JUPYTER_PATH ?? '').split(path.delimiter).filter(Boolean);
  const system =
    process.platform === 'win32'
      ? [path.join(env.PROGRAMDATA ?? 'C:\\ProgramData', 'jupyter')]
      : ['/usr/local/share/jupyter', '/usr/share/jupyter'];
  return [...fromEnv, userDataDir(env), ...system];
}

/** jupyter_core's user data folder. */
function userDataDir(env: NodeJS.ProcessEnv): string {
  if (env.JUPYTER_DATA_DIR) return path.resolve(env.JUPYTER_DATA_DIR);
  const home = env.HOME ?? os.homedir();
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'jupyter');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Jupyter');
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'jupyter');
}

function pythonPrefix(python: string): string {
  const r = spawnSync(python, ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0 || !r.stdout.trim()) {
    throw new Error(
      `--sys-prefix asks the Python that runs Jupyter for its prefix, but '${python}' could not be run${r.error ? ` (${r.error.message})` : ''}; pass --python PATH or use --prefix`,
    );
  }
  return r.stdout.trim();
}

/** radnb's logo, drawn here so no binary file is shipped: a CT gantry ring on TypeScript blue. */
export function logoPng(size: number): Buffer {
  const pixels = new Uint8Array(size * size * 4);
  const c = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - c, y - c) / (size / 2);
      const corner = Math.max(Math.abs(x - c), Math.abs(y - c)) / (size / 2);
      const rgba =
        corner > 0.98
          ? [0, 0, 0, 0]
          : r > 0.62 && r < 0.82
            ? [255, 255, 255, 255]
            : r < 0.4
              ? [200, 214, 229, 255]
              : [49, 120, 198, 255];
      pixels.set(rgba, (y * size + x) * 4);
    }
  }
  return encodePng(pixels, size, size, 4);
}
