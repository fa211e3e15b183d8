// Building blocks shared by radnb's model builders: seeded initialisers (the same seed gives the same
// initial weights on every backend) and the option checks every builder needs.
import * as tf from '@tensorflow/tfjs';

type Initializer = ReturnType<typeof tf.initializers.heNormal>;

export class ModelOptionsError extends Error {
  constructor(builder: string, reason: string) {
    super(`${builder}: ${reason}`);
    this.name = 'ModelOptionsError';
  }
}

export type InputShape = [height: number, width: number, channels: number];

/** Hands out initialisers with consecutive seeds, so that each layer differs but the model is reproducible. */
export class SeededLayers {
  private next: number | undefined;

  constructor(seed: number | undefined) {
    this.next = seed;
  }

  private seed(): number | undefined {
    if (this.next === undefined) return undefined;
    return this.next++;
  }

  /** He-normal: the usual choice before ReLU. */
  he(): Initializer {
    return tf.initializers.heNormal({ seed: this.seed() });
  }

  /** Glorot-uniform: for layers followed by sigmoid, softmax or nothing. */
  glorot(): Initializer {
    return tf.initializers.glorotUniform({ seed: this.seed() });
  }

  conv(
    filters: number,
    kernelSize: number,
    options: {
      strides?: number;
      activation?: 'relu' | 'sigmoid' | 'softmax' | 'linear';
      useBias?: boolean;
      name?: string;
    } = {},
  ): tf.layers.Layer {
    const activation = options.activation ?? 'linear';
    return tf.layers.conv2d({
      filters,
      kernelSize,
      strides: options.strides ?? 1,
      padding: 'same',
      activation,
      useBias: options.useBias ?? true,
      kernelInitializer: activation === 'relu' ? this.he() : this.glorot(),
      name: options.name,
    });
  }
}

export function checkInputShape(builder: string, shape: readonly number[]): InputShape {
  if (shape.length !== 3 || !shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw new ModelOptionsError(
      builder,
      `inputShape must be [height, width, channels] of positive integers, got [${shape.join(', ')}]`,
    );
  }
  return [shape[0], shape[1], shape[2]];
}

export function checkPositiveInteger(builder: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new ModelOptionsError(builder, `${name} must be a positive integer, got ${value}`);
  return value;
}

/** The classifier head's activation: one sigmoid unit for binary problems, softmax over ≥ 2 classes. */
export function outputActivation(classes: number): 'sigmoid' | 'softmax' {
  return classes === 1 ? 'sigmoid' : 'softmax';
}
