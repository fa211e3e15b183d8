// Calls a backend's registered kernels directly (not through tf ops), the way backends compose their own
// kernels: a composed kernel then runs no engine bookkeeping, records nothing on the gradient tape and
// frees each intermediate buffer as soon as it is consumed.
import { getKernel } from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './kernelTypes';

export class KernelCalls {
  constructor(
    readonly backend: KernelBackend,
    private readonly backendName: string,
  ) {}

  run(kernelName: string, inputs: Record<string, TensorInfo>, attrs: object = {}): TensorInfo {
    const config = getKernel(kernelName, this.backendName);
    if (config === undefined) {
      throw new Error(`radnb gradient kernels: backend '${this.backendName}' has no '${kernelName}' kernel`);
    }
    const out = config.kernelFunc({ inputs, attrs: attrs as NamedAttrMap, backend: this.backend });
    return Array.isArray(out) ? out[0] : out;
  }

  /** Releases an intermediate result (reshapes share buffers; the backend counts references). */
  free(...infos: TensorInfo[]): void {
    for (const info of infos) this.backend.disposeData(info.dataId);
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** Pads with zeros where an amount is positive and crops where it is negative. */
  padOrCrop(x: TensorInfo, amounts: Array<[number, number]>): TensorInfo {
    const paddings = amounts.map(([before, after]) => [Math.max(0, before), Math.max(0, after)]);
    const padded = paddings.some(([b, a]) => b > 0 || a > 0)
      ? this.run('PadV2', { x }, { paddings, constantValue: 0 })
      : this.retain(x);
    if (amounts.every(([b, a]) => b >= 0 && a >= 0)) return padded;
    const begin = amounts.map(([b]) => Math.max(0, -b));
    const size = padded.shape.map((n, i) => n - begin[i] - Math.max(0, -amounts[i][1]));
    const cropped = this.run('Slice', { x: padded }, { begin, size });
    this.free(padded);
    return cropped;
  }

  /** A second reference to the same buffer, so that callers can free every result uniformly. */
  retain(x: TensorInfo): TensorInfo {
    return this.reshape(x, x.shape);
  }

  stridedSlice(x: TensorInfo, begin: number[], end: number[], strides: number[]): TensorInfo {
    return this.run(
      'StridedSlice',
      { x },
      {
        begin,
        end,
        strides,
        beginMask: 0,
        endMask: 0,
        ellipsisMask: 0,
        newAxisMask: 0,
        shrinkAxisMask: 0,
      },
    );
  }

  concat(tensors: TensorInfo[], axis: number): TensorInfo {
    if (tensors.length === 1) return this.retain(tensors[0]);
    // Concat's kernels take their inputs as an array (tf.concat passes it through as is)
    return this.run('Concat', tensors as unknown as Record<string, TensorInfo>, { axis });
  }

  add(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run('Add', { a, b });
  }

  /** Adds `next` into an accumulator, freeing both operands; starts the sum when there is none yet. */
  accumulate(sum: TensorInfo | undefined, next: TensorInfo): TensorInfo {
    if (sum === undefined) return next;
    const total = this.add(sum, next);
    this.free(sum, next);
    return total;
  }
}

/** The backend's own kernel that a radnb kernel leaves other cases to, as a function; throws when the backend has none. */
export function shippedKernel(
  kernelName: string,
  backendName: string,
  shipped: KernelFunc | undefined,
): (args: KernelArgs) => TensorInfo {
  if (shipped === undefined)
    throw new Error(`radnb ${kernelName}: backend '${backendName}' has no ${kernelName} kernel to fall back on`);
  return (args) => shipped(args as typeof args & { attrs: NamedAttrMap }) as TensorInfo;
}
