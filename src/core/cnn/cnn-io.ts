/**
 * tfjs LayersModel files for convolutional networks: Sequential chains of Conv2D (ReLU on hidden
 * layers, any stride, `same` or `valid`), MaxPooling2D / AveragePooling2D, one Flatten, Dense,
 * on 28x28x1 inputs (or 784 values reshaped to 28x28x1). Every other shape is refused with one
 * line, first on the JSON topology (before tfjs builds anything) and then on the loaded layers.
 */
import * as tf from '@tensorflow/tfjs';
import { ModelFormatError } from '../errors';
import { loadConvertedFromArtifacts, saveLayersModelToArtifacts, type Bytes, type SaveOptions, type SavedModelArtifacts } from '../model/io';
import { MNIST_CLASSES } from '../model/mlp';
import { activationShapes, isWeighted, type Cnn, type CnnLayer, type Padding } from './cnn';
import { hiddenStages } from './cnn-shrink';

/** Caps on what a CNN file may ask tfjs to build. */
export const CNN_LIMITS = { layers: 24, channels: 1024, units: 4096, kernel: 11, stride: 8, parameters: 20_000_000 } as const;

const CNN_CLASSES = new Set(['InputLayer', 'Reshape', 'Conv2D', 'MaxPooling2D', 'AveragePooling2D', 'Flatten', 'Dense']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The layer list of a Sequential topology in model.json (tfjs and Keras spellings), or null. */
function topologyLayers(modelJson: unknown): { className: string; config: Record<string, unknown> }[] | null {
  if (!isRecord(modelJson) || !isRecord(modelJson.modelTopology)) return null;
  const topology = modelJson.modelTopology;
  const model = isRecord(topology.model_config) ? topology.model_config : topology;
  const config = model.config;
  const layers = Array.isArray(config) ? config : isRecord(config) ? config.layers : null;
  if (!Array.isArray(layers)) return null;
  return layers.map((layer) => ({
    className: isRecord(layer) && typeof layer.class_name === 'string' ? layer.class_name : '',
    config: isRecord(layer) && isRecord(layer.config) ? layer.config : {},
  }));
}

/** Whether a model.json describes a convolutional network (any Conv2D layer). */
export function isConvModelJson(modelJson: unknown): boolean {
  return topologyLayers(modelJson)?.some((layer) => layer.className === 'Conv2D') ?? false;
}

/** The checks that need no tfjs: layer kinds and sizes within CNN_LIMITS. */
export function checkCnnTopology(modelJson: unknown): void {
  const layers = topologyLayers(modelJson);
  if (!layers) throw new ModelFormatError('model.json has no Sequential layer list; only Sequential convolutional models are supported');
  if (layers.length > CNN_LIMITS.layers) throw new ModelFormatError(`the model has ${layers.length} layers; at most ${CNN_LIMITS.layers} are supported`);
  layers.forEach(({ className, config }, i) => {
    const name = typeof config.name === 'string' ? config.name : `#${i + 1}`;
    if (!CNN_CLASSES.has(className)) {
      throw new ModelFormatError(`layer ${name} has type ${className || 'unknown'}; only Conv2D, MaxPooling2D, AveragePooling2D, Flatten and Dense layers are supported`);
    }
    const sizes: [string, unknown, number][] = [
      ['filters', config.filters, CNN_LIMITS.channels],
      ['units', config.units, CNN_LIMITS.units],
      ...[config.kernel_size, config.pool_size].flatMap((v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((d): [string, unknown, number] => ['window', d, CNN_LIMITS.kernel])),
      ...(Array.isArray(config.strides) ? config.strides : config.strides === undefined || config.strides === null ? [] : [config.strides]).map((d): [string, unknown, number] => ['stride', d, CNN_LIMITS.stride]),
    ];
    for (const [what, value, cap] of sizes) {
      if (value === undefined || value === null) continue;
      if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > cap) {
        throw new ModelFormatError(`layer ${name} has ${what} ${JSON.stringify(value)}; integers from 1 to ${cap} are supported`);
      }
    }
  });
}

function pair(value: unknown, name: string, what: string): [number, number] {
  const values = Array.isArray(value) ? value : [value, value];
  if (values.length !== 2 || !values.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new ModelFormatError(`layer ${name} has ${what} ${JSON.stringify(value)}; two positive integers are needed`);
  }
  return [values[0], values[1]];
}

function checkChannelsLast(layer: tf.layers.Layer, config: tf.serialization.ConfigDict): void {
  if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') {
    throw new ModelFormatError(`layer ${layer.name} uses data format ${String(config.dataFormat)}; only channels-last (NHWC) is supported`);
  }
}

async function readWeights(layer: tf.layers.Layer, rank: number): Promise<{ kernel: Float32Array; bias: Float32Array; shape: number[] }> {
  const weights = layer.getWeights();
  if (weights.length !== 2 || weights[0].rank !== rank || weights[1].rank !== 1) {
    throw new ModelFormatError(`layer ${layer.name} needs a rank-${rank} kernel and a bias; it has ${weights.length} weight tensors`);
  }
  const [kernel, bias] = weights;
  const values = [new Float32Array((await kernel.data()) as Float32Array), new Float32Array((await bias.data()) as Float32Array)];
  for (const array of values) {
    for (let i = 0; i < array.length; i++) {
      if (!Number.isFinite(array[i])) throw new ModelFormatError(`layer ${layer.name} has a non-finite weight (${array[i]}) at index ${i}`);
    }
  }
  return { kernel: values[0], bias: values[1], shape: kernel.shape };
}

/** Reads a loaded tfjs model into a `Cnn`, rejecting anything this project cannot prune exactly. */
export async function layersModelToCnn(model: tf.LayersModel): Promise<Cnn> {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new ModelFormatError(`the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; only one of each is supported`);
  }
  if (!(model instanceof tf.Sequential)) throw new ModelFormatError('only Sequential convolutional models are supported');
  const inputKey = model.inputs[0].shape.slice(1).join(',');
  const layers: CnnLayer[] = [];
  let reshaped = false;
  for (const layer of model.layers) {
    const type = layer.getClassName();
    const config = layer.getConfig();
    if (type === 'InputLayer') continue;
    if (type === 'Reshape' && layers.length === 0 && !reshaped && inputKey === '784' && (config.targetShape as number[]).join(',') === '28,28,1') {
      reshaped = true;
      continue;
    }
    if (type === 'Conv2D') {
      checkChannelsLast(layer, config);
      if (pair(config.dilationRate ?? 1, layer.name, 'dilation rate').some((d) => d !== 1)) throw new ModelFormatError(`layer ${layer.name} is dilated; only dilation 1 is supported`);
      if (config.useBias === false) throw new ModelFormatError(`layer ${layer.name} has no bias; only Conv2D layers with a bias are supported`);
      const { kernel, bias, shape } = await readWeights(layer, 4);
      layers.push({
        kind: 'conv',
        kernelSize: [shape[0], shape[1]],
        strides: pair(config.strides, layer.name, 'strides'),
        padding: checkPadding(layer.name, config.padding),
        inChannels: shape[2],
        filters: shape[3],
        kernel,
        bias,
        activation: checkActivation(layer.name, config.activation),
      });
    } else if (type === 'MaxPooling2D' || type === 'AveragePooling2D') {
      checkChannelsLast(layer, config);
      const poolSize = pair(config.poolSize, layer.name, 'pool size');
      layers.push({
        kind: type === 'MaxPooling2D' ? 'maxpool' : 'avgpool',
        poolSize,
        strides: config.strides === null || config.strides === undefined ? poolSize : pair(config.strides, layer.name, 'strides'),
        padding: checkPadding(layer.name, config.padding),
      });
    } else if (type === 'Flatten') {
      layers.push({ kind: 'flatten' });
    } else if (type === 'Dense') {
      if (config.useBias === false) throw new ModelFormatError(`layer ${layer.name} has no bias; only Dense layers with a bias are supported`);
      const { kernel, bias, shape } = await readWeights(layer, 2);
      layers.push({ kind: 'dense', inputSize: shape[0], units: shape[1], kernel, bias, activation: checkActivation(layer.name, config.activation) });
    } else {
      throw new ModelFormatError(`layer ${layer.name} has type ${type}; only Conv2D, MaxPooling2D, AveragePooling2D, Flatten and Dense layers are supported`);
    }
  }
  if (!(reshaped || inputKey === '28,28,1')) {
    throw new ModelFormatError(`the model input shape is [${inputKey}]; convolutional models take [28,28,1] (or [784] reshaped to [28,28,1])`);
  }
  const cnn: Cnn = { inputShape: [28, 28, 1], layers };
  checkCnn(cnn);
  return cnn;
}

function checkPadding(name: string, padding: unknown): Padding {
  if (padding === 'same' || padding === 'valid') return padding;
  throw new ModelFormatError(`layer ${name} uses padding ${String(padding)}; only same and valid are supported`);
}

function checkActivation(name: string, activation: unknown): 'relu' | 'linear' | 'softmax' {
  if (activation === 'relu' || activation === 'linear' || activation === 'softmax') return activation;
  throw new ModelFormatError(`layer ${name} uses activation ${String(activation)}; only relu (hidden) and linear or softmax (output) are supported`);
}

/**
 * The structure pruning relies on: conv layers before one Flatten, Dense layers after it, pools
 * only right after a conv (or another pool), ReLU on every hidden weighted layer, a linear or
 * softmax Dense output of 10, sizes chained, within CNN_LIMITS. Used on load and before saving.
 */
export function checkCnn(cnn: Cnn): void {
  const { layers } = cnn;
  const shapes = activationShapes(cnn);
  let flattened = false;
  let parameters = 0;
  layers.forEach((layer, i) => {
    const where = `layer ${i + 1} (${layer.kind})`;
    const [h, w, c] = shapes[i];
    if (layer.kind === 'conv') {
      if (flattened) throw new ModelFormatError(`${where} comes after a Flatten; convolutions must come before it`);
      if (layer.inChannels !== c) throw new ModelFormatError(`${where} takes ${layer.inChannels} channels but gets ${c}`);
      if (layer.kernelSize[0] > h + (layer.padding === 'same' ? layer.kernelSize[0] : 0) || layer.kernelSize[1] > w + (layer.padding === 'same' ? layer.kernelSize[1] : 0)) {
        throw new ModelFormatError(`${where} has a ${layer.kernelSize.join('x')} kernel larger than its ${h}x${w} input`);
      }
      if (layer.filters > CNN_LIMITS.channels) throw new ModelFormatError(`${where} has ${layer.filters} channels; at most ${CNN_LIMITS.channels} are supported`);
    } else if (layer.kind === 'maxpool' || layer.kind === 'avgpool') {
      const previous = layers[i - 1];
      if (!previous || !(previous.kind === 'conv' || previous.kind === 'maxpool' || previous.kind === 'avgpool')) {
        throw new ModelFormatError(`${where} must follow a Conv2D or another pooling layer`);
      }
    } else if (layer.kind === 'flatten') {
      if (flattened) throw new ModelFormatError(`${where}: only one Flatten is supported`);
      flattened = true;
    } else {
      if (!flattened && (h !== 1 || w !== 1)) throw new ModelFormatError(`${where} gets a ${h}x${w}x${c} map; put a Flatten before the first Dense layer`);
      if (layer.kind === 'dense' && layer.inputSize !== h * w * c) throw new ModelFormatError(`${where} takes ${layer.inputSize} inputs but gets ${h * w * c}`);
    }
    if (isWeighted(layer)) {
      const outputs = layer.kind === 'conv' ? layer.filters : layer.units;
      if (layer.bias.length !== outputs) throw new ModelFormatError(`${where} has ${layer.bias.length} biases for ${outputs} outputs`);
      const expected = layer.kind === 'conv' ? layer.kernelSize[0] * layer.kernelSize[1] * layer.inChannels * layer.filters : layer.inputSize * layer.units;
      if (layer.kernel.length !== expected) throw new ModelFormatError(`${where} has ${layer.kernel.length} kernel values; it needs ${expected}`);
      parameters += layer.kernel.length + layer.bias.length;
      const isOutput = i === layers.length - 1;
      if (!isOutput && layer.activation !== 'relu') throw new ModelFormatError(`hidden ${where} uses activation ${layer.activation}; only relu is supported on hidden layers`);
    }
    if (h < 1 || w < 1) throw new ModelFormatError(`${where} gets an empty ${h}x${w} map`);
  });
  const [oh, ow] = shapes[shapes.length - 1];
  if (oh < 1 || ow < 1) throw new ModelFormatError('the last layer gives an empty map');
  const last = layers[layers.length - 1];
  if (!last || last.kind !== 'dense' || last.units !== MNIST_CLASSES || last.activation === 'relu') {
    throw new ModelFormatError(`the last layer must be a Dense layer of ${MNIST_CLASSES} outputs with linear or softmax activation`);
  }
  if (!layers.some((layer) => layer.kind === 'conv')) throw new ModelFormatError('the model has no Conv2D layer');
  if (hiddenStages(cnn).length < 1) throw new ModelFormatError('the model has no hidden layer to prune');
  if (parameters > CNN_LIMITS.parameters) throw new ModelFormatError(`the model has ${parameters} parameters; at most ${CNN_LIMITS.parameters} are supported`);
}

/** A Sequential model with the exact weights of `cnn`; the caller disposes it. */
export function cnnToLayersModel(cnn: Cnn, name = 'cnn'): tf.Sequential {
  const model = tf.sequential({ name });
  try {
    const weights: tf.Tensor[] = [];
    cnn.layers.forEach((layer, i) => {
      const input = i === 0 ? { inputShape: [...cnn.inputShape] } : {};
      const layerName = `${layer.kind}_${i + 1}`;
      switch (layer.kind) {
        case 'conv':
          model.add(tf.layers.conv2d({ ...input, name: layerName, filters: layer.filters, kernelSize: [...layer.kernelSize], strides: [...layer.strides], padding: layer.padding, activation: layer.activation }));
          weights.push(tf.tensor4d(layer.kernel, [layer.kernelSize[0], layer.kernelSize[1], layer.inChannels, layer.filters]), tf.tensor1d(layer.bias));
          break;
        case 'maxpool':
        case 'avgpool': {
          const args = { ...input, name: layerName, poolSize: [...layer.poolSize] as [number, number], strides: [...layer.strides] as [number, number], padding: layer.padding };
          model.add(layer.kind === 'maxpool' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args));
          break;
        }
        case 'flatten':
          model.add(tf.layers.flatten({ ...input, name: layerName }));
          break;
        case 'dense':
          model.add(tf.layers.dense({ ...input, name: layerName, units: layer.units, activation: layer.activation }));
          weights.push(tf.tensor2d(layer.kernel, [layer.inputSize, layer.units]), tf.tensor1d(layer.bias));
          break;
      }
    });
    model.setWeights(weights);
    tf.dispose(weights);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

export async function loadCnnFromArtifacts(modelJson: unknown, weightData: Bytes | readonly Bytes[]): Promise<Cnn> {
  return loadConvertedFromArtifacts(modelJson, weightData, checkCnnTopology, layersModelToCnn);
}

export async function saveCnnToArtifacts(cnn: Cnn, options: SaveOptions = {}): Promise<SavedModelArtifacts> {
  checkCnn(cnn);
  return saveLayersModelToArtifacts(() => cnnToLayersModel(cnn, options.name || 'cnn'), options);
}
