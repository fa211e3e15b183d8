// Chooses the TensorFlow.js backend for the kernel process: the fastest one that works here, in the
// order tfjs-node-gpu → WebGPU (hardware adapter) → tfjs-node → wasm → cpu, or the one a setting forces.
// The choice and the reason each faster candidate was skipped are kept for `backend()` and the status
// bar. Importing this module loads no tfjs: the kernel cold-starts without it until `initBackend()`.
import { BACKEND_PROBES } from './backendProbes';
import type { BackendName, BackendProbe, Tfjs } from './backendProbes';

export type { BackendName } from './backendProbes';
export type BackendPreference = BackendName | 'auto';

export interface BackendCandidate {
  name: BackendName;
  /** 'chosen', 'skipped' (tried and failed) or 'not tried' (a faster one was chosen, or another forced). */
  status: 'chosen' | 'skipped' | 'not tried';
  /** Why it was skipped, or what it runs on when chosen. */
  reason: string;
}

export interface BackendInfo {
  name: BackendName;
  /** The name tfjs knows the backend by (`tf.getBackend()`). */
  tfjsBackend: string;
  /** One line for the status bar, e.g. "wasm — @tensorflow/tfjs-node-gpu not installed; …". */
  reason: string;
  candidates: BackendCandidate[];
}

export interface InitBackendOptions {
  /**
   * 'auto' picks the fastest available; a name forces that backend or fails with its reason. Absent: keeps
   * the backend already chosen (in a notebook, the kernel's, which follows radnb.backend and `--backend`),
   * else 'auto'.
   */
  prefer?: BackendPreference;
  /** Extra folders holding optional backend packages (tfjs-node, tfjs-node-gpu, webgpu), searched first. */
  packagePaths?: string[];
}

export class BackendError extends Error {
  constructor(
    message: string,
    readonly candidates: BackendCandidate[] = [],
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

let current: BackendInfo | undefined;

/** Tries candidates in order until one activates; records every outcome. */
export async function selectBackend(
  tf: Tfjs,
  probes: ReadonlyArray<[BackendName, BackendProbe]>,
  prefer: BackendPreference,
  packagePaths: string[] = [],
): Promise<BackendInfo> {
  if (prefer !== 'auto' && !probes.some(([name]) => name === prefer)) {
    throw new BackendError(`unknown backend '${prefer}': use one of auto, ${probes.map(([n]) => n).join(', ')}`);
  }
  const candidates: BackendCandidate[] = [];
  let chosen: { name: BackendName; tfjsBackend: string } | undefined;
  for (const [name, probe] of probes) {
    if (chosen !== undefined || (prefer !== 'auto' && name !== prefer)) {
      const reason = chosen !== undefined ? `${chosen.name} was chosen first` : `radnb.backend forces ${prefer}`;
      candidates.push({ name, status: 'not tried', reason });
      continue;
    }
    const outcome = await probe(tf, { allowSoftwareGpu: prefer === 'webgpu', packagePaths });
    if (outcome.ok) {
      chosen = { name, tfjsBackend: outcome.tfjsBackend };
      candidates.push({ name, status: 'chosen', reason: outcome.detail });
    } else {
      candidates.push({ name, status: 'skipped', reason: outcome.reason });
    }
  }
  if (chosen === undefined) {
    const why = candidates
      .filter((c) => c.status === 'skipped')
      .map((c) => `${c.name}: ${c.reason}`)
      .join('; ');
    throw new BackendError(`no TensorFlow.js backend could start (${why})`, candidates);
  }
  const skipped = candidates.filter((c) => c.status === 'skipped').map((c) => c.reason);
  const reason = skipped.length > 0 ? `${chosen.name} — ${skipped.join('; ')}` : chosen.name;
  return { ...chosen, reason, candidates };
}

/**
 * Loads tfjs and activates a backend. Call once at kernel start (and again to switch); cells then use
 * the chosen backend. Throws BackendError when a forced backend cannot start, naming the reason.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  // notebooks start with `await initBackend()`: that must not undo the backend the user forced
  if (options.prefer === undefined && current !== undefined) return current;
  const prefer = options.prefer ?? 'auto';
  // require, not import(): bundled as CommonJS, import() would go through the ESM loader and could load a
  // second copy of tfjs next to the one the library's modules require
  const tf = require('@tensorflow/tfjs') as Tfjs;
  current = await selectBackend(tf, BACKEND_PROBES, prefer, options.packagePaths);
  return current;
}

/** The backend chosen by `initBackend()`, with the reason for every candidate. */
export function backend(): BackendInfo {
  if (current === undefined) throw new BackendError('no backend chosen yet: call initBackend() first');
  return current;
}
