// Saves and loads tfjs-layers models as a folder (model.json + weights.bin, the layout tfjs' own
// file:// handler writes) without tfjs-node, whose handlers are the only file-system ones in tfjs.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

export class ModelFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ModelFileError';
  }
}

export interface SaveModelOptions {
  /** Also save the optimizer's state (Adam moments…) so that training resumes where it stopped. */
  includeOptimizer?: boolean;
}

/** Writes through a temporary name and renames, so that a crash never leaves half a file behind. */
export async function writeAtomically(file: string, data: string | Uint8Array): Promise<void> {
  const partial = `${file}.partial`;
  await writeFile(partial, data);
  await rename(partial, file);
}

export async function saveModel(model: tf.LayersModel, dir: string, options: SaveModelOptions = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const handler = tf.io.withSaveHandler(async (artifacts) => {
    const weights =
      artifacts.weightData === undefined
        ? new Uint8Array(0)
        : new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
    const modelJson = {
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: 'radnb',
      modelTopology: artifacts.modelTopology,
      trainingConfig: artifacts.trainingConfig,
      userDefinedMetadata: artifacts.userDefinedMetadata,
      weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
    };
    await writeAtomically(path.join(dir, WEIGHTS_FILE), weights);
    await writeAtomically(path.join(dir, MODEL_FILE), JSON.stringify(modelJson));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  });
  await model.save(handler, { includeOptimizer: options.includeOptimizer ?? false });
}

type ModelJson = Partial<tf.io.ModelJSON>;

async function readModelJson(file: string): Promise<ModelJson> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ModelFileError(
      file,
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (is this a saved model folder?)' : String(err),
    );
  }
  let json: ModelJson;
  try {
    json = JSON.parse(text) as ModelJson;
  } catch (err) {
    throw new ModelFileError(file, `not valid JSON (${(err as Error).message})`);
  }
  if (typeof json.modelTopology !== 'object' || json.modelTopology === null) {
    throw new ModelFileError(file, 'no modelTopology: not a tfjs-layers model');
  }
  return json;
}

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** The weight files of the manifest, concatenated in order, checked against the sizes the specs need. */
async function readWeights(
  dir: string,
  json: ModelJson,
  modelFile: string,
): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer }> {
  const groups = json.weightsManifest ?? [];
  const specs = groups.flatMap((g) => g.weights);
  const parts: Uint8Array[] = [];
  for (const file of groups.flatMap((g) => g.paths.map((p) => path.join(dir, p)))) {
    try {
      parts.push(new Uint8Array(await readFile(file)));
    } catch {
      throw new ModelFileError(file, `missing: ${path.basename(modelFile)} lists it as a weights file`);
    }
  }
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((offset, p) => (data.set(p, offset), offset + p.length), 0);
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * (BYTES_PER_DTYPE[s.dtype] ?? 4), 0);
  if (data.length !== expected) {
    throw new ModelFileError(
      path.join(dir, WEIGHTS_FILE),
      `holds ${data.length} bytes but ${path.basename(modelFile)} describes ${expected}`,
    );
  }
  return { specs, data: data.buffer };
}

export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const modelFile = path.join(dir, MODEL_FILE);
  const json = await readModelJson(modelFile);
  const { specs, data } = await readWeights(dir, json, modelFile);
  const handler: tf.io.IOHandler = {
    load: async () => ({
      modelTopology: json.modelTopology,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      trainingConfig: json.trainingConfig,
      userDefinedMetadata: json.userDefinedMetadata,
      weightSpecs: specs,
      weightData: data,
    }),
  };
  try {
    return await tf.loadLayersModel(handler);
  } catch (err) {
    throw new ModelFileError(modelFile, `cannot rebuild the model: ${(err as Error).message}`);
  }
}
