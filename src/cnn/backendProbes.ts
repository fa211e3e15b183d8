// How radnb tries each TensorFlow.js backend: load its package (optional ones may be missing or fail to
// load their native libraries), check the hardware it would use, and activate it. Every failure becomes a
// one-line reason a user can act on ("@tensorflow/tfjs-node-gpu not installed", "libcudnn.so.8: cannot
// open shared object file"). Packages are required lazily so that nothing loads before a backend is asked for.
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';

export type Tfjs = typeof tfjs;

/** radnb's backend names, as in the `radnb.backend` setting. */
export type BackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

export type ProbeOutcome = { ok: true; tfjsBackend: string; detail: string } | { ok: false; reason: string };

export interface ProbeOptions {
  /** Accept a software WebGPU adapter (lavapipe, SwiftShader): only when WebGPU is forced, for testing. */
  allowSoftwareGpu: boolean;
  /** Extra folders to find optional backend packages in (e.g. where the extension installed tfjs-node). */
  packagePaths: string[];
}

export type BackendProbe = (tf: Tfjs, options: ProbeOptions) => Promise<ProbeOutcome>;

/** The first line of an error: native loaders put the missing library there. */
function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].trim();
}

/** Requires an optional package, or says in one line why it cannot be used. */
export function requireOptional(name: string, packagePaths: string[] = []): { module: unknown } | { reason: string } {
  let resolved: string;
  try {
    resolved =
      packagePaths.length > 0 ? require.resolve(name, { paths: [...packagePaths, __dirname] }) : require.resolve(name);
  } catch {
    return { reason: `${name} not installed` };
  }
  try {
    return { module: require(resolved) };
  } catch (err) {
    return { reason: `${name} failed to load: ${firstLine(err)}` };
  }
}

async function activate(tf: Tfjs, tfjsBackend: string, detail: string): Promise<ProbeOutcome> {
  try {
    if (await tf.setBackend(tfjsBackend)) {
      await tf.ready();
      return { ok: true, tfjsBackend, detail };
    }
    return { ok: false, reason: `tf.setBackend('${tfjsBackend}') failed` };
  } catch (err) {
    return { ok: false, reason: `${tfjsBackend} failed to start: ${firstLine(err)}` };
  }
}

/** tfjs-node(-gpu) registers the 'tensorflow' backend when its native binding loads. */
function tensorflowProbe(packageName: string, detail: string): BackendProbe {
  return async (tf, options) => {
    const loaded = requireOptional(packageName, options.packagePaths);
    if ('reason' in loaded) return { ok: false, reason: loaded.reason };
    return activate(tf, 'tensorflow', detail);
  };
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; description?: string; device?: string };
}

interface DawnModule {
  create(options: string[]): { requestAdapter(): Promise<GpuAdapterLike | null> };
  globals: Record<string, unknown>;
}

const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|software/i;

/** Whether a WebGPU adapter's name (or a detail line holding it) names a software rasteriser, not a GPU. */
export function isSoftwareAdapter(name: string): boolean {
  return SOFTWARE_ADAPTER.test(name);
}

function adapterName(adapter: GpuAdapterLike): string {
  const info = adapter.info ?? {};
  return (
    [info.vendor, info.architecture, info.description ?? info.device].filter((s) => s).join(' ') || 'unknown adapter'
  );
}

/** WebGPU through Dawn for Node (npm `webgpu`): a GPU path for any vendor, used only on a hardware adapter. */
const webgpuProbe: BackendProbe = async (tf, options) => {
  const dawn = requireOptional('webgpu', options.packagePaths);
  if ('reason' in dawn) return { ok: false, reason: dawn.reason };
  const { create, globals } = dawn.module as DawnModule;
  const gpu = create([]);
  const adapter = await gpu.requestAdapter();
  if (adapter === null) return { ok: false, reason: 'webgpu: no GPU adapter found' };
  const name = adapterName(adapter);
  if ((adapter.isFallbackAdapter || isSoftwareAdapter(name)) && !options.allowSoftwareGpu) {
    return { ok: false, reason: `webgpu: only a software adapter (${name}), slower than wasm` };
  }
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const backendPackage = requireOptional('@tensorflow/tfjs-backend-webgpu');
  if ('reason' in backendPackage) return { ok: false, reason: backendPackage.reason };
  return activate(tf, 'webgpu', `WebGPU on ${name}`);
};

/**
 * The wasm binaries ship inside the package; tfjs must be told where (with a trailing slash). The threaded
 * build runs when it starts here; otherwise the single-threaded one, with the reason in the detail.
 */
const wasmProbe: BackendProbe = async (tf) => {
  const wasm = requireOptional('@tensorflow/tfjs-backend-wasm');
  if ('reason' in wasm) return { ok: false, reason: wasm.reason };
  const wasmModule = wasm.module as typeof import('@tensorflow/tfjs-backend-wasm');
  const binary = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
  wasmModule.setWasmPaths(path.dirname(binary) + '/');
  const { startThreadedWasm, withoutProcessHooks } = await import('./wasmThreads');
  let threads: string;
  try {
    const { threads: n } = await startThreadedWasm(tf, wasmModule);
    const asked = process.env.RADNB_WASM_THREADS;
    threads = n > 1 ? `${n} threads` : `1 thread (${asked === undefined ? 'one core' : `RADNB_WASM_THREADS=${asked}`})`;
  } catch (err) {
    threads = `1 thread: the threaded build did not start (${firstLine(err)})`;
  }
  const { installKernels } = await import('./kernels/installKernels');
  installKernels('wasm');
  const outcome = await withoutProcessHooks(() =>
    activate(tf, 'wasm', `WebAssembly (XNNPACK, SIMD, ${threads}) with radnb convolution gradients`),
  );
  if (!outcome.ok) return outcome;
  // started now (a worker thread boots in the background) so that the reason says whether training is fast
  const { simdKernelsUnavailable } = await import('./kernels/simd/simdKernels');
  const missing = simdKernelsUnavailable(tf.engine().backend);
  return {
    ...outcome,
    detail: `${outcome.detail}${missing === undefined ? ' and SIMD kernels' : ` (radnb SIMD kernels off: ${missing})`}`,
  };
};

const cpuProbe: BackendProbe = async (tf) => {
  const { installKernels } = await import('./kernels/installKernels');
  installKernels('cpu');
  const outcome = await activate(tf, 'cpu', 'plain JavaScript with radnb convolution gradients');
  // The cpu backend prints a "install tfjs-node" banner on first use; backend() already says why cpu runs
  if (outcome.ok) (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  return outcome;
};

/** Every backend, fastest first. */
export const BACKEND_PROBES: ReadonlyArray<[BackendName, BackendProbe]> = [
  ['tensorflow-gpu', tensorflowProbe('@tensorflow/tfjs-node-gpu', 'TensorFlow C library with CUDA')],
  ['webgpu', webgpuProbe],
  ['tensorflow', tensorflowProbe('@tensorflow/tfjs-node', 'TensorFlow C library (CPU)')],
  ['wasm', wasmProbe],
  ['cpu', cpuProbe],
];
