// Registers radnb's gradient kernels for a backend, replacing what it ships: the wasm backend has no
// filter gradients at all (it cannot train a CNN as shipped), a naive input gradient, a slow (and for
// 'same' padding wrong) max-pool gradient, a slow path for transposed matrix products, a per-element
// Tile (the batch-norm gradient's largest cost), slow reductions over all but the channel axis, an
// Identity that copies and a per-element broadcasting Add for biases; it also gets fused ReLU gradients
// and Adam steps, and convolutions, max pooling, ReLU, dense layers and batch normalisation (forward and
// gradient) on radnb's threads; the cpu backend's convolution gradients are per-element
// loops (~60× slower than a matrix product).
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  conv2DBackpropFilter,
  conv2DBackpropInput,
  depthwiseConv2dNativeBackpropFilter,
  depthwiseConv2dNativeBackpropInput,
} from './convGradients';
import type { KernelArgs } from './convGradients';
import { ADAM_STEP, adamStep } from './adamStep';
import { BATCH_NORM_GRAD, batchNormFor, batchNormGrad } from './batchNorm';
import { biasAddFor } from './biasAdd';
import { conv2dFor, fusedConv2dFor } from './convolution';
import { markRadnbConvolutionGradients, useDilatedConvolutionGradients } from './convGradientConfig';
import { sharedIdentityFor } from './identity';
import { batchMatMulFor, fusedMatMul } from './matMul';
import { maxPoolFor } from './maxPool';
import { maxPoolGrad } from './poolGradients';
import { reluFor } from './relu';
import { RELU_GRAD, reluGrad } from './reluGradient';
import { leadingAxesReduceFor } from './reduce';
import { tileFor } from './tile';

/** Builds a backend's kernel; `shipped` is the backend's own kernel of that name, for cases radnb leaves to it. */
type KernelFactory = (backendName: string, shipped: KernelFunc | undefined) => (args: KernelArgs) => TensorInfo | TensorInfo[];

const always =
  (kernel: (args: KernelArgs, backendName: string) => TensorInfo | TensorInfo[]): KernelFactory =>
  (backendName) =>
  (args) =>
    kernel(args, backendName);

const GRADIENT_KERNELS: Array<{ kernelName: string; factory: KernelFactory; backends: string[] }> = [
  { kernelName: 'Conv2DBackpropFilter', factory: always(conv2DBackpropFilter), backends: ['wasm', 'cpu'] },
  { kernelName: 'Conv2DBackpropInput', factory: always(conv2DBackpropInput), backends: ['wasm', 'cpu'] },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', factory: always(depthwiseConv2dNativeBackpropFilter), backends: ['wasm', 'cpu'] },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', factory: always(depthwiseConv2dNativeBackpropInput), backends: ['wasm', 'cpu'] },
  { kernelName: 'MaxPoolGrad', factory: always(maxPoolGrad), backends: ['wasm', 'cpu'] },
  { kernelName: 'BatchMatMul', factory: batchMatMulFor, backends: ['wasm'] },
  { kernelName: 'Tile', factory: tileFor, backends: ['wasm', 'cpu'] },
  { kernelName: 'Sum', factory: leadingAxesReduceFor('Sum'), backends: ['wasm'] },
  { kernelName: 'Mean', factory: leadingAxesReduceFor('Mean'), backends: ['wasm'] },
  { kernelName: 'Identity', factory: sharedIdentityFor, backends: ['wasm'] },
  { kernelName: ADAM_STEP, factory: always(adamStep), backends: ['wasm'] },
  { kernelName: RELU_GRAD, factory: always(reluGrad), backends: ['wasm'] },
  { kernelName: 'Add', factory: biasAddFor, backends: ['wasm'] },
  { kernelName: 'Conv2D', factory: conv2dFor, backends: ['wasm'] },
  { kernelName: 'FusedConv2D', factory: fusedConv2dFor, backends: ['wasm'] },
  { kernelName: 'MaxPool', factory: maxPoolFor, backends: ['wasm'] },
  { kernelName: 'Relu', factory: reluFor, backends: ['wasm'] },
  { kernelName: '_FusedMatMul', factory: always(fusedMatMul), backends: ['wasm'] },
  { kernelName: 'FusedBatchNorm', factory: batchNormFor, backends: ['wasm'] },
  { kernelName: BATCH_NORM_GRAD, factory: always(batchNormGrad), backends: ['wasm'] },
];

/** The kernels each backend shipped, captured before radnb's first registration replaced them. */
const shippedKernels = new Map<string, KernelConfig | undefined>();

/**
 * Registers the composed gradient kernels for `backendName` (again: no effect), and the Conv2D gradient that
 * lets them train dilated convolutions; returns the kernels' names.
 */
export function registerGradientKernels(backendName: string): string[] {
  useDilatedConvolutionGradients();
  const mine = GRADIENT_KERNELS.filter((k) => k.backends.includes(backendName));
  if (mine.some((k) => k.kernelName === 'Conv2DBackpropFilter')) markRadnbConvolutionGradients(backendName);
  return mine.map(({ kernelName, factory }) => {
    const key = `${backendName}/${kernelName}`;
    if (!shippedKernels.has(key)) shippedKernels.set(key, getKernel(kernelName, backendName));
    if (getKernel(kernelName, backendName) !== undefined) unregisterKernel(kernelName, backendName);
    const shipped = shippedKernels.get(key);
    const kernelFunc = factory(backendName, shipped?.kernelFunc) as unknown as KernelFunc;
    // the shipped kernel's setup (wasm: binding its C function) must still run when the backend starts
    registerKernel({ kernelName, backendName, kernelFunc, setupFunc: shipped?.setupFunc, disposeFunc: shipped?.disposeFunc });
    return kernelName;
  });
}
