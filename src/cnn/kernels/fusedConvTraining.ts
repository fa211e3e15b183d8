// While training, tfjs runs a conv layer with bias and ReLU as three kernels (its fused op's gradient takes linear
// activations only, computes every input's gradient and refuses dilations). This makes tf.fused.conv2d run the
// one FusedConv2D kernel, with a gradient that computes only what is needed, where radnb's conv gradients run.
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { convolutionGradients, hasRadnbConvolutionGradients, isDilated } from './convGradientConfig';
import type { ConvAttrs } from './convGeometry';
import { tapeRecording } from './gradientInstaller';
import type { RadnbPatch } from './kernelTypes';
import { reluGradient } from './reluGradient';

type FusedConv2d = typeof tf.fused.conv2d;
type FusedConv2dArgs = Parameters<FusedConv2d>[0];

/** The attributes FusedConv2D gets here (NHWC; relu or linear). */
type LayerAttrs = ConvAttrs & { activation: 'relu' | 'linear' };

/**
 * The layer's tensors when this path takes it: float32, a 4-D input and filter whose channels agree, a bias of
 * one value per filter or none, and not both strides and dilations above 1 (tfjs' own function reports those).
 */
function layerTensors(args: FusedConv2dArgs): { x: tf.Tensor4D; filter: tf.Tensor4D; bias?: tf.Tensor1D } | undefined {
  const { x, filter, bias } = args as { x: unknown; filter: unknown; bias?: unknown };
  if (
    !(x instanceof tf.Tensor) ||
    !(filter instanceof tf.Tensor) ||
    x.rank !== 4 ||
    filter.rank !== 4 ||
    x.shape[3] !== filter.shape[2]
  )
    return undefined;
  if (bias != null && !(bias instanceof tf.Tensor && bias.rank === 1 && bias.size === filter.shape[3]))
    return undefined;
  if (isDilated(args.dilations) && [args.strides].flat().some((s) => s !== 1)) return undefined;
  const tensors = [x, filter, ...(bias == null ? [] : [bias as tf.Tensor])];
  if (tensors.some((t) => t.dtype !== 'float32')) return undefined;
  return { x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, bias: bias == null ? undefined : (bias as tf.Tensor1D) };
}

let installed = false;

/**
 * FusedConv2D's gradient: the ReLU's from the layer's output (positive exactly where its input is), then the
 * input, filter and bias gradients, each only when something needs it. With radnb's forward kernels (wasm) the
 * numbers are the three kernels'; a shipped fused kernel (cpu) may round the bias differently.
 */
function useFusedConvolutionWhileTraining(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient({
    kernelName: 'FusedConv2D',
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved;
      const layer = attrs as unknown as LayerAttrs;
      const dyLinear = layer.activation === 'relu' ? reluGradient(dy as tf.Tensor, y) : (dy as tf.Tensor);
      return { ...convolutionGradients(dyLinear, x, filter, layer), bias: () => tf.sum(dyLinear, [0, 1, 2]) };
    },
  });

  const fused = tf.fused as { conv2d: FusedConv2d };
  const shipped = fused.conv2d;
  fused.conv2d = ((args: FusedConv2dArgs) => {
    const activation = args.activation ?? 'linear';
    if (activation !== 'relu' && activation !== 'linear') return shipped(args);
    const tensors =
      tapeRecording() &&
      args.preluActivationWeights == null &&
      (args.dataFormat ?? 'NHWC') === 'NHWC' &&
      hasRadnbConvolutionGradients(tf.getBackend())
        ? layerTensors(args)
        : undefined;
    if (tensors === undefined) return shipped(args);
    const { x, filter, bias } = tensors;
    const attrs: LayerAttrs = {
      strides: args.strides,
      pad: args.pad,
      dimRoundingMode: args.dimRoundingMode,
      dilations: args.dilations ?? 1,
      dataFormat: 'NHWC',
      activation,
    };
    return tf
      .engine()
      .runKernel(
        'FusedConv2D',
        bias === undefined ? { x, filter } : { x, filter, bias },
        attrs as unknown as NamedAttrMap,
      ) as tf.Tensor4D;
  }) as FusedConv2d;
}

export const fusedConvolutionTrainingPatch: RadnbPatch = {
  name: 'tf.fused.conv2d while training',
  backends: ['wasm', 'cpu'],
  install: useFusedConvolutionWhileTraining,
};
