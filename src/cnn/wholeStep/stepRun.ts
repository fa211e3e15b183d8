// One forward (and backward) pass of a whole model on the wasm backend's memory: the tensors it makes, the
// weight gradients it collects, and the order in which it hands memory back. Its tensors are backend data
// only (tfjs' engine never sees them) unless handed over with `toEngine`.
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelCalls } from '../kernels/kernelCalls';
import type { SimdKernels } from '../kernels/simd/simdKernels';

export class StepRun {
  readonly calls: KernelCalls;
  /** Weight gradients by variable name, for the variables in `wanted`. */
  private readonly gradients = new Map<string, TensorInfo>();
  private readonly owned: TensorInfo[] = [];
  private readonly engineTensors: tf.Tensor[] = [];

  constructor(
    readonly simd: SimdKernels,
    backend: KernelBackend,
    /** Training (batch statistics, dropout) or inference. */
    readonly training: boolean,
    /** Names of the variables whose gradients the step needs (none for inference). */
    readonly wanted: ReadonlySet<string>,
  ) {
    this.calls = new KernelCalls(backend, 'wasm');
  }

  /** Keeps `t` until the run finishes (forward activations: the backward pass reads them). */
  keep<T extends TensorInfo>(t: T): T {
    this.owned.push(t);
    return t;
  }

  /** Keeps an engine tensor the run reads (a dropout mask) until it finishes. */
  keepTensor<T extends tf.Tensor>(t: T): T {
    this.engineTensors.push(t);
    return t;
  }

  free(...infos: TensorInfo[]): void {
    this.calls.free(...infos);
  }

  wants(variable: tf.Variable | undefined): variable is tf.Variable {
    return variable !== undefined && this.wanted.has(variable.name);
  }

  /** Records a weight gradient (the run owns it until `takeGradients`). */
  setGradient(variable: tf.Variable, gradient: TensorInfo): void {
    this.gradients.set(variable.name, gradient);
  }

  /**
   * An engine tensor on the same memory as `info`, given its own reference: the engine disposes its tensor,
   * the run frees its own reference, and whichever comes last frees the memory. Engine tensors made here are
   * disposed by `finish`, after the run's own references, so that the engine's bookkeeping ends with them.
   */
  toEngine(info: TensorInfo): tf.Tensor {
    return this.keepTensor(tf.engine().makeTensorFromTensorInfo(this.calls.retain(info)));
  }

  /**
   * The weight gradients as engine tensors (the caller disposes them), one entry per name in `order` and null
   * where there is none (a frozen variable), as tfjs' minimize hands them to an optimizer.
   */
  takeGradients(order: readonly string[]): Array<{ name: string; tensor: tf.Tensor | null }> {
    const named = order.map((name) => {
      const gradient = this.gradients.get(name);
      return { name, tensor: gradient === undefined ? null : tf.engine().makeTensorFromTensorInfo(gradient) };
    });
    this.gradients.clear();
    return named;
  }

  /** Frees everything the run made, except `result` (handed to the caller). */
  finish(result?: TensorInfo): void {
    for (const t of this.owned) if (t !== result) this.free(t);
    for (const g of this.gradients.values()) this.free(g);
    tf.dispose(this.engineTensors);
    this.owned.length = 0;
    this.gradients.clear();
    this.engineTensors.length = 0;
  }
}
