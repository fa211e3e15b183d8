// A dense layer with its bias and activation (_FusedMatMul) on wasm, as separate kernels on radnb's threads.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { KernelCalls } from './kernelCalls';
import type { KernelArgs, RadnbKernel } from './kernelTypes';
import { type ProductAttrs, simdProduct } from './matMul';
import { SimdKernels, simdKernelsOf } from './simd/simdKernels';

type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu';

/** Each fused activation as its own kernel. */
const ACTIVATIONS: Record<
  Exclude<Activation, 'linear'>,
  (c: KernelCalls, x: TensorInfo, alpha: number, weights?: TensorInfo) => TensorInfo
> = {
  relu: (c, x) => c.run('Relu', { x }),
  relu6: (c, x) => c.run('Relu6', { x }),
  elu: (c, x) => c.run('Elu', { x }),
  sigmoid: (c, x) => c.run('Sigmoid', { x }),
  leakyrelu: (c, x, alpha) => c.run('LeakyRelu', { x }, { alpha }),
  prelu: (c, x, _alpha, weights) => c.run('Prelu', { x, alpha: weights as TensorInfo }),
};

/**
 * A dense layer (_FusedMatMul): the product — the SIMD one where it applies — then the bias and the activation,
 * each by its own kernel (for a ReLU layer: radnb's bias Add and Relu). Never the shipped kernel: in
 * tfjs-backend-wasm 4.22 it gives wrong numbers with transposeB or a batch (test/cnn/kernels/poolAndMatMul.test.ts
 * covers those cases).
 */
function fusedMatMul(args: KernelArgs, backendName: string): TensorInfo {
  const { a, b, bias, preluActivationWeights } = args.inputs;
  const attrs = args.attrs as unknown as ProductAttrs & { activation?: Activation; leakyreluAlpha?: number };
  const c = new KernelCalls(args.backend, backendName);
  const simd = SimdKernels.handlesMatMul(a, b) ? simdKernelsOf(args.backend) : undefined;
  let out =
    simd !== undefined
      ? simdProduct(c, simd, a, b, attrs)
      : c.run('BatchMatMul', { a, b }, { transposeA: attrs.transposeA, transposeB: attrs.transposeB });
  const activation = attrs.activation ?? 'linear';
  const steps = [
    bias === undefined ? undefined : (x: TensorInfo) => c.add(x, bias),
    activation === 'linear'
      ? undefined
      : (x: TensorInfo) => ACTIVATIONS[activation](c, x, attrs.leakyreluAlpha ?? 0.2, preluActivationWeights),
  ];
  for (const step of steps) {
    if (step === undefined) continue;
    const next = step(out);
    c.free(out);
    out = next;
  }
  return out;
}

export const fusedMatMulKernel: RadnbKernel = {
  kernelName: '_FusedMatMul',
  backends: ['wasm'],
  kernelFuncFor: (backendName) => (args) => fusedMatMul(args, backendName),
};
