// Matrix products with a transposed operand on wasm: the shipped BatchMatMul runs those through a slow
// generic loop (3–8× slower than its XNNPACK path), and dense-layer gradients need exactly those
// (dW = xᵀ·dy, dx = dy·Wᵀ). Transposing explicitly first and multiplying plainly is faster.
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './convGradients';
import { KernelCalls } from './kernelCalls';

function swapLastAxes(c: KernelCalls, x: TensorInfo): TensorInfo {
  const perm = x.shape.map((_, i) => i);
  [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
  return c.transpose(x, perm);
}

export function batchMatMulFor(backendName: string, shipped: KernelFunc | undefined): (args: KernelArgs) => TensorInfo {
  if (shipped === undefined) throw new Error(`radnb BatchMatMul: backend '${backendName}' has no BatchMatMul kernel to build on`);
  return (args) => {
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return shipped(args as typeof args & { attrs: NamedAttrMap }) as TensorInfo;
    const c = new KernelCalls(args.backend, backendName);
    const a = transposeA ? swapLastAxes(c, args.inputs.a) : c.retain(args.inputs.a);
    const b = transposeB ? swapLastAxes(c, args.inputs.b) : c.retain(args.inputs.b);
    const out = shipped({ inputs: { a, b }, backend: args.backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
    c.free(a, b);
    return out;
  };
}
