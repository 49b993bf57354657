/**
 * The one validator of a model.json topology, run on the JSON before tfjs builds anything (in the
 * CLI and in the worker): tfjs allocates whatever a topology declares, so a 100 KB file asking for
 * a million units or an Embedding of 200 million rows must be refused here. It accepts the layer
 * classes of `LAYER_RULES` (one function per class: extend the table to accept more), enforces the
 * caps of limits.ts, and returns a sanitized Sequential topology (known keys only, zero
 * initializers) that is all tfjs ever sees, with the weights that topology needs.
 */
import { ModelFormatError } from '../errors';
import { shown } from '../error-line';
import { MAX_HIDDEN_WIDTH, MAX_NAME_LENGTH, MAX_PARAMETERS, MAX_TOPOLOGY_LAYERS } from './limits';
import { checkDenseShapes, FLATTENABLE_INPUTS, type DenseShape } from './tfjs-convert';
import { MNIST_INPUT_SIZE } from './mlp';

/** A weight a layer owns, as named in the weights manifest (`layer/kernel`). */
export interface ExpectedWeight {
  readonly name: string;
  readonly shape: readonly number[];
}

/** What one layer rule makes of a layer entry. */
export interface LayerPlan {
  readonly className: string;
  readonly name: string;
  /** Output shape without the batch dimension. */
  readonly output: readonly number[];
  readonly weights: readonly ExpectedWeight[];
  /** The layer's config with only the keys tfjs needs to rebuild it; no input shape. */
  readonly config: Record<string, unknown>;
  /** Set for Dense layers: what the MNIST checks read. */
  readonly dense?: DenseShape;
}

export interface LayerRuleInput {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Output shape of the layer before (without the batch dimension). */
  readonly input: readonly number[];
  /** The layers accepted so far. */
  readonly before: readonly LayerPlan[];
}

export type LayerRule = (layer: LayerRuleInput) => Omit<LayerPlan, 'className' | 'name'>;

export interface TopologyPlan {
  /** A Sequential topology that tfjs can build without surprises (known keys, zero initializers). */
  readonly modelTopology: Record<string, unknown>;
  readonly layers: readonly LayerPlan[];
  /** The model input shape without the batch dimension. */
  readonly inputShape: readonly number[];
  /** Every weight of the model, in layer order. */
  readonly weights: readonly ExpectedWeight[];
  readonly parameters: number;
}

const ZEROS = { class_name: 'Zeros', config: {} };
/** Largest rank and dimension of an input shape; MNIST needs [784] or [28,28,1]. */
const MAX_INPUT_RANK = 4;
const MAX_INPUT_DIM = 1 << 20;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const shapeText = (shape: readonly number[]) => `[${shape.join(',')}]`;
const product = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

/**
 * The layer classes this project reads, and how each is checked. The MNIST Dense stack needs only
 * these three; a class added here (Conv2D, pooling) must check its sizes against the caps and name
 * the weights it owns.
 */
export const LAYER_RULES: Readonly<Record<string, LayerRule>> = {
  InputLayer({ name, before }) {
    if (before.length > 0) throw new ModelFormatError(`layer ${shown(name)} is an InputLayer after other layers; only a leading one is supported`);
    return { output: [], weights: [], config: {} };
  },

  Flatten({ name, config, input, before }) {
    if (before.some((layer) => layer.dense)) {
      throw new ModelFormatError(`layer ${shown(name)} has type Flatten after a Dense layer; ${acceptedLayers()}`);
    }
    if (config.data_format !== undefined && config.data_format !== 'channels_last') {
      throw new ModelFormatError(`layer ${shown(name)} has data_format ${shown(config.data_format)}; only channels_last is supported`);
    }
    return { output: [product(input)], weights: [], config: { name, trainable: true, dtype: 'float32' } };
  },

  Dense({ name, config, input }) {
    if (input.length !== 1) {
      throw new ModelFormatError(`layer ${shown(name)} gets inputs of shape ${shapeText(input)}; a Dense layer needs a flat input (add a Flatten layer first)`);
    }
    const units = config.units;
    if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) {
      throw new ModelFormatError(`layer ${shown(name)} declares units ${shown(units)}; it must be a positive integer`);
    }
    if (units > MAX_HIDDEN_WIDTH) {
      throw new ModelFormatError(`layer ${shown(name)} declares ${units} units; at most ${MAX_HIDDEN_WIDTH} per layer are accepted (MAX_HIDDEN_WIDTH)`);
    }
    if (config.use_bias === false) {
      throw new ModelFormatError(`layer ${shown(name)} has no bias (use_bias false); only Dense layers with a bias are supported`);
    }
    // Which activation fits where (relu hidden, linear or softmax out) is checkDenseShapes's part.
    const activation = config.activation ?? 'linear';
    if (typeof activation !== 'string') {
      throw new ModelFormatError(`layer ${shown(name)} has activation ${shown(activation)}; it must be a name such as relu`);
    }
    const inputSize = input[0];
    return {
      output: [units],
      weights: [
        { name: `${name}/kernel`, shape: [inputSize, units] },
        { name: `${name}/bias`, shape: [units] },
      ],
      config: { name, units, activation, use_bias: true, kernel_initializer: ZEROS, bias_initializer: ZEROS, trainable: true, dtype: 'float32' },
      dense: { name, inputSize, units, activation: shown(activation, 20) },
    };
  },
};

function acceptedLayers(): string {
  return 'only Dense layers (with an optional leading InputLayer or Flatten) are supported';
}

/** tfjs reads Keras files with a `model_config` wrapper; so do we. */
function unwrap(topology: Record<string, unknown>): Record<string, unknown> {
  return isRecord(topology.model_config) ? topology.model_config : topology;
}

function layerName(entry: Record<string, unknown>, config: Record<string, unknown>, index: number): string {
  const name = config.name ?? entry.name;
  if (typeof name !== 'string' || name === '') throw new ModelFormatError(`layer ${index} has no name`);
  if (name.length > MAX_NAME_LENGTH || /[\u0000-\u001f]/.test(name)) {
    throw new ModelFormatError(`layer ${index} has a name of ${name.length} characters or with control characters, ${shown(name)}; names must be plain and at most ${MAX_NAME_LENGTH} characters`);
  }
  return name;
}

/** The declared batch input shape of a layer config, without the batch dimension. */
function declaredInputShape(config: Record<string, unknown>, name: string): number[] | undefined {
  const batchShape = config.batch_input_shape ?? config.batch_shape;
  const raw = batchShape !== undefined ? batchShape : config.input_shape !== undefined ? [null, ...(Array.isArray(config.input_shape) ? config.input_shape : [config.input_shape])] : undefined;
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw) || raw.length < 2 || raw.length > MAX_INPUT_RANK + 1) {
    throw new ModelFormatError(`layer ${shown(name)} declares input shape ${shown(raw)}; expected [784], or [28,28] / [28,28,1] followed by a Flatten layer`);
  }
  const dims = raw.slice(1);
  if (!dims.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= MAX_INPUT_DIM)) {
    throw new ModelFormatError(`layer ${shown(name)} declares input shape ${shown(raw)}; every size must be a positive integer`);
  }
  return dims as number[];
}

/** Functional models are accepted only as a straight chain, which is then the same as a Sequential. */
function checkFunctionalChain(config: Record<string, unknown>, entries: readonly Record<string, unknown>[], names: readonly string[]): void {
  const inputs = Array.isArray(config.input_layers) ? config.input_layers : [];
  const outputs = Array.isArray(config.output_layers) ? config.output_layers : [];
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new ModelFormatError(`the model has ${inputs.length} inputs and ${outputs.length} outputs; only one of each is supported`);
  }
  entries.forEach((entry, i) => {
    if (i === 0) return;
    const nodes = entry.inbound_nodes;
    const node = Array.isArray(nodes) && nodes.length === 1 && Array.isArray(nodes[0]) && nodes[0].length === 1 ? nodes[0][0] : undefined;
    if (!Array.isArray(node) || node[0] !== names[i - 1]) {
      throw new ModelFormatError(`layer ${shown(names[i])} is not fed by the layer before it alone; only a straight chain of layers is supported`);
    }
  });
  const output = outputs[0];
  if (!Array.isArray(output) || output[0] !== names[names.length - 1]) {
    throw new ModelFormatError('the model output is not its last layer; only a straight chain of layers is supported');
  }
}

/**
 * Checks a model.json `modelTopology` against the layer rules, the caps and the MNIST shape, and
 * returns the plan tfjs is given. Throws one-line ModelFormatErrors.
 */
export function validateTopology(modelTopology: unknown): TopologyPlan {
  if (!isRecord(modelTopology)) throw new ModelFormatError('model.json has no modelTopology object: it is not a tfjs LayersModel file');
  const topology = unwrap(modelTopology);
  const className = topology.class_name;
  const functional = className === 'Model' || className === 'Functional';
  if (className !== 'Sequential' && !functional) {
    throw new ModelFormatError(`the model is a ${shown(className)}; only Sequential models and straight-chain functional models are supported`);
  }
  const config = topology.config;
  const list = Array.isArray(config) ? config : isRecord(config) ? config.layers : undefined;
  if (!Array.isArray(list)) throw new ModelFormatError('the model topology has no layer list');
  if (list.length > MAX_TOPOLOGY_LAYERS) {
    throw new ModelFormatError(`the model topology lists ${list.length} layers; at most ${MAX_TOPOLOGY_LAYERS} are accepted (MAX_TOPOLOGY_LAYERS)`);
  }
  const entries = list.map((entry, i) => {
    if (!isRecord(entry) || typeof entry.class_name !== 'string' || !isRecord(entry.config)) {
      throw new ModelFormatError(`layer ${i} of the topology is not a {class_name, config} object`);
    }
    return entry;
  });
  const names = entries.map((entry, i) => layerName(entry, entry.config as Record<string, unknown>, i));
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new ModelFormatError(`two layers are named ${shown(name)}; layer names must be unique`);
    seen.add(name);
  }
  if (functional) checkFunctionalChain(isRecord(config) ? config : {}, entries, names);
  if (entries.length === 0) throw new ModelFormatError('the model has no Dense layers');

  const inputShape = declaredInputShape(entries[0].config as Record<string, unknown>, names[0]);
  if (!inputShape) throw new ModelFormatError(`the first layer ${shown(names[0])} declares no input shape`);
  const plans: LayerPlan[] = [];
  let shape: readonly number[] = inputShape;
  let parameters = 0;
  entries.forEach((entry, i) => {
    const type = entry.class_name as string;
    const rule = Object.hasOwn(LAYER_RULES, type) ? LAYER_RULES[type] : undefined;
    if (!rule) throw new ModelFormatError(`layer ${shown(names[i])} has type ${shown(type)}; ${acceptedLayers()}`);
    const plan = rule({ name: names[i], config: entry.config as Record<string, unknown>, input: shape, before: plans });
    parameters += plan.weights.reduce((sum, weight) => sum + product(weight.shape), 0);
    if (parameters > MAX_PARAMETERS) {
      throw new ModelFormatError(`the model declares over ${MAX_PARAMETERS.toLocaleString('en-US')} parameters by layer ${shown(names[i])}; that is the cap (MAX_PARAMETERS)`);
    }
    plans.push({ className: type, name: names[i], ...plan, output: type === 'InputLayer' ? shape : plan.output });
    shape = type === 'InputLayer' ? shape : plan.output;
  });

  const flattened = plans.some((plan) => plan.className === 'Flatten');
  if (flattened ? !FLATTENABLE_INPUTS.includes(inputShape.join(',')) : inputShape.length !== 1) {
    throw new ModelFormatError(
      `the model input shape is ${shapeText(inputShape)}; expected [${MNIST_INPUT_SIZE}], or [28,28] / [28,28,1] followed by a Flatten layer`,
    );
  }
  checkDenseShapes(plans.flatMap((plan) => (plan.dense ? [plan.dense] : [])), true);

  const built = plans.filter((plan) => plan.className !== 'InputLayer');
  const layers = built.map((plan, i) => ({
    class_name: plan.className,
    config: i === 0 ? { ...plan.config, batch_input_shape: [null, ...inputShape] } : plan.config,
  }));
  const modelName = isRecord(config) && typeof config.name === 'string' && config.name.length <= MAX_NAME_LENGTH ? config.name : 'model';
  return {
    modelTopology: { class_name: 'Sequential', config: { name: modelName, layers } },
    layers: plans,
    inputShape,
    weights: plans.flatMap((plan) => plan.weights),
    parameters,
  };
}
