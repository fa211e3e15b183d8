// The ReLU gradient as one kernel ('RadnbReluGrad') on wasm, one pass where tfjs' dy · cast(step(x)) makes three
// over every activation; tfjs' formula on other backends. The numbers are the same.
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs, RadnbKernel, RadnbPatch } from './kernelTypes';
import { gradientInstaller } from './gradientInstaller';
import { simdKernelsActive, simdKernelsOf } from './simd/simdKernels';

export const RELU_GRAD = 'RadnbReluGrad';

function reluGrad(args: KernelArgs): TensorInfo {
  const { dy, x } = args.inputs;
  const simd = simdKernelsOf(args.backend);
  if (simd === undefined) throw new Error(`radnb ${RELU_GRAD}: the SIMD kernels cannot run on this backend`);
  return simd.reluGrad(dy, x);
}

/** dy · step(x): the gradient through a ReLU whose input (or output: positive at the same places) is x. */
export function reluGradient(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const fused = x.dtype === 'float32' && simdKernelsActive();
  return fused
    ? (tf.engine().runKernel(RELU_GRAD, { dy, x }) as tf.Tensor)
    : tf.mul(dy, tf.cast(tf.step(x), 'float32'));
}

const useFusedReluGradient = gradientInstaller(
  {
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      return { x: () => reluGradient(dy as tf.Tensor, x) };
    },
  },
  // second-order gradients pass through it as through dy · step(x): step(x) for dy, 0 for x
  {
    kernelName: RELU_GRAD,
    inputsToSave: ['x'],
    gradFunc: (g, saved) => {
      const [x] = saved;
      return {
        dy: () => tf.engine().runKernel(RELU_GRAD, { dy: g as tf.Tensor, x }) as tf.Tensor,
        x: () => tf.zerosLike(x),
      };
    },
  },
);

export const reluGradKernel: RadnbKernel = { kernelName: RELU_GRAD, backends: ['wasm'], kernelFuncFor: () => reluGrad };
export const reluGradientPatch: RadnbPatch = {
  name: 'Relu gradient',
  backends: ['wasm'],
  install: useFusedReluGradient,
};
