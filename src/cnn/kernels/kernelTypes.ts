// The shapes radnb's kernels share with tfjs' kernel registry, and the two kinds of thing installKernels.ts
// puts onto a backend: kernels, registered per backend, and patches (gradients, an op, an optimizer method),
// which tfjs keeps once for all backends: each checks the active backend when it runs.
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

/** What tfjs passes a kernel function. */
export interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  attrs?: NamedAttrMap;
  backend: KernelBackend;
}

/** A kernel radnb registers in place of a backend's own (or beside them, for its fused kernels). */
export interface RadnbKernel {
  kernelName: string;
  backends: readonly string[];
  /** The kernel for one backend; `shipped` is the backend's own of that name, for the cases radnb leaves to it. */
  kernelFuncFor(backendName: string, shipped: KernelFunc | undefined): (args: KernelArgs) => TensorInfo | TensorInfo[];
}

/** A gradient, op or optimizer method radnb replaces for the whole process, for the backends it names. */
export interface RadnbPatch {
  name: string;
  backends: readonly string[];
  /** Installs it; later calls do nothing. */
  install(): void;
}
