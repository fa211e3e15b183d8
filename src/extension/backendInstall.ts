// Installs an optional TensorFlow.js backend (GPU or native) with npm into a folder of the extension's
// storage, outside the extension itself, so an update of radnb keeps it and nothing is downloaded until a
// user asks. No VS Code API here: the command in backendCommand.ts drives it.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';

export interface BackendPackage {
  /** npm spec, pinned. */
  spec: string;
  label: string;
  detail: string;
  /** Packages whose install scripts must run (they fetch native libraries). */
  allowScripts: string[];
}

export const BACKEND_PACKAGES: readonly BackendPackage[] = [
  {
    spec: '@tensorflow/tfjs-node-gpu@4.22.0',
    label: 'TensorFlow GPU (CUDA)',
    detail: 'NVIDIA GPUs; needs CUDA 11.2 and cuDNN 8.1 on this machine. Downloads libtensorflow (~400 MB).',
    allowScripts: ['@tensorflow/tfjs-node-gpu'],
  },
  {
    spec: 'webgpu@0.6.2',
    label: 'WebGPU (Dawn)',
    detail: 'Any GPU vendor through Vulkan, Metal or D3D12; no CUDA needed (~130 MB).',
    allowScripts: [],
  },
  {
    spec: '@tensorflow/tfjs-node@4.22.0',
    label: 'TensorFlow native (CPU)',
    detail: 'Native TensorFlow on the CPU, faster than WebAssembly for large models. Downloads libtensorflow.',
    allowScripts: ['@tensorflow/tfjs-node'],
  },
];

export class BackendInstallError extends Error {
  override name = 'BackendInstallError';
}

export interface InstallOptions {
  /** npm executable; default `npm` from PATH. */
  npm?: string;
  onOutput?: (line: string) => void;
}

/** Runs `npm install` of one backend package into `dir`; rejects with the reason npm gave. */
export function installBackendPackage(dir: string, pkg: BackendPackage, options: InstallOptions = {}): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const args = ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', pkg.spec];
  if (pkg.allowScripts.length > 0) args.push(`--allow-scripts=${pkg.allowScripts.join(',')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(options.npm ?? 'npm', args, { cwd: dir, env: process.env });
    let tail = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim()) options.onOutput?.(line.trim());
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        new BackendInstallError(
          err.code === 'ENOENT'
            ? 'npm was not found on the PATH: install Node.js with npm, then try again'
            : err.message,
        ),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const offline = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network|getaddrinfo/i.test(tail);
      const last = tail.trim().split('\n').slice(-3).join(' ').trim();
      reject(
        new BackendInstallError(
          offline
            ? `could not install ${pkg.spec}: this machine cannot reach the npm registry (offline?). ${last}`
            : `could not install ${pkg.spec} (npm exited with ${code}): ${last}`,
        ),
      );
    });
  });
}
