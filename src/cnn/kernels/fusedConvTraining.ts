// Convolution layers while training on wasm. Under gradient recording tfjs runs a layer with a bias and ReLU
// as three kernels — convolution, bias Add, ReLU: three passes over the layer's largest tensor — because the
// gradient of its fused op handles a linear activation only, and computes the gradient of every input at
// once (a first layer's input gradient too, which nothing needs). useFusedConvolutionWhileTraining() makes
// tf.fused.conv2d, which tfjs-layers calls, run such a layer as the one FusedConv2D kernel it runs in
// inference, and registers that kernel's gradient: the ReLU's from the layer's output (positive exactly where
// its input is), then the input, filter and bias gradients, each only when something needs it. The numbers
// are those of the three kernels (the convolution gradients are the same kernels). Anything else goes to
// tfjs' own function unchanged.
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { reluGradient } from './reluGradient';
import { simdKernelsActive } from './simd/simdKernels';

type FusedConv2d = typeof tf.fused.conv2d;
type FusedConv2dArgs = Parameters<FusedConv2d>[0];

/** The attributes FusedConv2D gets here (NHWC, no dilation, relu or linear). */
interface LayerAttrs {
  strides: [number, number] | number;
  pad: FusedConv2dArgs['pad'];
  dimRoundingMode?: FusedConv2dArgs['dimRoundingMode'];
  activation: 'relu' | 'linear';
}

/** The layer's tensors when this path takes it: float32, a 4-D input and filter, a bias of one value per filter or none. */
function layerTensors(args: FusedConv2dArgs): { x: tf.Tensor4D; filter: tf.Tensor4D; bias?: tf.Tensor1D } | undefined {
  const { x, filter, bias } = args as { x: unknown; filter: unknown; bias?: unknown };
  if (!(x instanceof tf.Tensor) || !(filter instanceof tf.Tensor) || x.rank !== 4 || filter.rank !== 4) return undefined;
  if (bias != null && !(bias instanceof tf.Tensor && bias.rank === 1 && bias.size === filter.shape[3])) return undefined;
  const tensors = [x, filter, ...(bias == null ? [] : [bias as tf.Tensor])];
  if (tensors.some((t) => t.dtype !== 'float32')) return undefined;
  return { x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, bias: bias == null ? undefined : bias as tf.Tensor1D };
}

function dilated(dilations: FusedConv2dArgs['dilations']): boolean {
  return dilations != null && [dilations].flat().some((d) => d !== 1);
}

let installed = false;

export function useFusedConvolutionWhileTraining(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient({
    kernelName: 'FusedConv2D',
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved;
      const { strides, pad, dimRoundingMode, activation } = attrs as unknown as LayerAttrs;
      const dyLinear = activation === 'relu' ? reluGradient(dy as tf.Tensor, y) : dy as tf.Tensor;
      const convAttrs = { strides, pad, dimRoundingMode, dataFormat: 'NHWC', dilations: 1 };
      const run = (kernel: string, inputs: tf.NamedTensorMap, extra: NamedAttrMap) => tf.engine().runKernel(kernel, inputs, { ...convAttrs, ...extra } as unknown as NamedAttrMap) as tf.Tensor;
      return {
        x: () => run('Conv2DBackpropInput', { dy: dyLinear, filter }, { inputShape: x.shape }),
        filter: () => run('Conv2DBackpropFilter', { x, dy: dyLinear }, { filterShape: filter.shape }),
        bias: () => tf.sum(dyLinear, [0, 1, 2]),
      };
    },
  });

  const fused = tf.fused as { conv2d: FusedConv2d };
  const shipped = fused.conv2d;
  fused.conv2d = ((args: FusedConv2dArgs) => {
    const recording = (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
    const activation = args.activation ?? 'linear';
    if (activation !== 'relu' && activation !== 'linear') return shipped(args);
    const tensors = recording && args.preluActivationWeights == null
      && (args.dataFormat ?? 'NHWC') === 'NHWC' && !dilated(args.dilations) && simdKernelsActive() ? layerTensors(args) : undefined;
    if (tensors === undefined) return shipped(args);
    const { x, filter, bias } = tensors;
    const attrs: LayerAttrs & { dataFormat: 'NHWC'; dilations: 1 } = { strides: args.strides, pad: args.pad, dimRoundingMode: args.dimRoundingMode, activation, dataFormat: 'NHWC', dilations: 1 };
    return tf.engine().runKernel('FusedConv2D', bias === undefined ? { x, filter } : { x, filter, bias }, attrs as unknown as NamedAttrMap) as tf.Tensor4D;
  }) as FusedConv2d;
}
