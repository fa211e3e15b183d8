// What installKernels() puts on each backend, and that it acts there: the kernels are registered per backend,
// the patches (gradients, tf.fused.conv2d, Adam) are process-wide in tfjs, so each must act only on the
// backends it was installed for. The file starts on cpu, before anything of wasm is installed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { getKernel } from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/cnn/backend';
import { installKernels } from '../../../src/cnn/kernels/installKernels';

const ON_BOTH = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'MaxPoolGrad',
  'Tile',
];
const WASM_ONLY = [
  'BatchMatMul',
  'Sum',
  'Mean',
  'Identity',
  'RadnbAdamStep',
  'RadnbReluGrad',
  'Add',
  'Conv2D',
  'FusedConv2D',
  'MaxPool',
  'Relu',
  '_FusedMatMul',
  'FusedBatchNorm',
  'RadnbBatchNormGrad',
];
const PATCHES_ON_BOTH = ['Conv2D gradient', 'Mean gradient', 'tf.fused.conv2d while training'];
const PATCHES_WASM_ONLY = [
  'Relu gradient',
  'FusedBatchNorm gradient',
  'AdamOptimizer.applyGradients',
  'LayersModel training step and predict',
];

/** The kernels a function runs, gradients included. */
async function kernelsRun(f: () => tf.Tensor | tf.Tensor[]): Promise<string[]> {
  return (await tf.profile(f)).kernelNames;
}

/** A convolution layer with bias and ReLU as tfjs-layers runs it, differentiated with respect to its filter. */
function convLayerGradient(dilations = 1): tf.Tensor {
  const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const bias = tf.randomNormal([4], 0, 1, 'float32', 2) as tf.Tensor1D;
  const filterGrad = tf.grad((filter: tf.Tensor) =>
    tf.sum(
      tf.fused.conv2d({
        x,
        filter: filter as tf.Tensor4D,
        strides: 1,
        pad: 'same',
        dilations,
        bias,
        activation: 'relu',
      }),
    ),
  );
  return filterGrad(tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 3));
}

const reluGradient = (): tf.Tensor =>
  tf.grad((x: tf.Tensor) => tf.sum(tf.relu(x)))(tf.randomNormal([4, 4], 0, 1, 'float32', 4));
const meanGradient = (): tf.Tensor =>
  tf.grad((x: tf.Tensor) => tf.mean(x, [0, 1, 2]))(tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 5));

test('on cpu: the convolution and max-pool gradients, Tile, and the patches that use them; nothing of the SIMD module', async () => {
  assert.equal((await initBackend({ prefer: 'cpu' })).name, 'cpu');
  const installed = installKernels('cpu');
  assert.deepEqual(installed, { backend: 'cpu', kernels: ON_BOTH, patches: PATCHES_ON_BOTH });
  assert.deepEqual(installKernels('cpu'), installed, 'installing again changes nothing');
  assert.equal(getKernel('RadnbReluGrad', 'cpu'), undefined);

  const conv = await kernelsRun(() => convLayerGradient());
  assert.ok(conv.includes('FusedConv2D') && !conv.includes('Relu'), `a conv layer trains as one fused kernel: ${conv}`);
  assert.ok(conv.includes('Conv2DBackpropFilter'));
  assert.equal(
    convLayerGradient(2).shape.join(),
    '3,3,3,4',
    'dilated convolutions train (tfjs refuses their gradient)',
  );
  const mean = await kernelsRun(meanGradient);
  assert.ok(mean.includes('Tile') && !mean.includes('Fill'), `Mean's gradient is one broadcast: ${mean}`);
  assert.ok(!(await kernelsRun(reluGradient)).includes('RadnbReluGrad'));
});

/** One Adam step on a variable. */
function adamStep(): tf.Tensor[] {
  const weights = tf.variable(tf.ones([8]));
  tf.train.adam(0.1).minimize(() => tf.sum(tf.square(weights)) as tf.Scalar);
  return [weights];
}

test('on wasm: every kernel and patch; the SIMD patches act on wasm and not on cpu', async () => {
  assert.equal((await initBackend({ prefer: 'wasm' })).name, 'wasm');
  assert.deepEqual(installKernels('wasm'), {
    backend: 'wasm',
    kernels: [...ON_BOTH, ...WASM_ONLY],
    patches: [...PATCHES_ON_BOTH, ...PATCHES_WASM_ONLY],
  });
  const onWasm = await kernelsRun(() => [convLayerGradient(), reluGradient(), ...adamStep()]);
  for (const kernel of ['FusedConv2D', 'Conv2DBackpropFilter', 'RadnbReluGrad', 'RadnbAdamStep'])
    assert.ok(onWasm.includes(kernel), `${kernel} in ${onWasm}`);

  await tf.setBackend('cpu');
  const onCpu = await kernelsRun(() => [convLayerGradient(), reluGradient(), ...adamStep()]);
  assert.ok(onCpu.includes('FusedConv2D'), 'the cpu patches still act on cpu');
  assert.deepEqual(
    onCpu.filter((k) => k.startsWith('Radnb')),
    [],
    'the SIMD kernels run only on wasm',
  );
});
