/**
 * Reading and writing the standard tfjs LayersModel format (model.json + binary weight shards).
 * The JSON is checked here before tfjs sees it, because tfjs either accepts bad byte counts
 * silently or fails with multi-line messages and leaked variables.
 */
import * as tf from '@tensorflow/tfjs';
import { type CancelToken, ModelFormatError, OptionError, throwIfCancelled } from '../errors';
import { shown } from '../error-line';
import { MAX_MODEL_JSON_BYTES, MAX_NAME_LENGTH, MAX_PARAMETERS, MAX_WEIGHT_BYTES, MAX_WEIGHT_ENTRIES, MAX_WEIGHT_FILES } from './limits';
import { validateTopology, type TopologyPlan } from './topology';
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

/** JSON.parse with a one-line ModelFormatError naming `source`; a leading byte-order mark is fine. */
export function parseModelJson(text: string, source = 'model.json'): unknown {
  if (text.length > MAX_MODEL_JSON_BYTES) {
    throw new ModelFormatError(`${source} is ${text.length} characters; at most ${MAX_MODEL_JSON_BYTES} bytes are accepted (MAX_MODEL_JSON_BYTES)`);
  }
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
  } catch (error) {
    throw new ModelFormatError(`${source} is not valid JSON: ${firstLine(error)}`);
  }
}

/** UTF-8 model.json bytes to text, refusing more than the cap before decoding them. */
export function decodeModelJson(bytes: Bytes, source = 'model.json'): unknown {
  if (bytes.byteLength > MAX_MODEL_JSON_BYTES) {
    throw new ModelFormatError(`${source} is ${bytes.byteLength} bytes; at most ${MAX_MODEL_JSON_BYTES} are accepted (MAX_MODEL_JSON_BYTES)`);
  }
  return parseModelJson(new TextDecoder().decode(bytes), source);
}

/**
 * A weight file path from a manifest must name a file inside the model's folder: relative, no
 * `..`, no URL or drive, nothing a URL parser would reinterpret (`%`, `?`, `#`, backslashes).
 * Containment after symlinks is the file system's part (src/node/model-files.ts).
 */
export function checkWeightPath(path: unknown, where: string): string {
  if (typeof path !== 'string' || path === '') throw new ModelFormatError(`${where} lists a weight file path that is not a name`);
  const segments = path.split('/');
  const bad =
    path.length > MAX_NAME_LENGTH ||
    /[\u0000-\u001f\u007f\\%?#]/.test(path) ||
    path.startsWith('/') ||
    /^[A-Za-z][A-Za-z0-9+.-]*:/.test(path) ||
    segments.some((segment) => segment === '..' || segment === '');
  if (bad) {
    throw new ModelFormatError(`${where} lists weight file ${shown(path)}: it must be a relative path inside the model's folder (no leading /, no .., no URL)`);
  }
  return path;
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
  const paths = new Set<string>();
  const names = new Set<string>();
  let entries = 0;
  manifest.forEach((group: unknown, g) => {
    if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelFormatError(`weightsManifest entry ${g} must have "paths" and "weights" lists`);
    }
    for (const raw of group.paths) {
      const path = checkWeightPath(raw, `weightsManifest entry ${g}`).replace(/^(\.\/)+/, '');
      if (paths.has(path)) throw new ModelFormatError(`weightsManifest lists weight file ${shown(path)} twice`);
      paths.add(path);
      if (paths.size > MAX_WEIGHT_FILES) {
        throw new ModelFormatError(`weightsManifest lists over ${MAX_WEIGHT_FILES} weight files; that is the cap (MAX_WEIGHT_FILES)`);
      }
    }
    entries += group.weights.length;
    if (entries > MAX_WEIGHT_ENTRIES) {
      throw new ModelFormatError(`weightsManifest describes over ${MAX_WEIGHT_ENTRIES} weights; that is the cap (MAX_WEIGHT_ENTRIES)`);
    }
    group.weights.forEach((weight: unknown, w) => {
      const name = checkWeightEntry(weight, `weightsManifest entry ${g} weight ${w}`);
      if (names.has(name)) throw new ModelFormatError(`weightsManifest describes weight ${shown(name)} twice`);
      names.add(name);
    });
  });
  const metadata = modelJson.userDefinedMetadata;
  if (metadata !== undefined && !isRecord(metadata)) {
    throw new ModelFormatError('model.json userDefinedMetadata must be a JSON object');
  }
  return modelJson as unknown as ModelJson;
}

function checkWeightEntry(weight: unknown, where: string): string {
  if (!isRecord(weight) || typeof weight.name !== 'string' || weight.name === '') {
    throw new ModelFormatError(`${where} has no name`);
  }
  const name = weight.name;
  if (name.length > MAX_NAME_LENGTH || /[\u0000-\u001f]/.test(name) || name === '__proto__') {
    throw new ModelFormatError(`${where} has the name ${shown(name)}; weight names must be plain and at most ${MAX_NAME_LENGTH} characters`);
  }
  const shape = weight.shape;
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isInteger(d) && d >= 0 && d <= MAX_PARAMETERS)) {
    throw new ModelFormatError(`weight ${shown(name)} has an invalid shape ${shown(shape)}`);
  }
  if (weight.dtype !== 'float32') {
    throw new ModelFormatError(`weight ${shown(name)} has dtype ${shown(weight.dtype)}; only float32 weights are supported`);
  }
  if (weight.quantization !== undefined) checkQuantization(name, weight.quantization);
  return name;
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

/** Bytes one manifest entry's values occupy: float32, or their quantized size. */
function specByteLength(spec: tf.io.WeightsManifestEntry): number {
  const bytesPerValue = spec.quantization === undefined ? FLOAT32_BYTES : QUANTIZED_BYTES[spec.quantization.dtype as keyof typeof QUANTIZED_BYTES];
  return spec.shape.reduce((n, d) => n * d, 1) * bytesPerValue;
}

/** Everything known about a model before any of its weight bytes is read. */
export interface LoadPlan {
  readonly json: ModelJson;
  readonly topology: TopologyPlan;
  /** The manifest's weight files by group, with the bytes each group's weights need. */
  readonly groups: readonly { readonly paths: readonly string[]; readonly bytes: number }[];
  /** All weight bytes the manifest declares, at most MAX_WEIGHT_BYTES. */
  readonly bytes: number;
}

/**
 * Validates model.json, its topology (the same validator for the CLI and the worker) and the
 * manifest against the topology, and sums the declared weight bytes against the caps. Nothing is
 * read or built; a file that passes cannot make tfjs allocate more than the caps allow.
 */
export function planModelLoad(modelJson: unknown): LoadPlan {
  const json = validateModelJson(modelJson);
  const topology = validateTopology(json.modelTopology);
  const expected = new Map(topology.weights.map((weight) => [weight.name, weight.shape]));
  const found = new Set<string>();
  let bytes = 0;
  const groups = json.weightsManifest.map((group) => {
    let groupBytes = 0;
    for (const spec of group.weights) {
      // Optimizer state may ride along in converted Keras files; it is not part of the model.
      if (spec.group !== 'optimizer') {
        const shape = expected.get(spec.name);
        if (!shape) {
          throw new ModelFormatError(`the manifest describes weight ${shown(spec.name)}, which no layer of the model has (expected ${shown(topology.weights.map((w) => w.name).join(', '), 80)})`);
        }
        if (shape.join(',') !== spec.shape.join(',')) {
          throw new ModelFormatError(`weight ${shown(spec.name)} has shape [${spec.shape.join(',')}] in the manifest but the topology needs [${shape.join(',')}]`);
        }
        found.add(spec.name);
      }
      groupBytes += specByteLength(spec);
      if (bytes + groupBytes > MAX_WEIGHT_BYTES) {
        throw new ModelFormatError(`the manifest declares over ${MAX_WEIGHT_BYTES.toLocaleString('en-US')} bytes of weights; that is the cap (MAX_WEIGHT_BYTES)`);
      }
    }
    bytes += groupBytes;
    return { paths: group.paths.map((path) => path.replace(/^(\.\/)+/, '')), bytes: groupBytes };
  });
  const missing = topology.weights.find((weight) => !found.has(weight.name));
  if (missing) throw new ModelFormatError(`the manifest has no weight ${shown(missing.name)}, which the model needs`);
  return { json, topology, groups, bytes };
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

function checkByteCount(got: number, needed: number): void {
  if (got < needed) {
    throw new ModelFormatError(`weight data is ${got} bytes but the manifest needs ${needed}: the .bin file is truncated or belongs to another model`);
  }
  if (got > needed) {
    throw new ModelFormatError(`weight data is ${got} bytes but the manifest needs only ${needed}: the .bin file belongs to another model or has extra bytes`);
  }
}

/** Builds the validated topology in tfjs, loads the weights and converts to an Mlp. */
async function loadPlanned(plan: LoadPlan, joined: ArrayBuffer): Promise<Mlp> {
  checkByteCount(joined.byteLength, plan.bytes);
  return buildAndConvert(plan.topology.modelTopology, plan.json.weightsManifest, joined, layersModelToMlp);
}

/**
 * Builds `modelTopology` (already validated by the caller) in tfjs, loads the weights, hands the
 * model to `convert` (which reads it into plain arrays or throws ModelFormatError) and disposes it.
 */
async function buildAndConvert<T>(modelTopology: object, manifest: tf.io.WeightsManifestConfig, joined: ArrayBuffer, convert: (model: tf.LayersModel) => T | Promise<T>): Promise<T> {
  const weightSpecs = tf.io.getWeightSpecs(manifest);
  const before = new Set(Object.keys(tf.engine().registeredVariables));
  let model: tf.LayersModel | undefined;
  try {
    // Topology first and weights second: a one-step load leaks the decoded tensors when they do
    // not fit. tfjs gets the sanitized topology, never the file's; trainingConfig is left out.
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology }));
    const decoded = tf.io.decodeWeights(joined, weightSpecs);
    try {
      const modelWeights: tf.NamedTensorMap = {};
      for (const spec of weightSpecs) if (spec.group !== 'optimizer') modelWeights[spec.name] = decoded[spec.name];
      model.loadWeights(modelWeights, true);
    } finally {
      tf.dispose(Object.values(decoded));
    }
  } catch (error) {
    model?.dispose();
    disposeVariablesSince(before);
    throw new ModelFormatError(`tfjs could not load the model: ${firstLine(error)}`);
  }
  try {
    return await convert(model);
  } finally {
    model.dispose();
  }
}

/**
 * Loads a model whose topology `checkTopology` validates (a network kind other than the Dense
 * stacks planModelLoad knows: convolutional ones, src/core/cnn/cnn-io.ts) from model.json and its
 * weight bytes, and converts it with `convert`.
 */
export async function loadConvertedFromArtifacts<T>(
  modelJson: unknown,
  weightData: Bytes | readonly Bytes[],
  checkTopology: (modelJson: ModelJson) => void,
  convert: (model: tf.LayersModel) => T | Promise<T>,
): Promise<T> {
  const json = validateModelJson(modelJson);
  checkTopology(json);
  const needed = json.weightsManifest.flatMap((group) => group.weights).reduce((sum, spec) => sum + specByteLength(spec), 0);
  if (needed > MAX_WEIGHT_BYTES) throw new ModelFormatError(`the manifest declares over ${MAX_WEIGHT_BYTES.toLocaleString('en-US')} bytes of weights; that is the cap (MAX_WEIGHT_BYTES)`);
  const buffers = (Array.isArray(weightData) ? weightData : [weightData]) as readonly Bytes[];
  checkByteCount(buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0), needed);
  return buildAndConvert(json.modelTopology, json.weightsManifest, tf.io.concatenateArrayBuffers(buffers.map(toArrayBuffer)), convert);
}

/**
 * Loads an Mlp from a parsed model.json and its weight bytes (the shards concatenated in manifest
 * order, or one buffer per shard in that order). Throws ModelFormatError with one line.
 */
export async function loadMlpFromArtifacts(modelJson: unknown, weightData: Bytes | readonly Bytes[]): Promise<Mlp> {
  const plan = planModelLoad(modelJson);
  const buffers = (Array.isArray(weightData) ? weightData : [weightData]) as readonly Bytes[];
  checkByteCount(buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0), plan.bytes);
  return loadPlanned(plan, tf.io.concatenateArrayBuffers(buffers.map(toArrayBuffer)));
}

/** A weight file whose size is known before its bytes are read (a File, an fstat'ed path). */
export interface WeightSource {
  readonly size: number;
  read(): Promise<Bytes>;
}

/** Finds a weight file by its manifest path; `undefined` when it was not provided. */
export type WeightResolver = (path: string) => Promise<WeightSource | undefined> | WeightSource | undefined;

/**
 * Loads an Mlp from model.json and weight files found by `resolve`: the plan is checked first,
 * then every file's size against the bytes its manifest entry declares, and only then are bytes
 * read. A file that changes size in between is refused.
 */
export async function loadMlpFromSources(modelJson: unknown, resolve: WeightResolver, token?: CancelToken): Promise<Mlp> {
  const plan = planModelLoad(modelJson);
  const sources: { path: string; source: WeightSource }[] = [];
  let total = 0;
  for (const group of plan.groups) {
    let groupSize = 0;
    for (const path of group.paths) {
      const source = await resolve(path);
      if (source === undefined) throw new ModelFormatError(`weight file ${shown(path, 80)} listed in model.json was not provided`);
      if (!Number.isSafeInteger(source.size) || source.size < 0) throw new ModelFormatError(`weight file ${shown(path, 80)} has no known size`);
      groupSize += source.size;
      sources.push({ path, source });
    }
    total += groupSize;
    // Per group: tfjs concatenates each group's files, so sizes must add up group by group.
    if (groupSize !== group.bytes && plan.groups.length > 1) {
      throw new ModelFormatError(`weight files ${shown(group.paths.join(', '), 60)} hold ${groupSize} bytes but their manifest entry needs ${group.bytes}`);
    }
  }
  checkByteCount(total, plan.bytes);
  throwIfCancelled(token);
  const joined = new Uint8Array(plan.bytes);
  let at = 0;
  for (const { path, source } of sources) {
    const bytes = await source.read();
    throwIfCancelled(token);
    if (bytes.byteLength !== source.size) {
      throw new ModelFormatError(`weight file ${shown(path, 80)} changed while it was read (${source.size} bytes, then ${bytes.byteLength})`);
    }
    joined.set(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), at);
    at += bytes.byteLength;
  }
  return loadPlanned(plan, joined.buffer);
}

/** Finds a shard by its manifest path, or by its base name (browser file pickers give only names). */
function findShard<T>(files: ReadonlyMap<string, T>, path: string): T | undefined {
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
  return loadMlpFromSources(modelJson, (path) => {
    const bytes = findShard(map, path);
    return bytes === undefined ? undefined : { size: bytes.byteLength, read: async () => bytes };
  });
}

/** Weight files chosen by name (a browser's File objects): sizes are read before any bytes. */
export function loadMlpFromNamedFiles(modelJson: unknown, files: ReadonlyMap<string, WeightSource>, token?: CancelToken): Promise<Mlp> {
  return loadMlpFromSources(modelJson, (path) => findShard(files, path), token);
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
  // Refuse to write anything loadMlpFromArtifacts would then refuse to read.
  checkDenseStack(mlp.layers.map((layer, i) => ({ ...layer, name: `dense_${i + 1}` })), true);
  return saveLayersModelToArtifacts(() => mlpToLayersModel(mlp, options.name || 'mlp'), options);
}

/**
 * Serialises the model `build` makes (and this function disposes) through tfjs's own save path,
 * so the files are what tfjs itself would write; with `quantization`, the weights are then
 * re-encoded in the format tfjs's loader dequantizes.
 */
export async function saveLayersModelToArtifacts(build: () => tf.LayersModel, options: SaveOptions = {}): Promise<SavedModelArtifacts> {
  if (options.quantization !== undefined && !WEIGHT_QUANTIZATIONS.includes(options.quantization)) {
    throw new OptionError(`quantization must be one of ${WEIGHT_QUANTIZATIONS.join(', ')}, got ${JSON.stringify(options.quantization)}`);
  }
  const weightsFileName = weightsFileNameFor(options.name);
  const model = build();
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
