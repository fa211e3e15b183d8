// The convolution gradients as tfjs' engine calls them, passing dilations on: tfjs' own gradients of Conv2D and
// fused.conv2d refuse dilation rates above 1, which radnb's gradient kernels (wasm, cpu) compute. On other
// backends, whose kernels may ignore the dilation, a dilated gradient still fails with tfjs' reason.
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import type { ConvAttrs } from './convGeometry';
import { gradientInstaller } from './gradientInstaller';
import type { RadnbPatch } from './kernelTypes';

/** Backends whose convolution-gradient kernels are radnb's (installKernels.ts marks them as it registers the kernels). */
const withRadnbGradients = new Set<string>();

export function markRadnbConvolutionGradients(backendName: string): void {
  withRadnbGradients.add(backendName);
}

export function hasRadnbConvolutionGradients(backendName: string): boolean {
  return withRadnbGradients.has(backendName);
}

export function isDilated(dilations: ConvAttrs['dilations']): boolean {
  return dilations != null && [dilations].flat().some((d) => d !== 1);
}

/** The input and filter gradients of a convolution of x by filter (NHWC or NCHW, any dilation), each computed only when called. */
export function convolutionGradients(
  dy: tf.Tensor,
  x: tf.Tensor,
  filter: tf.Tensor,
  attrs: ConvAttrs,
): { x: () => tf.Tensor; filter: () => tf.Tensor } {
  const { strides, pad, dataFormat = 'NHWC', dilations = 1, dimRoundingMode } = attrs;
  if (isDilated(dilations) && !hasRadnbConvolutionGradients(tf.getBackend())) {
    throw new Error(
      `Error in gradient of conv2D: dilation rates greater than 1 are not yet supported in gradients (backend '${tf.getBackend()}'; radnb computes them on wasm and cpu). Got dilations '${dilations}'`,
    );
  }
  const common = { strides, pad, dataFormat, dimRoundingMode, dilations };
  const run = (kernel: string, inputs: tf.NamedTensorMap, extra: NamedAttrMap) =>
    tf.engine().runKernel(kernel, inputs, { ...common, ...extra } as unknown as NamedAttrMap) as tf.Tensor;
  return {
    x: () => run('Conv2DBackpropInput', { dy, filter }, { inputShape: x.shape }),
    filter: () => run('Conv2DBackpropFilter', { x, dy }, { filterShape: filter.shape }),
  };
}

const useDilatedConvolutionGradients = gradientInstaller({
  kernelName: 'Conv2D',
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved;
    return convolutionGradients(dy as tf.Tensor, x, filter, attrs as unknown as ConvAttrs);
  },
});

export const dilatedConvolutionGradientPatch: RadnbPatch = {
  name: 'Conv2D gradient',
  backends: ['wasm', 'cpu'],
  install: useDilatedConvolutionGradients,
};
