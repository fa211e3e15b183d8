// Which Node.js runs the kernel: the radnb.kernel.nodePath setting, else `node` on the PATH, else the
// editor's own runtime (Electron or code-server's Node) in Node mode — so a machine without Node works.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface NodeRuntime {
  path: string;
  env: NodeJS.ProcessEnv;
}

export function resolveNodeRuntime(configured: string): NodeRuntime {
  if (configured.trim()) return { path: configured.trim(), env: {} };
  const onPath = findOnPath(process.platform === 'win32' ? 'node.exe' : 'node');
  if (onPath) return { path: onPath, env: {} };
  return { path: process.execPath, env: { ELECTRON_RUN_AS_NODE: '1' } };
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
