// Each tfjs layer the whole-step path runs, as a forward and a backward pass on backend tensors: the kernels
// tfjs' own path runs for the layer on wasm (radnb's convolutions, pooling and products, called directly) or
// radnb's SIMD kernels for the same arithmetic, without tfjs' engine and gradient tape in between.
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { normalisingFactors } from '../kernels/batchNorm';
import { simdProduct } from '../kernels/matMul';
import type { StepRun } from './stepRun';

/** What a layer's backward pass gets: its output's gradient and what its forward pass saw and made. */
export interface BackwardArgs<Saved> {
  dy: TensorInfo;
  inputs: TensorInfo[];
  output: TensorInfo;
  saved: Saved;
  /** Which inputs need a gradient. */
  needs: boolean[];
}

/**
 * A layer's passes. `forward` returns its output (the run keeps it) and what `backward` needs; `backward`
 * returns a gradient for each input that needs one, which the caller owns (it never frees `dy`).
 */
export interface LayerOp<Saved = undefined> {
  forward(run: StepRun, inputs: TensorInfo[]): { output: TensorInfo; saved: Saved };
  backward(run: StepRun, args: BackwardArgs<Saved>): Array<TensorInfo | undefined>;
  /** The variables it computes gradients for. */
  readonly variables: tf.Variable[];
}

type Pair = [number, number];

/** A layer variable's current tensor (read each step: assign replaces it). */
export interface WeightRef {
  read(): tf.Variable;
}

const read = (w: WeightRef | null | undefined): tf.Variable | undefined => w?.read();

/** The current variables of the weights a layer has (a bias may be absent). */
const variablesOf = (...weights: Array<WeightRef | null>): tf.Variable[] =>
  weights.map(read).filter((v): v is tf.Variable => v !== undefined);

/** Adds the bias (when there is one) and applies the fused ReLU (when asked), freeing each intermediate. */
function biasAndRelu(run: StepRun, y: TensorInfo, bias: tf.Variable | undefined, relu: boolean): TensorInfo {
  let out = y;
  for (const next of [
    bias && ((t: TensorInfo) => run.simd.addBias(t, bias)),
    relu && ((t: TensorInfo) => run.simd.relu(t)),
  ]) {
    if (!next) continue;
    const z = next(out);
    run.free(out);
    out = z;
  }
  return out;
}

/** The gradient before the ReLU where the layer fuses one, else dy itself (a new reference either way). */
function preReluGradient(run: StepRun, dy: TensorInfo, output: TensorInfo, relu: boolean): TensorInfo {
  return relu ? run.simd.reluGrad(dy, output) : run.calls.retain(dy);
}

/** A bias gradient: Σ dz over every axis but the last. */
function biasGradient(run: StepRun, dz: TensorInfo): TensorInfo {
  return run.simd.vectorOutput(run.simd.channelSums(dz));
}

/** A layer's kernel and bias gradients from dz (the gradient before its bias), for those the run wants. */
function setKernelAndBiasGradients(
  run: StepRun,
  kernel: tf.Variable,
  bias: tf.Variable | undefined,
  dz: TensorInfo,
  kernelGradient: () => TensorInfo,
): void {
  if (run.wants(kernel)) run.setGradient(kernel, kernelGradient());
  if (run.wants(bias)) run.setGradient(bias, biasGradient(run, dz));
}

export interface ConvConfig {
  kernel: WeightRef;
  bias: WeightRef | null;
  strides: Pair;
  padding: 'same' | 'valid';
  dilations: Pair;
  relu: boolean;
}

/** Conv2D (channels last), with its bias and a ReLU fused as tfjs' fused convolution runs them. */
export class ConvOp implements LayerOp {
  constructor(private readonly config: ConvConfig) {}

  get variables(): tf.Variable[] {
    return variablesOf(this.config.kernel, this.config.bias);
  }

  private attrs() {
    const { strides, padding, dilations } = this.config;
    return { strides, pad: padding, dataFormat: 'NHWC', dilations, dimRoundingMode: undefined };
  }

  forward(run: StepRun, [x]: TensorInfo[]) {
    const filter = this.config.kernel.read();
    const bias = read(this.config.bias);
    const inputs: Record<string, TensorInfo> = bias === undefined ? { x, filter } : { x, filter, bias };
    return {
      output: run.calls.run('FusedConv2D', inputs, {
        ...this.attrs(),
        activation: this.config.relu ? 'relu' : 'linear',
      }),
      saved: undefined,
    };
  }

  backward(run: StepRun, { dy, inputs: [x], output, needs }: BackwardArgs<undefined>) {
    const filter = this.config.kernel.read();
    const bias = read(this.config.bias);
    const dz = preReluGradient(run, dy, output, this.config.relu);
    setKernelAndBiasGradients(run, filter, bias, dz, () =>
      run.calls.run('Conv2DBackpropFilter', { x, dy: dz }, { ...this.attrs(), filterShape: filter.shape }),
    );
    const dx = needs[0]
      ? run.calls.run('Conv2DBackpropInput', { dy: dz, filter }, { ...this.attrs(), inputShape: x.shape })
      : undefined;
    run.free(dz);
    return [dx];
  }
}

/** Conv2DTranspose (channels last): tfjs' conv2dTranspose, then its bias and a fused ReLU. */
export class ConvTransposeOp implements LayerOp {
  constructor(private readonly config: ConvConfig & { outputShape: (batch: number) => number[] }) {}

  get variables(): tf.Variable[] {
    return variablesOf(this.config.kernel, this.config.bias);
  }

  private attrs() {
    return { strides: this.config.strides, pad: this.config.padding, dataFormat: 'NHWC', dimRoundingMode: undefined };
  }

  forward(run: StepRun, [x]: TensorInfo[]) {
    const filter = this.config.kernel.read();
    const bias = read(this.config.bias);
    const y = run.calls.run(
      'Conv2DBackpropInput',
      { dy: x, filter },
      { ...this.attrs(), inputShape: this.config.outputShape(x.shape[0]) },
    );
    return { output: biasAndRelu(run, y, bias, this.config.relu), saved: undefined };
  }

  backward(run: StepRun, { dy, inputs: [x], output, needs }: BackwardArgs<undefined>) {
    const filter = this.config.kernel.read();
    const bias = read(this.config.bias);
    const dz = preReluGradient(run, dy, output, this.config.relu);
    setKernelAndBiasGradients(run, filter, bias, dz, () =>
      run.calls.run('Conv2DBackpropFilter', { x: dz, dy: x }, { ...this.attrs(), filterShape: filter.shape }),
    );
    const dx = needs[0] ? run.calls.run('Conv2D', { x: dz, filter }, { ...this.attrs(), dilations: 1 }) : undefined;
    run.free(dz);
    return [dx];
  }
}

/** Dense on a [batch, features] input: the product, the bias and a fused ReLU, as tfjs' fused product. */
export class DenseOp implements LayerOp {
  constructor(private readonly config: { kernel: WeightRef; bias: WeightRef | null; relu: boolean }) {}

  get variables(): tf.Variable[] {
    return variablesOf(this.config.kernel, this.config.bias);
  }

  forward(run: StepRun, [x]: TensorInfo[]) {
    const bias = read(this.config.bias);
    const y = run.simd.matMul(x, this.config.kernel.read(), false, 0);
    return { output: biasAndRelu(run, y, bias, this.config.relu), saved: undefined };
  }

  backward(run: StepRun, { dy, inputs: [x], output, needs }: BackwardArgs<undefined>) {
    const kernel = this.config.kernel.read();
    const bias = read(this.config.bias);
    const dz = preReluGradient(run, dy, output, this.config.relu);
    setKernelAndBiasGradients(run, kernel, bias, dz, () => run.simd.matMul(x, dz, true, 0));
    const dx = needs[0]
      ? simdProduct(run.calls, run.simd, dz, kernel, { transposeA: false, transposeB: true })
      : undefined;
    run.free(dz);
    return [dx];
  }
}

export interface BatchNormConfig {
  gamma: WeightRef;
  beta: WeightRef;
  movingMean: WeightRef & { write(value: tf.Tensor): unknown };
  movingVariance: WeightRef & { write(value: tf.Tensor): unknown };
  epsilon: number;
  momentum: number;
  /** The ReLU that follows it, fused. */
  relu: boolean;
}

interface BatchNormSaved {
  mean: Float32Array;
  /** 1 / √(variance + ε), the scale (1 without one) and their product. */
  r: Float32Array;
  s: Float32Array;
  a: Float32Array;
}

/**
 * Batch normalisation over the last axis: in training with the batch's mean and (biased) variance, which also
 * move the layer's moving averages as tfjs does; otherwise with the moving averages. A following ReLU is fused.
 */
export class BatchNormOp implements LayerOp<BatchNormSaved> {
  constructor(private readonly config: BatchNormConfig) {}

  /** The same normalisation with the ReLU after it fused. */
  withRelu(): BatchNormOp {
    return new BatchNormOp({ ...this.config, relu: true });
  }

  get variables(): tf.Variable[] {
    return variablesOf(this.config.gamma, this.config.beta);
  }

  forward(run: StepRun, [x]: TensorInfo[]) {
    const { simd } = run;
    const ch = x.shape[x.shape.length - 1];
    const rows = x.shape.reduce((a, b) => a * b, 1) / ch;
    let mean: Float32Array;
    let variance: Float32Array;
    if (run.training) {
      mean = simd.channelSums(x).map((sum) => sum / rows);
      variance = simd.channelSums(x, mean).map((sum) => sum / rows);
      this.moveAverages(mean, variance);
    } else {
      mean = simd.readFloats(this.config.movingMean.read());
      variance = simd.readFloats(this.config.movingVariance.read());
    }
    const { r, s, a } = normalisingFactors(variance, simd.readFloats(this.config.gamma.read()), this.config.epsilon);
    const offset = simd.readFloats(this.config.beta.read());
    return { output: simd.channelAffine(x, mean, a, offset, this.config.relu), saved: { mean, r, s, a } };
  }

  /** moving ← moving − (moving − batch) · (1 − momentum), in tfjs' float32 operations. */
  private moveAverages(mean: Float32Array, variance: Float32Array): void {
    const decay = Math.fround(1 - this.config.momentum);
    tf.tidy(() => {
      for (const [variable, batch] of [
        [this.config.movingMean, mean],
        [this.config.movingVariance, variance],
      ] as const) {
        const moving = variable.read().dataSync() as Float32Array;
        variable.write(tf.tensor1d(moving.map((m, c) => m - Math.fround(Math.fround(m - batch[c]) * decay))));
      }
    });
  }

  backward(run: StepRun, { dy, inputs: [x], output, saved: { mean, r, s, a }, needs }: BackwardArgs<BatchNormSaved>) {
    const { simd } = run;
    const ch = mean.length;
    const rows = x.shape.reduce((p, q) => p * q, 1) / ch;
    const relu = this.config.relu ? output : undefined;
    const sums = simd.batchNormSums(dy, x, mean, relu);
    const sumDy = sums.subarray(0, ch);
    const sumDyCentred = sums.subarray(ch);
    const gamma = this.config.gamma.read();
    const beta = this.config.beta.read();
    if (run.wants(gamma)) run.setGradient(gamma, simd.vectorOutput(sumDyCentred.map((d, c) => r[c] * d)));
    if (run.wants(beta)) run.setGradient(beta, simd.vectorOutput(sumDy));
    if (!needs[0]) return [undefined];
    // dx = a·dy + (what reaches x through the batch's mean) + (… through its variance), as tfjs' chain of
    // FusedBatchNorm's and moments' gradients gives it
    const k = sumDyCentred.map((d, c) => (-0.5 * r[c] ** 3 * s[c] * d * 2) / rows);
    const b = sumDy.map((d, c) => (-r[c] * s[c] * d) / rows);
    return [simd.batchNormInputGrad(dy, x, mean, { a, k, b }, relu)];
  }
}

/** A ReLU layer (or activation) on its own. */
export class ReluOp implements LayerOp {
  readonly variables: tf.Variable[] = [];

  forward(run: StepRun, [x]: TensorInfo[]) {
    return { output: run.simd.relu(x), saved: undefined };
  }

  backward(run: StepRun, { dy, inputs: [x] }: BackwardArgs<undefined>) {
    return [run.simd.reluGrad(dy, x)];
  }
}

/** Max pooling by tfjs' MaxPool kernel (radnb's on wasm) and its gradient kernel. */
export class MaxPoolOp implements LayerOp {
  readonly variables: tf.Variable[] = [];

  constructor(private readonly config: { poolSize: Pair; strides: Pair; padding: 'same' | 'valid' }) {}

  private attrs() {
    return {
      filterSize: this.config.poolSize,
      strides: this.config.strides,
      pad: this.config.padding,
      dimRoundingMode: undefined,
    };
  }

  forward(run: StepRun, [x]: TensorInfo[]) {
    return { output: run.calls.run('MaxPool', { x }, this.attrs()), saved: undefined };
  }

  backward(run: StepRun, { dy, inputs: [x], output }: BackwardArgs<undefined>) {
    return [run.calls.run('MaxPoolGrad', { dy, input: x, output }, this.attrs())];
  }
}

export class GlobalAveragePoolOp implements LayerOp {
  readonly variables: tf.Variable[] = [];

  forward(run: StepRun, [x]: TensorInfo[]) {
    return { output: run.simd.globalAveragePool(x), saved: undefined };
  }

  backward(run: StepRun, { dy, inputs: [x] }: BackwardArgs<undefined>) {
    return [run.simd.globalAveragePoolGrad(dy, x.shape)];
  }
}

export class FlattenOp implements LayerOp {
  readonly variables: tf.Variable[] = [];

  forward(run: StepRun, [x]: TensorInfo[]) {
    return {
      output: run.calls.reshape(x, [x.shape[0], x.shape.slice(1).reduce((a, b) => a * b, 1)]),
      saved: undefined,
    };
  }

  backward(run: StepRun, { dy, inputs: [x] }: BackwardArgs<undefined>) {
    return [run.calls.reshape(dy, x.shape)];
  }
}

/** Dropout while training: tfjs' own mask (the same random numbers for the same seed), applied by Multiply. */
export class DropoutOp implements LayerOp<TensorInfo | undefined> {
  readonly variables: tf.Variable[] = [];

  constructor(private readonly config: { rate: number; seed?: number }) {}

  forward(run: StepRun, [x]: TensorInfo[]) {
    const { rate, seed } = this.config;
    if (!run.training || !(rate > 0 && rate < 1)) return { output: run.calls.retain(x), saved: undefined };
    const keep = 1 - rate;
    // tf.dropout's multiplier: ⌊u + keep⌋ / keep for u uniform in [0, 1)
    const multiplier = run.keepTensor(
      tf.tidy(() => tf.div(tf.floor(tf.add(tf.randomUniform(x.shape, 0, 1, 'float32', seed), keep)), keep)),
    );
    return { output: run.calls.run('Multiply', { a: x, b: multiplier }), saved: multiplier as TensorInfo };
  }

  backward(run: StepRun, { dy, saved }: BackwardArgs<TensorInfo | undefined>) {
    return [saved === undefined ? run.calls.retain(dy) : run.calls.run('Multiply', { a: dy, b: saved })];
  }
}

/** Add: the inputs summed in order; each input's gradient is the output's. */
export class AddOp implements LayerOp {
  readonly variables: tf.Variable[] = [];

  forward(run: StepRun, inputs: TensorInfo[]) {
    let sum = run.calls.retain(inputs[0]);
    for (const next of inputs.slice(1)) {
      const total = run.simd.addElements(sum, next);
      run.free(sum);
      sum = total;
    }
    return { output: sum, saved: undefined };
  }

  backward(run: StepRun, { dy, needs }: BackwardArgs<undefined>) {
    return needs.map((need) => (need ? run.calls.retain(dy) : undefined));
  }
}

/** Concatenate along the channels. */
export class ConcatenateOp implements LayerOp {
  readonly variables: tf.Variable[] = [];

  forward(run: StepRun, inputs: TensorInfo[]) {
    return { output: run.simd.concatChannels(inputs), saved: undefined };
  }

  backward(run: StepRun, { dy, inputs, needs }: BackwardArgs<undefined>) {
    let first = 0;
    return inputs.map((x, i) => {
      const width = x.shape[x.shape.length - 1];
      const dx = needs[i] ? run.simd.sliceChannels(dy, first, width) : undefined;
      first += width;
      return dx;
    });
  }
}

/** A layer that passes its input on (a linear activation). */
export class IdentityOp implements LayerOp {
  readonly variables: tf.Variable[] = [];

  forward(run: StepRun, [x]: TensorInfo[]) {
    return { output: run.calls.retain(x), saved: undefined };
  }

  backward(run: StepRun, { dy }: BackwardArgs<undefined>) {
    return [run.calls.retain(dy)];
  }
}
