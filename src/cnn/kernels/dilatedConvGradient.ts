// Training dilated convolutions. tfjs' gradient of Conv2D refuses dilation rates above 1, though radnb's
// convolution-gradient kernels (wasm, cpu) compute them (test/cnn/convGradients.test.ts checks them against the
// definition). useDilatedConvolutionGradients() registers a Conv2D gradient that passes the dilation to those
// kernels; on other backends, whose kernels may ignore it, a dilated gradient still fails with tfjs' reason.
// Undilated convolutions get the same kernels with the same attributes as tfjs' own gradient.
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

let installed = false;

/** `dilationAware`: whether a backend's convolution-gradient kernels are radnb's (see register.ts). */
export function useDilatedConvolutionGradients(dilationAware: (backendName: string) => boolean): void {
  if (installed) return;
  installed = true;
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved;
      const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as ConvAttrs;
      const dilated = [dilations].flat().some((d) => d !== 1);
      if (dilated && !dilationAware(tf.getBackend())) {
        throw new Error(`Error in gradient of conv2D: dilation rates greater than 1 are not yet supported in gradients (backend '${tf.getBackend()}'; radnb computes them on wasm and cpu). Got dilations '${dilations}'`);
      }
      const common = { strides, pad, dataFormat, dimRoundingMode, dilations };
      const run = (kernel: string, inputs: tf.NamedTensorMap, extra: NamedAttrMap) => tf.engine().runKernel(kernel, inputs, { ...common, ...extra } as unknown as NamedAttrMap) as tf.Tensor;
      return {
        x: () => run('Conv2DBackpropInput', { dy: dy as tf.Tensor, filter }, { inputShape: x.shape }),
        filter: () => run('Conv2DBackpropFilter', { x, dy: dy as tf.Tensor }, { filterShape: filter.shape }),
      };
    },
  });
}
