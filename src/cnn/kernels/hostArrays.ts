// Direct access to tensor memory for the kernels that are fastest as one plain loop: on wasm, views into the
// WebAssembly heap (no copies); on cpu, the stored arrays.
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

interface WasmLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

interface CpuLike {
  readSync(dataId: object): Float32Array;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

/**
 * Allocates a zeroed float32 output of `outShape`, then runs `fill` with the inputs' values and the
 * output's; returns the output. The wasm heap can move when memory grows, so views are taken only
 * after the allocation and must not outlive `fill`.
 */
export function loopKernel(
  backend: KernelBackend,
  inputs: TensorInfo[],
  outShape: number[],
  fill: (inputs: Float32Array[], out: Float32Array) => void,
): TensorInfo {
  for (const t of inputs) {
    if (t.dtype !== 'float32') throw new Error(`radnb loop kernel: expected float32 input, got ${t.dtype}`);
  }
  if ('typedArrayFromHeap' in backend) {
    const wasm = backend as unknown as WasmLike;
    const out = wasm.makeOutput(outShape, 'float32');
    const values = wasm.typedArrayFromHeap(out);
    values.fill(0);
    fill(
      inputs.map((t) => wasm.typedArrayFromHeap(t)),
      values,
    );
    return out;
  }
  const cpu = backend as unknown as CpuLike;
  const values = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  fill(
    inputs.map((t) => cpu.readSync(t.dataId)),
    values,
  );
  return cpu.makeTensorInfo(outShape, 'float32', values);
}
