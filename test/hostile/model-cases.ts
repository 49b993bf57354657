/**
 * Hostile model files, generated at test time from one small valid model: each is what someone
 * could hand the CLI (`--model`) or the app's import, with the words its refusal must contain.
 * The CLI suite (test/hostile/cli-hostile.test.ts) and the browser suite (e2e/hostile-import.spec.ts)
 * run the same cases; cases that need a file system (symlinks, FIFOs, devices) live in the CLI suite.
 */
import { saveMlpToArtifacts } from '../../src/core/model/io';
import { MAX_HIDDEN_WIDTH, MAX_MODEL_JSON_BYTES, MAX_PARAMETERS, MAX_TOPOLOGY_LAYERS, MAX_WEIGHT_FILES } from '../../src/core/model/limits';
import { randomMlp } from '../../src/core/model/random-mlp';

/** A model.json as plain JSON, for mutation. */
export type Json = { [key: string]: unknown };

export interface BaseModel {
  readonly json: Json;
  readonly weights: Uint8Array;
  readonly weightsName: string;
}

export type CaseClass = 'containment' | 'sizes' | 'topology' | 'manifest' | 'format';

export interface ModelCase {
  readonly name: string;
  readonly kind: CaseClass;
  /** model.json's text. */
  readonly modelJson: string;
  /** Weight files next to it (the base model's weights unless the case says otherwise). */
  readonly files: readonly { readonly name: string; readonly bytes: Uint8Array }[];
  /** A fragment of the one error line. */
  readonly expected: string | RegExp;
}

/** 784-16-10 with float32 weights: 50,920 bytes in one file. */
export async function baseModel(): Promise<BaseModel> {
  const { modelJson, weightData, weightsFileName } = await saveMlpToArtifacts(randomMlp([784, 16, 10], 12), { name: 'base' });
  return { json: JSON.parse(JSON.stringify(modelJson)) as Json, weights: new Uint8Array(weightData), weightsName: weightsFileName };
}

const clone = (json: Json): Json => JSON.parse(JSON.stringify(json)) as Json;

interface Layer {
  class_name: string;
  config: Json;
}
const layersOf = (json: Json) => ((json.modelTopology as Json).config as { layers: Layer[] }).layers;
const manifestOf = (json: Json) => json.weightsManifest as { paths: string[]; weights: Json[] }[];

/** A copy of the base model.json with `mutate` applied. */
function variant(base: BaseModel, mutate: (json: Json) => void): string {
  const json = clone(base.json);
  mutate(json);
  return JSON.stringify(json);
}

/** The declared sizes of a Dense layer and its manifest entries, kept consistent with each other. */
function setUnits(json: Json, layer: number, units: number): void {
  const layers = layersOf(json);
  layers[layer].config.units = units;
  const weights = manifestOf(json)[0].weights;
  const inputs = layer === 0 ? 784 : (layers[layer - 1].config.units as number);
  weights[2 * layer].shape = [inputs, units];
  weights[2 * layer + 1].shape = [units];
  if (layer + 1 < layers.length) weights[2 * layer + 2].shape = [units, layers[layer + 1].config.units as number];
}

/** Manifest paths that point outside the model's folder or at no file at all. */
const OUTSIDE_PATHS: [string, string][] = [
  ['dot-dot to /etc/passwd', '../../../../../../../../etc/passwd'],
  ['absolute /etc/hostname', '/etc/hostname'],
  ['absolute /dev/zero', '/dev/zero'],
  ['dot-dot to a file of the right size', '../outside/secret.bin'],
  ['dot-dot inside a subfolder path', 'sub/../../outside/secret.bin'],
  ['file URL', 'file:///etc/passwd'],
  ['http URL', 'http://example.com/weights.bin'],
  ['backslash dot-dot', '..\\outside\\secret.bin'],
  ['percent-encoded dot-dot', '%2e%2e/outside/secret.bin'],
  ['drive letter', 'C:/weights.bin'],
  ['NUL byte', 'weights\u0000.bin'],
];

/** The hostile model files that need no file system beyond model.json and its weights. */
export function modelCases(base: BaseModel): ModelCase[] {
  const weights = [{ name: base.weightsName, bytes: base.weights }];
  const cases: ModelCase[] = [];
  const add = (name: string, kind: CaseClass, modelJson: string, expected: string | RegExp, files: ModelCase['files'] = weights) =>
    cases.push({ name, kind, modelJson, expected, files });

  for (const [name, path] of OUTSIDE_PATHS) {
    add(`path: ${name}`, 'containment', variant(base, (json) => (manifestOf(json)[0].paths = [path])), "must be a relative path inside the model's folder");
  }

  add('one shard listed 2000 times', 'sizes', variant(base, (json) => (manifestOf(json)[0].paths = Array(2000).fill(base.weightsName))), 'twice');
  add('the manifest entry duplicated, with extra bytes', 'manifest', variant(base, (json) => {
    const [group] = manifestOf(json);
    manifestOf(json).push({ paths: ['extra.bin'], weights: group.weights });
  }), /describes weight dense_1\/kernel twice/, [...weights, { name: 'extra.bin', bytes: base.weights }]);
  add(`over ${MAX_WEIGHT_FILES} weight files`, 'sizes', variant(base, (json) => (manifestOf(json)[0].paths = Array.from({ length: MAX_WEIGHT_FILES + 1 }, (_, i) => `w${i}.bin`))), 'MAX_WEIGHT_FILES');
  add('weights truncated by 4 bytes', 'sizes', JSON.stringify(base.json), `weight data is ${base.weights.length - 4} bytes but the manifest needs ${base.weights.length}`, [{ name: base.weightsName, bytes: base.weights.subarray(4) }]);
  add('weights with 4 extra bytes', 'sizes', JSON.stringify(base.json), 'manifest needs only', [{ name: base.weightsName, bytes: new Uint8Array(base.weights.length + 4) }]);
  add('weight shape [1e12] (declared bytes over the cap)', 'sizes', variant(base, (json) => (manifestOf(json)[0].weights[1].shape = [1e12])), 'invalid shape');

  add('optimizer state declaring 120 MB', 'sizes', variant(base, (json) => {
    manifestOf(json)[0].weights.push({ name: 'adam/m', shape: [5000, 6000], dtype: 'float32', group: 'optimizer' });
  }), 'MAX_WEIGHT_BYTES');
  add('hidden layer of 1,000,000 units', 'topology', variant(base, (json) => setUnits(json, 0, 1_000_000)), 'MAX_HIDDEN_WIDTH');
  add(`hidden layer of ${MAX_HIDDEN_WIDTH + 1} units`, 'topology', variant(base, (json) => setUnits(json, 0, MAX_HIDDEN_WIDTH + 1)), `at most ${MAX_HIDDEN_WIDTH} per layer`);
  add('four hidden layers of 16,384 units (parameter cap)', 'topology', variant(base, (json) => {
    const layers = layersOf(json);
    const [hidden, output] = layers;
    layers.splice(0, 2, ...[1, 2, 3, 4].map((i) => ({ class_name: 'Dense', config: { ...hidden.config, name: `dense_h${i}`, units: MAX_HIDDEN_WIDTH, ...(i > 1 && { batch_input_shape: undefined }) } })), output);
    const shapes = [[784, MAX_HIDDEN_WIDTH], [MAX_HIDDEN_WIDTH, MAX_HIDDEN_WIDTH], [MAX_HIDDEN_WIDTH, MAX_HIDDEN_WIDTH], [MAX_HIDDEN_WIDTH, MAX_HIDDEN_WIDTH]];
    manifestOf(json)[0].weights = [
      ...shapes.flatMap((shape, i) => [{ name: `dense_h${i + 1}/kernel`, shape, dtype: 'float32' }, { name: `dense_h${i + 1}/bias`, shape: [shape[1]], dtype: 'float32' }]),
      { name: 'dense_2/kernel', shape: [MAX_HIDDEN_WIDTH, 10], dtype: 'float32' },
      { name: 'dense_2/bias', shape: [10], dtype: 'float32' },
    ];
  }), `over ${MAX_PARAMETERS.toLocaleString('en-US')} parameters`);
  add('Embedding with input_dim 200,000,000', 'topology', variant(base, (json) => {
    layersOf(json).unshift({ class_name: 'Embedding', config: { name: 'embed', input_dim: 200_000_000, output_dim: 784, batch_input_shape: [null, 1] } });
  }), 'layer embed has type Embedding');
  add(`a ${2000}-layer topology`, 'topology', variant(base, (json) => {
    const layers = layersOf(json);
    const hidden = layers[0];
    layers.splice(1, 0, ...Array.from({ length: 1998 }, (_, i) => ({ class_name: 'Dense', config: { ...hidden.config, name: `more_${i}`, batch_input_shape: undefined } })));
  }), `at most ${MAX_TOPOLOGY_LAYERS} are accepted`);
  add('hidden activation tanh', 'topology', variant(base, (json) => (layersOf(json)[0].config.activation = 'tanh')), 'only relu is supported on hidden layers');
  add('a 10,000-character layer name', 'topology', variant(base, (json) => (layersOf(json)[0].config.name = 'n'.repeat(10_000))), 'names must be plain');
  add('a layer name with a newline and markup', 'topology', variant(base, (json) => (layersOf(json)[0].config.name = 'a\n<img src=x onerror="window.__pwned=1">')), 'names must be plain');
  add('input shape [1e9]', 'topology', variant(base, (json) => (layersOf(json)[0].config.batch_input_shape = [null, 1e9])), 'every size must be a positive integer');
  add('units as a string', 'topology', variant(base, (json) => (layersOf(json)[0].config.units = '16')), 'it must be a positive integer');
  add('a branching functional model', 'topology', variant(base, (json) => {
    const layers = layersOf(json);
    (json.modelTopology as Json).class_name = 'Functional';
    const config = (json.modelTopology as Json).config as Json;
    config.input_layers = [['dense_1', 0, 0]];
    config.output_layers = [['dense_2', 0, 0], ['dense_1', 0, 0]];
    layers[1] = { ...layers[1], inbound_nodes: [[['dense_1', 0, 0, {}]]] } as Layer;
  }), 'only one of each is supported');

  add('a weight named __proto__', 'manifest', variant(base, (json) => (manifestOf(json)[0].weights[1].name = '__proto__')), 'weight names must be plain');
  add('a weight no layer has', 'manifest', variant(base, (json) => (manifestOf(json)[0].weights[1].name = 'dense_9/bias')), 'which no layer of the model has');
  add('a kernel of the wrong shape', 'manifest', variant(base, (json) => (manifestOf(json)[0].weights[0].shape = [16, 784])), 'the topology needs [784,16]');
  add('a missing bias', 'manifest', variant(base, (json) => manifestOf(json)[0].weights.splice(3, 1)), 'the manifest has no weight dense_2/bias');
  add('int32 weights', 'manifest', variant(base, (json) => (manifestOf(json)[0].weights[1].dtype = 'int32')), 'only float32 weights are supported');
  add('a weight path that is a number', 'manifest', variant(base, (json) => (manifestOf(json)[0].paths = [7 as unknown as string])), 'not a name');

  add('not JSON', 'format', '{"modelTopology": ', 'is not valid JSON');
  add('a graph model', 'format', variant(base, (json) => (json.format = 'graph-model')), 'tfjs graph model');
  add('no weightsManifest', 'format', variant(base, (json) => delete json.weightsManifest), 'no weightsManifest');
  add('modelTopology a string', 'format', variant(base, (json) => (json.modelTopology = 'Sequential')), 'no modelTopology object');
  add(`model.json over ${MAX_MODEL_JSON_BYTES} bytes`, 'sizes', variant(base, (json) => (json.userDefinedMetadata = { padding: 'x'.repeat(MAX_MODEL_JSON_BYTES) })), 'MAX_MODEL_JSON_BYTES');
  return cases;
}
