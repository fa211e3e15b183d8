// radnb's convolutions on wasm agree with the cpu backend: Winograd F(4×4 or 2×2, 3×3) for 3×3 stride-1 layers
// and a direct convolution for layers with at most 4 input channels, also with a fused bias and ReLU
// (FusedConv2D: what layers run outside training), and the shipped kernel for everything else. The Winograd gradients are checked against the definition in convGradients.test.ts.
import { before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/cnn/backend';
import { assertClose } from '../support/compare';
import { SimdKernels } from '../../../src/cnn/kernels/simd/simdKernels';

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same';
  dilations?: number;
  kernel: string;
}

const CASES: Case[] = [
  { x: [32, 14, 14, 16], filter: [3, 3, 16, 32], strides: 1, pad: 'same', kernel: 'Winograd (threads)' },
  { x: [2, 7, 9, 8], filter: [3, 3, 8, 12], strides: 1, pad: 'valid', kernel: 'Winograd (odd sizes)' },
  { x: [2, 9, 9, 8], filter: [3, 3, 8, 8], strides: 2, pad: 'same', kernel: 'shipped (stride 2)' },
  { x: [2, 6, 6, 3], filter: [3, 3, 3, 6], strides: 1, pad: 'same', kernel: 'shipped (3 input, 6 output channels)' },
  {
    x: [4, 28, 28, 1],
    filter: [3, 3, 1, 16],
    strides: 1,
    pad: 'same',
    kernel: 'direct (a first layer: 1 input channel, threads)',
  },
  {
    x: [3, 9, 8, 1],
    filter: [3, 3, 1, 20],
    strides: 1,
    pad: 'valid',
    kernel: 'direct (16 + 4 output channels, odd sizes)',
  },
  { x: [2, 15, 13, 3], filter: [7, 7, 3, 8], strides: 2, pad: 'same', kernel: 'direct (RGB, 7×7, stride 2)' },
  {
    x: [2, 10, 11, 4],
    filter: [3, 2, 4, 32],
    strides: [1, 2],
    pad: 'same',
    kernel: 'direct (4 input channels, 3×2 window)',
  },
  {
    x: [2, 8, 8, 2],
    filter: [3, 3, 2, 8],
    strides: 1,
    pad: 'same',
    dilations: 2,
    kernel: 'shipped (dilated, few channels)',
  },
  { x: [2, 12, 11, 8], filter: [3, 3, 8, 8], strides: 1, pad: 'valid', dilations: 2, kernel: 'shipped (dilated)' },
];

type Layer = (x: tf.Tensor4D, w: tf.Tensor4D, bias: tf.Tensor1D) => tf.Tensor;

async function onBothBackends(c: Case, layer: Layer): Promise<[Float32Array, Float32Array]> {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const x = tf.randomUniform(c.x, -1, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomUniform(c.filter, -1, 1, 'float32', 2) as tf.Tensor4D;
      const bias = tf.randomUniform([c.filter[3]], -1, 1, 'float32', 3) as tf.Tensor1D;
      return layer(x, w, bias).dataSync() as Float32Array;
    });
  };
  const cpu = await run('cpu');
  return [await run('wasm'), cpu];
}

describe('convolution kernels on wasm', () => {
  before(async () => {
    assert.equal((await initBackend({ prefer: 'wasm' })).name, 'wasm');
  });

  for (const c of CASES) {
    const label = `${c.kernel}: x ${c.x} filter ${c.filter} strides ${c.strides} ${c.pad} dilations ${c.dilations ?? 1}`;
    const conv = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.conv2d(x, w, c.strides, c.pad, 'NHWC', c.dilations ?? 1);
    const fused =
      (activation: 'relu' | 'linear' | 'elu', withBias: boolean): Layer =>
      (x, w, bias) =>
        tf.fused.conv2d({
          x,
          filter: w,
          strides: c.strides,
          pad: c.pad,
          dilations: c.dilations ?? 1,
          bias: withBias ? bias : undefined,
          activation,
        });

    it(`convolution matches cpu — ${label}`, async () => {
      const [wasm, cpu] = await onBothBackends(c, conv);
      assertClose(wasm, cpu, 1e-5, 'y');
    });

    it(`the case runs the kernel it is named for — ${label}`, async () => {
      // shipped kernels give the same numbers: only this shows that radnb's kernel took the case
      const winograd = mock.method(SimdKernels.prototype, 'winogradConv2d');
      const direct = mock.method(SimdKernels.prototype, 'directConv2d');
      try {
        await onBothBackends(c, conv);
        const ran = winograd.mock.callCount() > 0 ? 'Winograd' : direct.mock.callCount() > 0 ? 'direct' : 'shipped';
        assert.equal(ran, c.kernel.split(' ')[0]);
      } finally {
        winograd.mock.restore();
        direct.mock.restore();
      }
    });

    it(`fused bias + ReLU, bias alone, ReLU alone and ELU (shipped) match cpu — ${label}`, async () => {
      for (const [activation, withBias] of [
        ['relu', true],
        ['linear', true],
        ['relu', false],
        ['elu', true],
      ] as const) {
        const [wasm, cpu] = await onBothBackends(c, fused(activation, withBias));
        assertClose(wasm, cpu, 1e-5, `${activation}${withBias ? ' with bias' : ''}`);
      }
    });
  }

  it('Winograd layers give the same numbers in inference (fused) as in a training step (unfused)', async () => {
    await tf.setBackend('wasm');
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [12, 12, 8],
          filters: 8,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          biasInitializer: 'randomNormal',
        }),
        tf.layers.conv2d({
          filters: 8,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          biasInitializer: 'randomNormal',
        }),
      ],
    });
    const x = tf.randomUniform([3, 12, 12, 8], -1, 1, 'float32', 4);
    const fusedOut = model.predict(x) as tf.Tensor;
    // the unfused path: what a training step computes (conv, then bias, then ReLU, as separate kernels)
    const [w1, b1, w2, b2] = model.getWeights();
    const unfused = tf.tidy(() => {
      const h = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'same'), b1));
      return tf.relu(tf.add(tf.conv2d(h as tf.Tensor4D, w2 as tf.Tensor4D, 1, 'same'), b2));
    });
    assert.deepEqual(Array.from(fusedOut.dataSync()), Array.from(unfused.dataSync()));
    tf.dispose([x, fusedOut, unfused]);
    model.dispose();
  });

  // a Winograd layer and a first layer (the direct convolution): both add the bias after the sums, as the three
  // kernels do, so the numbers are the same to the bit
  const layers: Array<[string, [number, number, number, number]]> = [
    ['a Winograd layer', [4, 10, 10, 8]],
    ['a first layer (1 input channel)', [4, 10, 10, 1]],
  ];
  for (const [name, inputShape] of layers) {
    it(`while training, ${name} with bias and ReLU runs as one kernel, with the gradients of conv + bias + ReLU`, async () => {
      await tf.setBackend('wasm');
      const x = tf.randomUniform(inputShape, -1, 1, 'float32', 5) as tf.Tensor4D;
      const w = tf.randomUniform([3, 3, inputShape[3], 16], -1, 1, 'float32', 6) as tf.Tensor4D;
      const bias = tf.randomUniform([16], -1, 1, 'float32', 7) as tf.Tensor1D;
      const weights = tf.randomUniform([4, 10, 10, 16], 0, 1, 'float32', 8);
      const loss = (y: tf.Tensor) => y.mul(weights).sum() as tf.Scalar;
      // tfjs-layers' call (tf.fused.conv2d with bias and ReLU) and the same layer written out as three ops
      const layer = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.fused.conv2d({
          x: a as tf.Tensor4D,
          filter: b as tf.Tensor4D,
          strides: 1,
          pad: 'same',
          bias: c,
          activation: 'relu',
        });
      const fused = tf.grads((a, b, c) => loss(layer(a, b, c)))([x, w, bias]);
      const unfused = tf.grads((a, b, c) =>
        loss(tf.relu(tf.add(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), c))),
      )([x, w, bias]);
      fused.forEach((g, i) =>
        assert.deepEqual(Array.from(g.dataSync()), Array.from(unfused[i].dataSync()), `gradient ${i}`),
      );
      const kernels = async (f: () => tf.TensorContainer) => (await tf.profile(f)).kernels.map((k) => k.name);
      const all = await kernels(() => tf.grads((a, b, c) => loss(layer(a, b, c)))([x, w, bias]));
      assert.ok(all.includes('FusedConv2D') && !['Conv2D', 'Add', 'Relu'].some((k) => all.includes(k)), all.join(', '));
      // what training asks for: the gradients of the weights only; the input's is then never computed
      const [wv, bv] = [tf.variable(w), tf.variable(bias)];
      const weightsOnly = await kernels(() => tf.variableGrads(() => loss(layer(x, wv, bv)), [wv, bv]).grads);
      assert.ok(
        weightsOnly.includes('Conv2DBackpropFilter') && !weightsOnly.includes('Conv2DBackpropInput'),
        weightsOnly.join(', '),
      );
      tf.dispose([x, w, bias, weights, wv, bv, ...fused, ...unfused]);
    });
  }

  it('an empty batch gives an empty output and a zero filter gradient', async () => {
    await tf.setBackend('wasm');
    tf.tidy(() => {
      const [x, w] = [tf.zeros([0, 7, 7, 8]), tf.ones([3, 3, 8, 8])];
      assert.deepEqual(
        (
          tf.engine().runKernel('Conv2D', { x, filter: w }, {
            strides: 1,
            pad: 'same',
            dataFormat: 'NHWC',
            dilations: 1,
          } as never) as tf.Tensor
        ).shape,
        [0, 7, 7, 8],
      );
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: tf.zeros([0, 7, 7, 8]) }, {
        strides: 1,
        pad: 'same',
        dataFormat: 'NHWC',
        dilations: 1,
        filterShape: [3, 3, 8, 8],
      } as never) as tf.Tensor;
      assert.deepEqual(Array.from(new Set(dw.dataSync())), [0]);
    });
  });

  it('leave no tensor or backend buffer behind', async () => {
    await tf.setBackend('wasm');
    const backend = tf.engine().backend;
    const [tensors, buffers] = [tf.memory().numTensors, backend.numDataIds()];
    tf.tidy(() => {
      const x = tf.randomUniform([2, 8, 8, 8]) as tf.Tensor4D;
      const bias = tf.randomUniform([8]) as tf.Tensor1D;
      tf.fused.conv2d({
        x,
        filter: tf.randomUniform([3, 3, 8, 8]) as tf.Tensor4D,
        strides: 1,
        pad: 'same',
        bias,
        activation: 'relu',
      });
      tf.conv2d(
        tf.randomUniform([2, 8, 8, 1]) as tf.Tensor4D,
        tf.randomUniform([3, 3, 1, 8]) as tf.Tensor4D,
        1,
        'same',
      );
    });
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(backend.numDataIds(), buffers);
  });
});
