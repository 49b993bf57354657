/**
 * Reading and writing the standard tfjs LayersModel format (model.json + binary weight shards).
 * The JSON is checked here before tfjs sees it, because tfjs either accepts bad byte counts
 * silently or fails with multi-line messages and leaked variables.
 */
import * as tf from '@tensorflow/tfjs';
import { ModelFormatError, OptionError } from '../errors';
import type { Mlp } from './mlp';
import { QUANTIZED_BYTES, WEIGHT_QUANTIZATIONS, quantizeWeights, type WeightQuantization } from './quantize';
import { checkDenseStack, layersModelToMlp, mlpToLayersModel } from './tfjs-convert';

/** Bytes as a browser File gives them (ArrayBuffer) or as Node's fs gives them (a Buffer view). */
export type Bytes = ArrayBuffer | ArrayBufferView;

/** A model.json that passed `validateModelJson`. */
export interface ModelJson {
  readonly modelTopology: object;
  readonly weightsManifest: tf.io.WeightsManifestConfig;
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
  readonly userDefinedMetadata?: Record<string, unknown>;
}

export interface SaveOptions {
  /** Model name in the topology, and the weight file's stem (`${name}.weights.bin`). */
  readonly name?: string;
  /** Stored as tfjs `userDefinedMetadata` (pruning settings, say); must be plain JSON. */
  readonly metadata?: Record<string, unknown>;
  /**
   * Store the weights quantized as tfjs reads them: `float16` halves the file, `uint8` (one
   * min/scale per tensor) quarters it. Default: plain float32, exactly the weights of the Mlp.
   */
  readonly quantization?: WeightQuantization;
}

export interface SavedModelArtifacts {
  readonly modelJson: ModelJson;
  readonly weightData: ArrayBuffer;
  readonly weightsFileName: string;
}

const FLOAT32_BYTES = 4;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first line of an error's message: tfjs messages go on for paragraphs. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim();
}

/** JSON.parse with a one-line ModelFormatError naming `source`. */
export function parseModelJson(text: string, source = 'model.json'): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ModelFormatError(`${source} is not valid JSON: ${firstLine(error)}`);
  }
}

/** Checks the parts of model.json that tfjs does not check or checks only with unclear messages. */
export function validateModelJson(modelJson: unknown): ModelJson {
  if (!isRecord(modelJson)) {
    throw new ModelFormatError('model.json must hold a JSON object (a tfjs LayersModel description)');
  }
  if (modelJson.format === 'graph-model') {
    throw new ModelFormatError('model.json is a tfjs graph model; only layers models (tf.LayersModel, Keras) are supported');
  }
  if (!isRecord(modelJson.modelTopology)) {
    throw new ModelFormatError('model.json has no modelTopology object: it is not a tfjs LayersModel file');
  }
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest)) {
    throw new ModelFormatError('model.json has no weightsManifest list: it does not say where its weights are');
  }
  manifest.forEach((group: unknown, g) => {
    if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelFormatError(`weightsManifest entry ${g} must have "paths" and "weights" lists`);
    }
    for (const path of group.paths) {
      if (typeof path !== 'string' || path === '') {
        throw new ModelFormatError(`weightsManifest entry ${g} lists a weight file path that is not a name`);
      }
    }
    group.weights.forEach((weight: unknown, w) => checkWeightEntry(weight, `weightsManifest entry ${g} weight ${w}`));
  });
  const metadata = modelJson.userDefinedMetadata;
  if (metadata !== undefined && !isRecord(metadata)) {
    throw new ModelFormatError('model.json userDefinedMetadata must be a JSON object');
  }
  return modelJson as unknown as ModelJson;
}

function checkWeightEntry(weight: unknown, where: string): void {
  if (!isRecord(weight) || typeof weight.name !== 'string') {
    throw new ModelFormatError(`${where} has no name`);
  }
  const name = weight.name;
  const shape = weight.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ModelFormatError(`weight ${name} has an invalid shape ${JSON.stringify(shape)}`);
  }
  if (weight.dtype !== 'float32') {
    throw new ModelFormatError(`weight ${name} has dtype ${String(weight.dtype)}; only float32 weights are supported`);
  }
  if (weight.quantization !== undefined) checkQuantization(name, weight.quantization);
}

/** The quantizations of float32 weights that tf.io.decodeWeights turns back into float32. */
function checkQuantization(name: string, quantization: unknown): void {
  if (!isRecord(quantization)) {
    throw new ModelFormatError(`weight ${name} has a quantization entry that is not an object`);
  }
  const dtype = quantization.dtype;
  if (dtype === 'float16') return;
  if (dtype === 'uint8' || dtype === 'uint16') {
    const { min, scale } = quantization;
    if (typeof min !== 'number' || !Number.isFinite(min) || typeof scale !== 'number' || !Number.isFinite(scale)) {
      throw new ModelFormatError(
        `weight ${name} is ${dtype}-quantized but its min (${JSON.stringify(min)}) and scale (${JSON.stringify(scale)}) are not both finite numbers`,
      );
    }
    return;
  }
  throw new ModelFormatError(
    `weight ${name} is quantized as ${JSON.stringify(dtype)}; only uint8, uint16 and float16 quantization are supported`,
  );
}

/** Bytes the manifest's weights occupy: float32 after validation, or their quantized size. */
function manifestByteLength(manifest: tf.io.WeightsManifestConfig): number {
  return tf.io.getWeightSpecs(manifest).reduce((sum, spec) => {
    const bytesPerValue = spec.quantization === undefined ? FLOAT32_BYTES : QUANTIZED_BYTES[spec.quantization.dtype];
    return sum + spec.shape.reduce((n, d) => n * d, 1) * bytesPerValue;
  }, 0);
}

/** The weight file paths model.json lists, in the order their bytes are concatenated. */
export function weightShardPaths(modelJson: unknown): string[] {
  return validateModelJson(modelJson).weightsManifest.flatMap((group) => group.paths);
}

/** The `userDefinedMetadata` object of a model.json, if any. */
export function userMetadataOf(modelJson: unknown): Record<string, unknown> | undefined {
  return validateModelJson(modelJson).userDefinedMetadata;
}

function toArrayBuffer(bytes: Bytes): ArrayBuffer {
  if (bytes instanceof ArrayBuffer) return bytes;
  // A view may sit inside a larger (pooled) buffer, so copy exactly its window.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return copy.buffer;
}

/** Disposes tfjs variables created by a failed load; tfjs leaves half-built layers registered. */
function disposeVariablesSince(before: ReadonlySet<string>): void {
  const registered = tf.engine().registeredVariables;
  for (const name of Object.keys(registered)) {
    if (!before.has(name)) registered[name].dispose();
  }
}

/**
 * Loads an Mlp from a parsed model.json and its weight bytes (the shards concatenated in manifest
 * order, or one buffer per shard in that order). Throws ModelFormatError with one line.
 */
export async function loadMlpFromArtifacts(modelJson: unknown, weightData: Bytes | readonly Bytes[]): Promise<Mlp> {
  const json = validateModelJson(modelJson);
  const buffers = (Array.isArray(weightData) ? weightData : [weightData]) as readonly Bytes[];
  const joined = tf.io.concatenateArrayBuffers(buffers.map(toArrayBuffer));
  const needed = manifestByteLength(json.weightsManifest);
  if (joined.byteLength < needed) {
    throw new ModelFormatError(
      `weight data is ${joined.byteLength} bytes but the manifest needs ${needed}: the .bin file is truncated or belongs to another model`,
    );
  }
  if (joined.byteLength > needed) {
    throw new ModelFormatError(
      `weight data is ${joined.byteLength} bytes but the manifest needs only ${needed}: the .bin file belongs to another model or has extra bytes`,
    );
  }
  const weightSpecs = tf.io.getWeightSpecs(json.weightsManifest);
  const before = new Set(Object.keys(tf.engine().registeredVariables));
  let model: tf.LayersModel | undefined;
  try {
    // Topology first and weights second: a one-step load leaks the decoded tensors when they do
    // not fit. trainingConfig is left out on purpose: compiling a loss/optimizer is not needed.
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology }));
    const decoded = tf.io.decodeWeights(joined, weightSpecs);
    try {
      const modelWeights: tf.NamedTensorMap = {};
      // Optimizer state may ride along in converted Keras files; it is not part of the model.
      for (const spec of weightSpecs) if (spec.group !== 'optimizer') modelWeights[spec.name] = decoded[spec.name];
      model.loadWeights(modelWeights, true);
    } finally {
      tf.dispose(decoded);
    }
  } catch (error) {
    model?.dispose();
    disposeVariablesSince(before);
    throw new ModelFormatError(`tfjs could not load the model: ${firstLine(error)}`);
  }
  try {
    return await layersModelToMlp(model);
  } finally {
    model.dispose();
  }
}

/** Finds a shard by its manifest path, or by its base name (browser file pickers give only names). */
function findShard(files: ReadonlyMap<string, Bytes>, path: string): Bytes | undefined {
  const exact = files.get(path) ?? files.get(path.replace(/^\.\//, ''));
  if (exact !== undefined) return exact;
  const base = path.split('/').pop() ?? path;
  return files.get(base);
}

/**
 * Loads an Mlp from a parsed model.json and its weight files keyed by file name (as listed in
 * `weightsManifest[].paths`, or by base name). Shared by browser file pickers and Node.
 */
export async function loadMlpFromFiles(
  modelJson: unknown,
  files: ReadonlyMap<string, Bytes> | Readonly<Record<string, Bytes>>,
): Promise<Mlp> {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  const shards = weightShardPaths(modelJson).map((path) => {
    const bytes = findShard(map, path);
    if (bytes === undefined) {
      throw new ModelFormatError(`weight file ${path} listed in model.json was not provided`);
    }
    return bytes;
  });
  return loadMlpFromArtifacts(modelJson, shards);
}

function weightsFileNameFor(name: string | undefined): string {
  if (name === undefined || name === '') return 'weights.bin';
  return `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.weights.bin`;
}

/**
 * Serialises `mlp` through tfjs's own save path, so the files are what tfjs itself would write;
 * with `quantization`, the weights are then re-encoded in the format tfjs's loader dequantizes.
 */
export async function saveMlpToArtifacts(mlp: Mlp, options: SaveOptions = {}): Promise<SavedModelArtifacts> {
  if (options.quantization !== undefined && !WEIGHT_QUANTIZATIONS.includes(options.quantization)) {
    throw new OptionError(`quantization must be one of ${WEIGHT_QUANTIZATIONS.join(', ')}, got ${JSON.stringify(options.quantization)}`);
  }
  // Refuse to write anything loadMlpFromArtifacts would then refuse to read.
  checkDenseStack(mlp.layers.map((layer, i) => ({ ...layer, name: `dense_${i + 1}` })), true);
  const weightsFileName = weightsFileNameFor(options.name);
  const model = mlpToLayersModel(mlp, options.name || 'mlp');
  try {
    if (options.metadata !== undefined) {
      try {
        model.setUserDefinedMetadata(options.metadata);
      } catch (error) {
        throw new ModelFormatError(`model metadata cannot be saved: ${firstLine(error)}`);
      }
    }
    let saved: SavedModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        let weightData = tf.io.concatenateArrayBuffers(artifacts.weightData ?? []);
        let weightSpecs = artifacts.weightSpecs ?? [];
        if (options.quantization !== undefined) {
          ({ specs: weightSpecs, data: weightData } = quantizeWeights(weightSpecs, weightData, options.quantization));
        }
        // Field order and values as tfjs's own file writers produce them (getModelJSONForModelArtifacts).
        const modelJson: ModelJson = {
          modelTopology: artifacts.modelTopology as object,
          format: artifacts.format,
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy,
          weightsManifest: [{ paths: [weightsFileName], weights: weightSpecs }],
          ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
        };
        saved = { modelJson, weightData, weightsFileName };
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightSpecs, weightData }) };
      }),
    );
    if (saved === undefined) throw new Error('tfjs did not call the save handler');
    return saved;
  } finally {
    model.dispose();
  }
}
