// radnb's composed convolution gradients on wasm (where tfjs ships none for filters) checked three ways:
// against loops written from the definition, against the cpu backend's own kernels through tf.grads,
// and against finite differences of a loss — for strides, same/valid/explicit padding, batch > 1,
// dilation (kernel level: tfjs' gradient functions reject dilated convolutions), channel multipliers.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/cnn/backend';
import { assertClose, onBackend } from '../support/compare';
import { winogradTileFor } from '../../../src/cnn/kernels/simd/simdKernels';

type Pad = 'same' | 'valid' | backend_util.ExplicitPadding;

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  dilations?: number | [number, number];
}

const CASES: Case[] = [
  { x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { x: [3, 10, 7, 2], filter: [3, 2, 2, 5], strides: [2, 3], pad: 'valid' },
  { x: [1, 11, 11, 1], filter: [5, 5, 1, 2], strides: 3, pad: 'valid' },
  {
    x: [2, 8, 9, 2],
    filter: [3, 3, 2, 3],
    strides: 1,
    pad: [
      [0, 0],
      [2, 0],
      [1, 1],
      [0, 0],
    ],
  },
];

const DILATED: Case[] = [
  { x: [2, 10, 9, 2], filter: [3, 3, 2, 3], strides: 1, pad: 'same', dilations: 2 },
  { x: [1, 12, 11, 3], filter: [2, 3, 3, 2], strides: 1, pad: 'valid', dilations: [3, 2] },
];

/** Large enough for radnb's SIMD filter gradient to split the work between threads; channel counts that leave tails. */
const LARGE: Case[] = [
  { x: [8, 32, 32, 6], filter: [3, 3, 6, 12], strides: 1, pad: 'same' },
  { x: [16, 33, 31, 5], filter: [3, 3, 5, 16], strides: 2, pad: 'same' },
  { x: [8, 24, 22, 4], filter: [3, 3, 4, 16], strides: 1, pad: 'same', dilations: 2 },
];

/**
 * 3×3, stride 1, channel counts divisible by 4 and ≥ 8: radnb's Winograd kernels (forward convolution, and
 * so the input gradient, and the filter gradient), with 4×4 output tiles and (the first two: small outputs)
 * 2×2 ones. Odd output sizes (edge tiles partly outside), 'valid' and asymmetric padding, tile counts that
 * leave a partial block, and one large enough for several threads.
 */
const WINOGRAD: Case[] = [
  { x: [3, 5, 5, 8], filter: [3, 3, 8, 12], strides: 1, pad: 'same' },
  { x: [3, 6, 4, 8], filter: [3, 3, 8, 8], strides: 1, pad: 'valid' },
  { x: [3, 7, 7, 8], filter: [3, 3, 8, 12], strides: 1, pad: 'same' },
  { x: [2, 14, 13, 16], filter: [3, 3, 16, 8], strides: 1, pad: 'valid' },
  {
    x: [2, 9, 10, 12],
    filter: [3, 3, 12, 16],
    strides: 1,
    pad: [
      [0, 0],
      [2, 0],
      [1, 1],
      [0, 0],
    ],
  },
  { x: [32, 14, 14, 16], filter: [3, 3, 16, 32], strides: 1, pad: 'same' },
];

function values(shape: number[], seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function info(c: Case, depthwise: boolean): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(c.x, c.filter, c.strides, c.dilations ?? 1, c.pad, undefined, depthwise);
}

/** Visits every filter tap (kh, kw) of every output (b, oh, ow) whose input pixel (h, w) lies inside the image. */
function forEachTapInside(
  c: Case,
  g: backend_util.Conv2DInfo,
  visit: (b: number, oh: number, ow: number, kh: number, kw: number, h: number, w: number) => void,
): void {
  const [, H, W] = c.x;
  const [KH, KW] = c.filter;
  for (let b = 0; b < g.batchSize; b++)
    for (let oh = 0; oh < g.outHeight; oh++)
      for (let ow = 0; ow < g.outWidth; ow++)
        for (let kh = 0; kh < KH; kh++)
          for (let kw = 0; kw < KW; kw++) {
            const h = oh * g.strideHeight + kh * g.dilationHeight - g.padInfo.top;
            const w = ow * g.strideWidth + kw * g.dilationWidth - g.padInfo.left;
            if (h >= 0 && h < H && w >= 0 && w < W) visit(b, oh, ow, kh, kw, h, w);
          }
}

/** Gradients of L = Σ conv(x, w) · dy, written out from the definition of (depthwise) convolution. */
function referenceGradients(c: Case, x: Float32Array, w: Float32Array, dy: Float32Array, depthwise: boolean) {
  const g = info(c, depthwise);
  const [, H, W, C] = c.x;
  const [, KW, , M] = c.filter;
  const outC = depthwise ? C * M : M;
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  forEachTapInside(c, g, (b, oh, ow, kh, kw, h, ww) => {
    for (let ci = 0; ci < C; ci++)
      for (let m = 0; m < M; m++) {
        const co = depthwise ? ci * M + m : m;
        const g_ = dy[((b * g.outHeight + oh) * g.outWidth + ow) * outC + co];
        const xi = ((b * H + h) * W + ww) * C + ci;
        const wi = ((kh * KW + kw) * C + ci) * M + m;
        dx[xi] += g_ * w[wi];
        dw[wi] += g_ * x[xi];
      }
  });
  return { dx, dw, outShape: g.outShape };
}

/** conv(x, w) from the definition (not depthwise). */
function referenceConv(c: Case, x: Float32Array, w: Float32Array): Float64Array {
  const g = info(c, false);
  const [, H, W, C] = c.x;
  const [, KW, , M] = c.filter;
  const y = new Float64Array(g.outShape.reduce((a, b) => a * b, 1));
  forEachTapInside(c, g, (b, oh, ow, kh, kw, h, ww) => {
    for (let ci = 0; ci < C; ci++)
      for (let m = 0; m < M; m++)
        y[((b * g.outHeight + oh) * g.outWidth + ow) * M + m] +=
          x[((b * H + h) * W + ww) * C + ci] * w[((kh * KW + kw) * C + ci) * M + m];
  });
  return y;
}

function runKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: object): Float32Array {
  const out = tf.engine().runKernel(name, inputs, attrs as never) as tf.Tensor;
  const data = out.dataSync() as Float32Array;
  out.dispose();
  return data;
}

/** Calls the wasm gradient kernels directly; returns [dx, dw]. */
function wasmKernelGradients(
  c: Case,
  x: Float32Array,
  w: Float32Array,
  dy: Float32Array,
  depthwise: boolean,
  outShape: number[],
) {
  const [xt, wt, dyt] = [tf.tensor(x, c.x), tf.tensor(w, c.filter), tf.tensor(dy, outShape)];
  const attrs = { strides: c.strides, pad: c.pad, dilations: c.dilations ?? 1, dataFormat: 'NHWC' };
  const prefix = depthwise ? 'DepthwiseConv2dNative' : 'Conv2D';
  const dx = runKernel(`${prefix}BackpropInput`, { dy: dyt, filter: wt }, { ...attrs, inputShape: c.x });
  const dw = runKernel(`${prefix}BackpropFilter`, { x: xt, dy: dyt }, { ...attrs, filterShape: c.filter });
  tf.dispose([xt, wt, dyt]);
  return { dx, dw };
}

function label(c: Case): string {
  return `x ${c.x} filter ${c.filter} strides ${c.strides} pad ${JSON.stringify(c.pad)} dilations ${c.dilations ?? 1}`;
}

describe('composed convolution gradients on wasm', () => {
  before(async () => {
    const chosen = await initBackend({ prefer: 'wasm' });
    assert.equal(chosen.name, 'wasm');
  });

  for (const depthwise of [false, true]) {
    const kind = depthwise ? 'depthwise' : 'conv2d';
    for (const c0 of [...CASES, ...DILATED]) {
      const c: Case = depthwise ? { ...c0, filter: [c0.filter[0], c0.filter[1], c0.x[3], 2] } : c0;
      it(`${kind} kernels match the definition: ${label(c)}`, () => {
        const x = values(c.x, 1);
        const w = values(c.filter, 2);
        const { outShape } = info(c, depthwise);
        const dy = values(outShape, 3);
        const ref = referenceGradients(c, x, w, dy, depthwise);
        const got = wasmKernelGradients(c, x, w, dy, depthwise, outShape);
        assertClose(got.dx, ref.dx, 1e-5, 'dx');
        assertClose(got.dw, ref.dw, 1e-5, 'dw');
      });
    }
  }

  for (const c of LARGE) {
    it(`conv2d filter gradient matches the definition on several threads: ${label(c)}`, () => {
      const x = values(c.x, 1);
      const { outShape } = info(c, false);
      const dy = values(outShape, 3);
      const ref = referenceGradients(c, x, values(c.filter, 2), dy, false);
      const [xt, dyt] = [tf.tensor(x, c.x), tf.tensor(dy, outShape)];
      const attrs = {
        strides: c.strides,
        pad: c.pad,
        dilations: c.dilations ?? 1,
        dataFormat: 'NHWC',
        filterShape: c.filter,
      };
      assertClose(runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, attrs), ref.dw, 1e-5, 'dw');
      tf.dispose([xt, dyt]);
    });
  }

  it('the Winograd cases cover both tile sizes', () => {
    const sizes = WINOGRAD.map((c) => {
      const { outHeight, outWidth } = info(c, false);
      return winogradTileFor(outHeight, outWidth);
    });
    assert.deepEqual([...new Set(sizes)].sort(), [2, 4]);
  });

  for (const c of WINOGRAD) {
    it(`Winograd convolution, input and filter gradients match the definition: ${label(c)}`, () => {
      const [x, w] = [values(c.x, 1), values(c.filter, 2)];
      const { outShape } = info(c, false);
      const dy = values(outShape, 3);
      const [xt, wt] = [tf.tensor(x, c.x), tf.tensor(w, c.filter)];
      assertClose(
        runKernel('Conv2D', { x: xt, filter: wt }, { strides: 1, pad: c.pad, dilations: 1, dataFormat: 'NHWC' }),
        referenceConv(c, x, w),
        1e-5,
        'y',
      );
      tf.dispose([xt, wt]);
      const ref = referenceGradients(c, x, w, dy, false);
      const got = wasmKernelGradients(c, x, w, dy, false, outShape);
      assertClose(got.dx, ref.dx, 1e-5, 'dx');
      assertClose(got.dw, ref.dw, 1e-5, 'dw');
    });
  }

  for (const c of CASES) {
    it(`tf.grads on wasm agrees with the cpu backend's own kernels: ${label(c)}`, async () => {
      const grads = async (backendName: string, depthwise: boolean) => {
        await tf.setBackend(backendName);
        const filterShape = depthwise ? [c.filter[0], c.filter[1], c.x[3], 2] : c.filter;
        const x = tf.tensor4d(values(c.x, 4), c.x);
        const w = tf.tensor4d(values(filterShape, 5), filterShape as Case['filter']);
        const loss = (...[a, b]: tf.Tensor[]) => {
          const y = depthwise
            ? tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad)
            : tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad);
          return y.square().sum();
        };
        const [dx, dw] = tf.grads(loss)([x, w]);
        const out = [dx.dataSync(), dw.dataSync()];
        tf.dispose([x, w, dx, dw]);
        return out;
      };
      for (const depthwise of [false, true]) {
        const [cpuDx, cpuDw] = await grads('cpu', depthwise);
        const [wasmDx, wasmDw] = await grads('wasm', depthwise);
        assertClose(wasmDx, cpuDx, 1e-5, `${depthwise ? 'depthwise ' : ''}dx`);
        assertClose(wasmDw, cpuDw, 1e-5, `${depthwise ? 'depthwise ' : ''}dw`);
      }
    });
  }

  for (const c of DILATED) {
    it(`tf.grads of a dilated convolution matches the definition (tfjs' own gradient refuses dilation): ${label(c)}`, () => {
      const [x, w] = [values(c.x, 11), values(c.filter, 12)];
      const { outShape } = info(c, false);
      const dy = values(outShape, 13);
      const ref = referenceGradients(c, x, w, dy, false);
      const grads = () =>
        tf.tidy(() => {
          const weights = tf.tensor(dy, outShape);
          const loss = (...[a, b]: tf.Tensor[]) =>
            tf
              .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations)
              .mul(weights)
              .sum();
          return tf
            .grads(loss)([tf.tensor4d(x, c.x), tf.tensor4d(w, c.filter)])
            .map((g) => g.dataSync());
        });
      const [dx, dw] = grads();
      assertClose(dx, ref.dx, 1e-5, 'dx');
      assertClose(dw, ref.dw, 1e-5, 'dw');
    });
  }

  it("refuses a dilated gradient, with tfjs' reason, where the convolution gradients are not radnb's", async () => {
    // this process registered radnb's kernels for wasm only: its cpu backend runs tfjs' own, which ignore dilation
    const c = DILATED[0];
    await onBackend('cpu', () =>
      assert.throws(
        () =>
          tf.tidy(() =>
            tf.grad((a: tf.Tensor) =>
              tf.conv2d(a as tf.Tensor4D, tf.ones(c.filter) as tf.Tensor4D, 1, c.pad, 'NHWC', c.dilations).sum(),
            )(tf.ones(c.x)),
          ),
        /dilation rates greater than 1 are not yet supported in gradients \(backend 'cpu'/,
      ),
    );
    await tf.setBackend('wasm');
  });

  it('a model with dilated convolutions (ReLU and linear layers) trains on wasm (its loss falls)', async () => {
    await tf.setBackend('wasm');
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [12, 12, 1],
          filters: 8,
          kernelSize: 3,
          dilationRate: 2,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: tf.initializers.heNormal({ seed: 1 }),
        }),
        tf.layers.conv2d({
          filters: 8,
          kernelSize: 3,
          dilationRate: 2,
          padding: 'same',
          kernelInitializer: tf.initializers.heNormal({ seed: 4 }),
        }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({
          units: 1,
          activation: 'sigmoid',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
    // bright images (class 1) against dark ones (class 0)
    const y = tf.tensor2d(
      Array.from({ length: 16 }, (_, i) => i % 2),
      [16, 1],
    );
    const x = tf.tidy(() =>
      tf.randomUniform([16, 12, 12, 1], 0, 0.5, 'float32', 3).add(y.reshape([16, 1, 1, 1]).mul(0.5)),
    );
    const losses = (await model.fit(x, y, { epochs: 30, batchSize: 16, verbose: 0 })).history.loss as number[];
    assert.ok(losses[losses.length - 1] < losses[0] * 0.9, `loss ${losses[0]} → ${losses[losses.length - 1]}`);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('gradients match finite differences of the loss (strided, same padding, batch 2)', () => {
    // L = Σ conv(x, w) · r is linear in each argument, so central differences are exact up to rounding
    const c = CASES[1];
    const { outShape } = info(c, false);
    const r = tf.tensor4d(values(outShape, 10), outShape as Case['x']);
    const loss = (...[a, b]: tf.Tensor[]) =>
      tf
        .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad)
        .mul(r)
        .sum();
    const inputs: Array<[Float32Array, Case['x']]> = [
      [values(c.x, 6), c.x],
      [values(c.filter, 7), c.filter],
    ];
    const tensors = inputs.map(([v, shape]) => tf.tensor4d(v, shape));
    const analytic = tf
      .grads(loss)(tensors)
      .map((g) => g.dataSync());
    const eps = 0.5;
    inputs.forEach(([base, shape], which) => {
      for (const i of [0, 5, 17, 42, base.length - 1]) {
        const at = (delta: number) => {
          const shifted = base.slice();
          shifted[i] += delta;
          return tf.tidy(() => {
            const args = tensors.map((t, k) => (k === which ? tf.tensor4d(shifted, shape) : t));
            return loss(args[0], args[1]).dataSync()[0];
          });
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        const got = analytic[which][i];
        assert.ok(
          Math.abs(numeric - got) <= 1e-4 * Math.max(1, Math.abs(numeric)),
          `${which ? 'w' : 'x'}[${i}]: ${got} vs ${numeric}`,
        );
      }
    });
    tf.dispose([r, ...tensors]);
  });

  it('leaves no tensor or backend buffer behind', () => {
    const c = CASES[2];
    const wasmBackend = tf.engine().backend;
    const x = tf.tensor4d(values(c.x, 8), c.x);
    const w = tf.tensor4d(values(c.filter, 9), c.filter);
    const tensorsBefore = tf.memory().numTensors;
    const buffersBefore = wasmBackend.numDataIds();
    const [dx, dw] = tf.grads((...[a, b]: tf.Tensor[]) =>
      tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad).sum(),
    )([x, w]);
    tf.dispose([dx, dw]);
    assert.equal(tf.memory().numTensors, tensorsBefore);
    assert.equal(wasmBackend.numDataIds(), buffersBefore);
    tf.dispose([x, w]);
  });
});
