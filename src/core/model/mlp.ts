/**
 * The plain-data description of a feed-forward network of Dense layers. It is what crosses the
 * worker boundary and what pruning reads and writes; tfjs models are converted at the edges.
 *
 * Kernels use the tfjs/Keras layout: `kernel[i * units + j]` is the weight from input `i` to
 * neuron `j` (row-major `[inputSize, units]`).
 */
export type Activation = 'relu' | 'linear' | 'softmax';

export interface DenseLayer {
  readonly inputSize: number;
  readonly units: number;
  /** Row-major `[inputSize, units]`. */
  readonly kernel: Float32Array;
  /** Length `units`. */
  readonly bias: Float32Array;
  readonly activation: Activation;
}

export interface Mlp {
  readonly layers: readonly DenseLayer[];
}

export const MNIST_INPUT_SIZE = 784;
export const MNIST_CLASSES = 10;
export const MAX_HIDDEN_LAYERS = 4;

export function hiddenWidths(model: Mlp): number[] {
  return model.layers.slice(0, -1).map((layer) => layer.units);
}

export function layerSizes(model: Mlp): number[] {
  return [model.layers[0].inputSize, ...model.layers.map((layer) => layer.units)];
}

/** Weights and biases. */
export function parameterCount(model: Mlp): number {
  return model.layers.reduce((sum, layer) => sum + layer.inputSize * layer.units + layer.units, 0);
}

/** Multiply-accumulates for one input example (biases and activations not counted). */
export function macsPerExample(model: Mlp): number {
  return model.layers.reduce((sum, layer) => sum + layer.inputSize * layer.units, 0);
}

/** A copy of `layer` keeping only the output neurons `kept` (ascending), i.e. kernel columns. */
export function keepLayerOutputs(layer: DenseLayer, kept: readonly number[]): DenseLayer {
  const units = kept.length;
  // Keeping every neuron is a plain copy; the strided gather below costs ~30 ms on 784x10000.
  if (units === layer.units && kept.every((j, k) => j === k)) return { ...layer, kernel: layer.kernel.slice(), bias: layer.bias.slice() };
  const kernel = new Float32Array(layer.inputSize * units);
  for (let i = 0; i < layer.inputSize; i++) {
    const from = i * layer.units;
    const to = i * units;
    for (let k = 0; k < units; k++) kernel[to + k] = layer.kernel[from + kept[k]];
  }
  const bias = new Float32Array(units);
  for (let k = 0; k < units; k++) bias[k] = layer.bias[kept[k]];
  return { ...layer, units, kernel, bias };
}

/**
 * `keepLayerOutputs(layer, kept)`, gathered only when its kernel or bias is first read (then
 * kept). A slider move on a wide layer decides the kept set and scores it from cached test
 * activations without reading the pruned layer's weights, and the gather alone costs 13-70 ms on
 * 784 x 10000 at half kept (a fresh 16 MB array). Reading, spreading, JSON or a structured clone
 * (the worker boundary) see the same values as `keepLayerOutputs`.
 */
export function keepLayerOutputsOnRead(layer: DenseLayer, kept: readonly number[]): DenseLayer {
  const indices = [...kept];
  let gathered: DenseLayer | undefined;
  const pruned = () => (gathered ??= keepLayerOutputs(layer, indices));
  return {
    inputSize: layer.inputSize,
    units: indices.length,
    get kernel() {
      return pruned().kernel;
    },
    get bias() {
      return pruned().bias;
    },
    activation: layer.activation,
  };
}

/** A copy of `layer` keeping only the inputs `kept` (ascending), i.e. kernel rows. */
export function keepLayerInputs(layer: DenseLayer, kept: readonly number[]): DenseLayer {
  const inputSize = kept.length;
  const kernel = new Float32Array(inputSize * layer.units);
  for (let k = 0; k < inputSize; k++) {
    kernel.set(layer.kernel.subarray(kept[k] * layer.units, (kept[k] + 1) * layer.units), k * layer.units);
  }
  return { ...layer, inputSize, kernel, bias: layer.bias.slice() };
}

export function cloneMlp(model: Mlp): Mlp {
  return {
    layers: model.layers.map((layer) => ({ ...layer, kernel: layer.kernel.slice(), bias: layer.bias.slice() })),
  };
}
