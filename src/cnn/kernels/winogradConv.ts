// Conv2D on wasm for 3×3 filters with stride 1 — most layers of the radiology CNNs, and every input
// gradient of one (a convolution too) — by radnb's Winograd F(2×2, 3×3) kernel: 2.25× fewer
// multiplications than XNNPACK's direct convolution. Other convolutions go to the shipped kernel.
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './convGradients';
import { convInfo } from './convGeometry';
import type { ConvAttrs } from './convGeometry';
import { SimdKernels, simdKernelsOf } from './simd/simdKernels';

export function winogradConv2dFor(backendName: string, shipped: KernelFunc | undefined): (args: KernelArgs) => TensorInfo {
  if (shipped === undefined) throw new Error(`radnb Conv2D: backend '${backendName}' has no Conv2D kernel to build on`);
  return (args) => {
    const { x, filter } = args.inputs;
    const attrs = args.attrs as unknown as ConvAttrs;
    if (attrs.dataFormat !== 'NCHW') {
      const info = convInfo('Conv2D', x.shape, filter.shape, attrs, false);
      const simd = SimdKernels.handlesWinograd(info, x, filter) ? simdKernelsOf(args.backend) : undefined;
      if (simd !== undefined) return simd.winogradConv2d(x, filter, info);
    }
    return shipped(args as typeof args & { attrs: NamedAttrMap }) as TensorInfo;
  };
}
