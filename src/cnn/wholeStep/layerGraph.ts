// Reads a tfjs-layers model into the whole-step path's plan: its layers in order as LayerOps over numbered
// tensors, with a batch normalisation and the ReLU after it as one op, and the model's final activation
// (sigmoid, softmax…) left to tfjs with the loss. Any layer, configuration or connection the path does not
// compute exactly as tfjs does makes the plan a reason instead, and tfjs' own path trains that model.
import * as tf from '@tensorflow/tfjs';
import {
  AddOp,
  BatchNormOp,
  ConcatenateOp,
  ConvOp,
  ConvTransposeOp,
  DenseOp,
  DropoutOp,
  FlattenOp,
  GlobalAveragePoolOp,
  IdentityOp,
  MaxPoolOp,
  ReluOp,
} from './layerOps';
import type { BatchNormConfig, LayerOp, WeightRef } from './layerOps';

/** One layer call: an op from input tensors to an output tensor (numbers index the plan's tensors). */
export interface PlanNode {
  name: string;
  op: LayerOp<unknown>;
  inputs: number[];
  output: number;
}

export interface LayerPlan {
  nodes: PlanNode[];
  /** The model's input tensor and its shape without the batch axis. */
  input: number;
  inputShape: number[];
  /** The last op's output: the model's output, or what its final activation applies to. */
  output: number;
  /** The model's final activation (tfjs applies it, with the loss); undefined when it ends linear. */
  head?: (z: tf.Tensor) => tf.Tensor;
  /** The smallest height or width of an image-shaped (4-D) tensor the model computes; Infinity when none. */
  smallestMap: number;
}

/** The parts of tfjs-layers' internals the plan reads (its own names). */
interface SymbolicTensorLike {
  id: number;
  shape: Array<number | null>;
  dtype: string;
}
interface NodeLike {
  outboundLayer: LayerLike;
  inputTensors: SymbolicTensorLike[];
  outputTensors: SymbolicTensorLike[];
}
interface ActivationLike {
  getClassName(): string;
  apply(x: tf.Tensor): tf.Tensor;
}
interface LayerLike {
  name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  [field: string]: unknown;
}
interface ModelLike {
  inputs: SymbolicTensorLike[];
  outputs: SymbolicTensorLike[];
  nodesByDepth: Record<string, NodeLike[]>;
}

class Unsupported extends Error {}

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1]] : [v as number, v as number]);

function activationOf(layer: LayerLike): ActivationLike {
  return layer.activation as ActivationLike;
}

/** Channels last, no loss of its own (a regularizer's) and no constraint. */
function checkCommon(layer: LayerLike): void {
  if ((layer.losses as unknown[]).length > 0) throw new Unsupported(`${layer.name}: a loss of its own (regularizer)`);
  const config = layer.getConfig();
  if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast')
    throw new Unsupported(`${layer.name}: dataFormat ${String(config.dataFormat)}`);
  for (const key of Object.keys(config)) {
    if (/(Regularizer|Constraint)$/.test(key) && config[key] != null) throw new Unsupported(`${layer.name}: ${key}`);
  }
}

/** A hidden activation the ops compute: ReLU or none. */
function hiddenRelu(layer: LayerLike, activation: ActivationLike): boolean {
  const name = activation.getClassName();
  if (name !== 'relu' && name !== 'linear')
    throw new Unsupported(`${layer.name}: activation ${name} inside the network`);
  return name === 'relu';
}

/** The op for one layer call, and the activation it leaves to tfjs when it is the model's last layer. */
function opFor(layer: LayerLike, node: NodeLike, last: boolean): { op: LayerOp<unknown>; head?: ActivationLike } {
  const className = layer.getClassName();
  checkCommon(layer);
  const inputRank = node.inputTensors[0]?.shape.length;
  const withActivation = (make: (relu: boolean) => LayerOp<unknown>) => {
    const activation = activationOf(layer);
    const name = activation.getClassName();
    if (last && name !== 'relu' && name !== 'linear') return { op: make(false), head: activation };
    return { op: make(hiddenRelu(layer, activation)) };
  };
  switch (className) {
    case 'Conv2D':
    case 'Conv2DTranspose': {
      if (inputRank !== 4) throw new Unsupported(`${layer.name}: input of rank ${inputRank}`);
      const config = {
        kernel: layer.kernel as WeightRef,
        bias: (layer.bias ?? null) as WeightRef | null,
        strides: pair(layer.strides),
        padding: layer.padding as 'same' | 'valid',
        dilations: pair(layer.dilationRate),
      };
      if (config.padding !== 'same' && config.padding !== 'valid')
        throw new Unsupported(`${layer.name}: padding ${String(config.padding)}`);
      if (className === 'Conv2D') return withActivation((relu) => new ConvOp({ ...config, relu }));
      if (config.dilations.some((d) => d !== 1)) throw new Unsupported(`${layer.name}: dilated transposed convolution`);
      const [, h, w, c] = node.outputTensors[0].shape as number[];
      return withActivation(
        (relu) => new ConvTransposeOp({ ...config, relu, outputShape: (batch) => [batch, h, w, c] }),
      );
    }
    case 'Dense':
      if (inputRank !== 2) throw new Unsupported(`${layer.name}: input of rank ${inputRank}`);
      return withActivation(
        (relu) =>
          new DenseOp({ kernel: layer.kernel as WeightRef, bias: (layer.bias ?? null) as WeightRef | null, relu }),
      );
    case 'BatchNormalization': {
      const axis = layer.axis as number;
      if (axis !== -1 && axis !== inputRank - 1) throw new Unsupported(`${layer.name}: axis ${axis}`);
      const config = layer as unknown as Omit<BatchNormConfig, 'relu'>;
      // tfjs' own training step needs both (it reads them unconditionally)
      if (config.gamma == null || config.beta == null)
        throw new Unsupported(`${layer.name}: batch normalisation without scale or offset`);
      return {
        op: new BatchNormOp({
          gamma: config.gamma,
          beta: config.beta,
          movingMean: config.movingMean,
          movingVariance: config.movingVariance,
          epsilon: config.epsilon,
          momentum: config.momentum,
          relu: false,
        }),
      };
    }
    case 'ReLU':
      if (layer.maxValue != null) throw new Unsupported(`${layer.name}: ReLU with a maximum`);
      return { op: new ReluOp() };
    case 'Activation':
      return withActivation((relu) => (relu ? new ReluOp() : new IdentityOp()));
    case 'MaxPooling2D':
      if (inputRank !== 4) throw new Unsupported(`${layer.name}: input of rank ${inputRank}`);
      return {
        op: new MaxPoolOp({
          poolSize: pair(layer.poolSize),
          strides: pair(layer.strides),
          padding: layer.padding as 'same' | 'valid',
        }),
      };
    case 'GlobalAveragePooling2D':
      if (inputRank !== 4) throw new Unsupported(`${layer.name}: input of rank ${inputRank}`);
      return { op: new GlobalAveragePoolOp() };
    case 'Flatten':
      return { op: new FlattenOp() };
    case 'Dropout':
      if (layer.noiseShape != null) throw new Unsupported(`${layer.name}: dropout with a noise shape`);
      return { op: new DropoutOp({ rate: layer.rate as number, seed: layer.seed as number | undefined }) };
    case 'Add':
      // tfjs' Add broadcasts inputs of different shapes; the op adds equal shapes element by element
      if (node.inputTensors.some((t) => t.shape.join() !== node.inputTensors[0].shape.join()))
        throw new Unsupported(`${layer.name}: inputs of different shapes (broadcast)`);
      return { op: new AddOp() };
    case 'Concatenate': {
      const axis = layer.axis as number;
      if (axis !== -1 && axis !== inputRank - 1)
        throw new Unsupported(`${layer.name}: concatenation along axis ${axis}`);
      return { op: new ConcatenateOp() };
    }
    default:
      throw new Unsupported(`${layer.name}: layer ${className}`);
  }
}

/** The plan of `model`, or why the whole-step path leaves it to tfjs. */
export function planOf(model: tf.LayersModel): LayerPlan | string {
  try {
    // a Sequential model trains and predicts through the functional model it builds (on first use)
    if (model instanceof tf.Sequential) {
      if (model.layers.length === 0) throw new Unsupported('no layers');
      if (!model.built) model.build();
      return planOf((model as unknown as { model: tf.LayersModel }).model);
    }
    return readPlan(model as unknown as ModelLike);
  } catch (err) {
    if (err instanceof Unsupported) return err.message;
    throw err;
  }
}

function readPlan(model: ModelLike): LayerPlan {
  if (model.inputs === undefined || model.outputs === undefined) throw new Unsupported('the model is not built yet');
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    throw new Unsupported(
      `${model.inputs.length} inputs and ${model.outputs.length} outputs (one of each is supported)`,
    );
  const [input] = model.inputs;
  const [output] = model.outputs;
  if (input.dtype !== 'float32') throw new Unsupported(`input of dtype ${input.dtype}`);
  const depths = Object.keys(model.nodesByDepth)
    .map(Number)
    .sort((a, b) => b - a);
  const layerCalls = depths
    .flatMap((d) => model.nodesByDepth[d])
    .filter((node) => node.outboundLayer.getClassName() !== 'InputLayer');
  let head: ActivationLike | undefined;
  const seen = new Set<LayerLike>();
  const nodes: PlanNode[] = layerCalls.map((node) => {
    const layer = node.outboundLayer;
    // a layer called twice shares its weights between the calls: their gradients would have to be summed
    if (seen.has(layer)) throw new Unsupported(`${layer.name}: a layer called more than once`);
    seen.add(layer);
    if (node.outputTensors.length !== 1) throw new Unsupported(`${layer.name}: ${node.outputTensors.length} outputs`);
    const tensors = [...node.inputTensors, ...node.outputTensors];
    if (tensors.some((t) => t.dtype !== 'float32')) throw new Unsupported(`${layer.name}: a tensor not float32`);
    // the ops size their outputs when the plan is read (a transposed convolution's from its layer's shape)
    if (tensors.some((t) => t.shape.slice(1).some((d) => d == null)))
      throw new Unsupported(`${layer.name}: a tensor of unknown size (an input shape with null)`);
    const planned = opFor(layer, node, node.outputTensors[0].id === output.id);
    head = planned.head ?? head;
    return {
      name: layer.name,
      op: planned.op,
      inputs: node.inputTensors.map((t) => t.id),
      output: node.outputTensors[0].id,
    };
  });
  if (nodes.length === 0) throw new Unsupported('no layers');
  const maps = layerCalls
    .flatMap((node) => node.outputTensors.map((t) => t.shape))
    .filter((shape) => shape.length === 4)
    .flatMap((shape) => [shape[1] as number, shape[2] as number]);
  return {
    nodes: fuseReluAfterBatchNorm(nodes, output.id),
    input: input.id,
    inputShape: input.shape.slice(1) as number[],
    output: output.id,
    head: head && ((z) => head!.apply(z)),
    smallestMap: Math.min(Infinity, ...maps),
  };
}

/** A batch normalisation whose only reader is a ReLU becomes one op with it (one pass instead of two each way). */
function fuseReluAfterBatchNorm(nodes: PlanNode[], modelOutput: number): PlanNode[] {
  const readers = (id: number) => nodes.filter((n) => n.inputs.includes(id));
  const fused = new Set<PlanNode>();
  const result: PlanNode[] = [];
  for (const node of nodes) {
    if (fused.has(node)) continue;
    const next = readers(node.output);
    if (
      node.op instanceof BatchNormOp &&
      node.output !== modelOutput &&
      next.length === 1 &&
      next[0].op instanceof ReluOp
    ) {
      fused.add(next[0]);
      result.push({
        name: `${node.name}+${next[0].name}`,
        op: node.op.withRelu(),
        inputs: node.inputs,
        output: next[0].output,
      });
    } else {
      result.push(node);
    }
  }
  return result;
}
