// The one place radnb's kernels go onto a backend, like tfjs' register_all_kernels: every kernel radnb
// registers in place of (or beside) a backend's own, and every gradient, op or optimizer method it replaces,
// each with the backends it is for.
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { adamStepKernel, fusedAdamPatch } from './adamStep';
import { batchMatMulKernel } from './batchMatMul';
import { batchNormGradKernel, batchNormGradientPatch } from './batchNormGrad';
import { biasAddKernel } from './biasAdd';
import { conv2DBackpropFilterKernel } from './conv2DBackpropFilter';
import { conv2DBackpropInputKernel } from './conv2DBackpropInput';
import { dilatedConvolutionGradientPatch, markRadnbConvolutionGradients } from './convGradientConfig';
import { conv2DKernel, fusedConv2DKernel } from './convolution';
import { depthwiseConv2dNativeBackpropFilterKernel } from './depthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputKernel } from './depthwiseConv2dNativeBackpropInput';
import { fusedBatchNormKernel } from './fusedBatchNorm';
import { fusedConvolutionTrainingPatch } from './fusedConvTraining';
import { fusedMatMulKernel } from './fusedMatMul';
import { identityKernel } from './identity';
import type { RadnbKernel, RadnbPatch } from './kernelTypes';
import { maxPoolKernel } from './maxPool';
import { maxPoolGradKernel } from './maxPoolGrad';
import { meanGradientPatch } from './meanGradient';
import { meanKernel, sumKernel } from './reduce';
import { reluKernel } from './relu';
import { reluGradientPatch, reluGradKernel } from './reluGradient';
import { tileKernel } from './tile';
import { wholeStepPatch } from '../wholeStep/wholeStepPatch';

const KERNELS: readonly RadnbKernel[] = [
  conv2DBackpropFilterKernel,
  conv2DBackpropInputKernel,
  depthwiseConv2dNativeBackpropFilterKernel,
  depthwiseConv2dNativeBackpropInputKernel,
  maxPoolGradKernel,
  tileKernel,
  batchMatMulKernel,
  sumKernel,
  meanKernel,
  identityKernel,
  adamStepKernel,
  reluGradKernel,
  biasAddKernel,
  conv2DKernel,
  fusedConv2DKernel,
  maxPoolKernel,
  reluKernel,
  fusedMatMulKernel,
  fusedBatchNormKernel,
  batchNormGradKernel,
];

const PATCHES: readonly RadnbPatch[] = [
  dilatedConvolutionGradientPatch,
  meanGradientPatch,
  fusedConvolutionTrainingPatch,
  reluGradientPatch,
  batchNormGradientPatch,
  fusedAdamPatch,
  wholeStepPatch,
];

export interface InstalledKernels {
  backend: string;
  /** Kernel names registered for the backend. */
  kernels: string[];
  /** Patches installed for it (tfjs keeps them for the whole process; each checks the active backend). */
  patches: string[];
}

/** The kernels each backend shipped, captured before radnb's first registration replaced them. */
const shippedKernels = new Map<string, KernelConfig | undefined>();

function register(kernel: RadnbKernel, backendName: string): void {
  const { kernelName } = kernel;
  const key = `${backendName}/${kernelName}`;
  if (!shippedKernels.has(key)) shippedKernels.set(key, getKernel(kernelName, backendName));
  if (getKernel(kernelName, backendName) !== undefined) unregisterKernel(kernelName, backendName);
  const shipped = shippedKernels.get(key);
  const kernelFunc = kernel.kernelFuncFor(backendName, shipped?.kernelFunc) as unknown as KernelFunc;
  // the shipped kernel's setup (wasm: binding its C function) must still run when the backend starts
  registerKernel({
    kernelName,
    backendName,
    kernelFunc,
    setupFunc: shipped?.setupFunc,
    disposeFunc: shipped?.disposeFunc,
  });
}

/** Installs radnb's kernels and patches for `backendName`; again, the same (patches install once per process). */
export function installKernels(backendName: string): InstalledKernels {
  const kernels = KERNELS.filter((k) => k.backends.includes(backendName));
  const patches = PATCHES.filter((p) => p.backends.includes(backendName));
  if (kernels.includes(conv2DBackpropFilterKernel)) markRadnbConvolutionGradients(backendName);
  for (const kernel of kernels) register(kernel, backendName);
  for (const patch of patches) patch.install();
  return { backend: backendName, kernels: kernels.map((k) => k.kernelName), patches: patches.map((p) => p.name) };
}
