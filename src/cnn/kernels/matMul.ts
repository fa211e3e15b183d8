// Matrix products on wasm. Dense layers (no batch): radnb's SIMD product, which reads a transposed A in
// place — XNNPACK repacks B as "weights" on every call, which costs more than the product for a layer's
// 4 MB of weights (and 0.6 ms for a one-unit layer's 32×64 · 32×1 weight gradient) — also for dense layers
// with their bias and activation (_FusedMatMul), on radnb's threads. Batched products: the
// shipped BatchMatMul runs a transposed operand through a slow generic loop (3–8× slower than its XNNPACK
// path), so operands are transposed explicitly first.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './convGradients';
import { KernelCalls, shippedKernel } from './kernelCalls';
import { SimdKernels, simdKernelsOf } from './simd/simdKernels';

function swapLastAxes(c: KernelCalls, x: TensorInfo): TensorInfo {
  const perm = x.shape.map((_, i) => i);
  [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
  return c.transpose(x, perm);
}

interface ProductAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** A dense product by the SIMD kernel (see SimdKernels.handlesMatMul). */
function simdProduct(c: KernelCalls, simd: SimdKernels, a: TensorInfo, b: TensorInfo, { transposeA, transposeB }: ProductAttrs): TensorInfo {
  const leadingOnes = Math.max(a.shape.length, b.shape.length) - 2;
  if (!transposeB) return simd.matMul(a, b, transposeA, leadingOnes);
  // A·Bᵀ = (B·Aᵀ)ᵀ: B's rows are then read in order, and Aᵀ (small in dense layers) is the operand read by rows
  const aT = transposeA ? c.retain(a) : swapLastAxes(c, a);
  const product = simd.matMul(b, aT, false, leadingOnes);
  const out = swapLastAxes(c, product);
  c.free(aT, product);
  return out;
}

export function batchMatMulFor(backendName: string, shipped: KernelFunc | undefined): (args: KernelArgs) => TensorInfo {
  const plain = shippedKernel('BatchMatMul', backendName, shipped);
  return (args) => {
    const { transposeA, transposeB } = args.attrs as unknown as ProductAttrs;
    const c = new KernelCalls(args.backend, backendName);
    const { a, b } = args.inputs;
    const simd = SimdKernels.handlesMatMul(a, b) ? simdKernelsOf(args.backend) : undefined;
    if (simd !== undefined) return simdProduct(c, simd, a, b, { transposeA, transposeB });
    if (!transposeA && !transposeB) return plain(args);
    const plainA = transposeA ? swapLastAxes(c, a) : c.retain(a);
    const plainB = transposeB ? swapLastAxes(c, b) : c.retain(b);
    const out = plain({ inputs: { a: plainA, b: plainB }, backend: args.backend, attrs: { transposeA: false, transposeB: false } });
    c.free(plainA, plainB);
    return out;
  };
}

type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu';

/** Each fused activation as its own kernel. */
const ACTIVATIONS: Record<Exclude<Activation, 'linear'>, (c: KernelCalls, x: TensorInfo, alpha: number, weights?: TensorInfo) => TensorInfo> = {
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
 * tfjs-backend-wasm 4.22 it gives wrong numbers with transposeB or a batch (measured: errors up to 12 on a
 * 32×576 · 576×64 product with a bias and ReLU). test/cnn/poolAndMatMulKernels.test.ts covers those cases.
 */
export function fusedMatMul(args: KernelArgs, backendName: string): TensorInfo {
  const { a, b, bias, preluActivationWeights } = args.inputs;
  const attrs = args.attrs as unknown as ProductAttrs & { activation?: Activation; leakyreluAlpha?: number };
  const c = new KernelCalls(args.backend, backendName);
  const simd = SimdKernels.handlesMatMul(a, b) ? simdKernelsOf(args.backend) : undefined;
  let out = simd !== undefined ? simdProduct(c, simd, a, b, attrs) : c.run('BatchMatMul', { a, b }, { transposeA: attrs.transposeA, transposeB: attrs.transposeB });
  const activation = attrs.activation ?? 'linear';
  const steps = [
    bias === undefined ? undefined : (x: TensorInfo) => c.add(x, bias),
    activation === 'linear' ? undefined : (x: TensorInfo) => ACTIVATIONS[activation](c, x, attrs.leakyreluAlpha ?? 0.2, preluActivationWeights),
  ];
  for (const step of steps) {
    if (step === undefined) continue;
    const next = step(out);
    c.free(out);
    out = next;
  }
  return out;
}
