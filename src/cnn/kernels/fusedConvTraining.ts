// Convolution layers with a bias and ReLU while training on wasm: tfjs runs them as three kernels under
// gradient recording (convolution, bias Add, ReLU — it fuses only a linear activation there), each a pass
// over the layer's largest tensor. useFusedConvolutionWhileTraining() makes tf.fused.conv2d, which
// tfjs-layers calls, run the convolution and bias as one FusedConv2D (whose gradient tfjs defines) and
// then the ReLU — the same numbers, one pass fewer — for the layers radnb's Winograd kernel computes. Not
// for others: a first layer (1–3 input channels) would then also compute the gradient of its input,
// which nothing needs and tfjs otherwise skips. Anything else goes to tfjs' own function unchanged.
import * as tf from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs-core';
import { SimdKernels, simdKernelsActive } from './simd/simdKernels';

type FusedConv2d = typeof tf.fused.conv2d;
type FusedConv2dArgs = Parameters<FusedConv2d>[0];

function isWinogradLayer(args: FusedConv2dArgs): boolean {
  const { x, filter } = args as { x: tf.Tensor; filter: tf.Tensor };
  if (!(x instanceof tf.Tensor) || !(filter instanceof tf.Tensor) || x.rank !== 4 || filter.rank !== 4) return false;
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
    args.strides, args.dilations ?? 1, args.pad, args.dimRoundingMode);
  return SimdKernels.handlesWinograd(info, x, filter);
}

let installed = false;

export function useFusedConvolutionWhileTraining(): void {
  if (installed) return;
  installed = true;
  const fused = tf.fused as { conv2d: FusedConv2d };
  const shipped = fused.conv2d;
  fused.conv2d = ((args: FusedConv2dArgs) => {
    const recording = (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
    const applies = recording && args.activation === 'relu' && args.bias != null && args.preluActivationWeights == null
      && (args.dataFormat ?? 'NHWC') === 'NHWC' && simdKernelsActive()
      && isWinogradLayer(args);
    if (!applies) return shipped(args);
    return tf.relu(shipped({ ...args, activation: 'linear' }));
  }) as FusedConv2d;
}
