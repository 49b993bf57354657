/**
 * The plain-data description of a small sequential convolutional network (tfjs layouts: NHWC
 * activations, conv kernels `[kh, kw, in, out]`, dense kernels `[in, out]`). Like `Mlp`, it is
 * what pruning reads and writes and what crosses the worker boundary; tfjs models are converted
 * at the edges (cnn-io.ts).
 */
import type { Activation } from '../model/mlp';

export type Padding = 'same' | 'valid';

export interface ConvLayer {
  readonly kind: 'conv';
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly inChannels: number;
  readonly filters: number;
  /** Row-major `[kh, kw, inChannels, filters]`. */
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly activation: Activation;
}

export interface PoolLayer {
  readonly kind: 'maxpool' | 'avgpool';
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
}

export interface FlattenLayer {
  readonly kind: 'flatten';
}

export interface CnnDenseLayer {
  readonly kind: 'dense';
  readonly inputSize: number;
  readonly units: number;
  /** Row-major `[inputSize, units]`; after a Flatten, row `(y * w + x) * C + c`. */
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly activation: Activation;
}

export type CnnLayer = ConvLayer | PoolLayer | FlattenLayer | CnnDenseLayer;
export type WeightedLayer = ConvLayer | CnnDenseLayer;

export interface Cnn {
  /** `[height, width, channels]` of one input example. */
  readonly inputShape: readonly [number, number, number];
  readonly layers: readonly CnnLayer[];
}

export type Shape3 = readonly [number, number, number];

export function isWeighted(layer: CnnLayer): layer is WeightedLayer {
  return layer.kind === 'conv' || layer.kind === 'dense';
}

/** Output channels (conv) or units (dense). */
export function outputWidth(layer: WeightedLayer): number {
  return layer.kind === 'conv' ? layer.filters : layer.units;
}

/** Output size along one axis of a window op, as tfjs computes it. */
export function windowOutputSize(size: number, window: number, stride: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - window) / stride) + 1;
}

/** The activation shape after `layer`; a flattened or dense activation is `[1, 1, features]`. */
export function layerOutputShape(layer: CnnLayer, input: Shape3): Shape3 {
  const [h, w, c] = input;
  switch (layer.kind) {
    case 'conv':
      return [
        windowOutputSize(h, layer.kernelSize[0], layer.strides[0], layer.padding),
        windowOutputSize(w, layer.kernelSize[1], layer.strides[1], layer.padding),
        layer.filters,
      ];
    case 'maxpool':
    case 'avgpool':
      return [windowOutputSize(h, layer.poolSize[0], layer.strides[0], layer.padding), windowOutputSize(w, layer.poolSize[1], layer.strides[1], layer.padding), c];
    case 'flatten':
      return [1, 1, h * w * c];
    case 'dense':
      return [1, 1, layer.units];
  }
}

/** The input shape of every layer, then the output shape: `layers.length + 1` entries. */
export function activationShapes(model: Cnn): Shape3[] {
  const shapes: Shape3[] = [model.inputShape];
  for (const layer of model.layers) shapes.push(layerOutputShape(layer, shapes[shapes.length - 1]));
  return shapes;
}

/** Indices (into `layers`) of the weighted layers. */
export function weightedLayerIndices(model: Cnn): number[] {
  return model.layers.flatMap((layer, i) => (isWeighted(layer) ? [i] : []));
}

/** Weights and biases. */
export function cnnParameterCount(model: Cnn): number {
  return model.layers.reduce((sum, layer) => sum + (isWeighted(layer) ? layer.kernel.length + layer.bias.length : 0), 0);
}

/** Multiply-accumulates of the weighted layers for one example. */
export function cnnMacsPerExample(model: Cnn): number {
  const shapes = activationShapes(model);
  return model.layers.reduce((sum, layer, i) => {
    if (layer.kind === 'dense') return sum + layer.kernel.length;
    if (layer.kind === 'conv') {
      const [h, w] = shapes[i + 1];
      return sum + h * w * layer.kernel.length;
    }
    return sum;
  }, 0);
}

export function cloneCnn(model: Cnn): Cnn {
  return {
    inputShape: model.inputShape,
    layers: model.layers.map((layer) => (isWeighted(layer) ? { ...layer, kernel: layer.kernel.slice(), bias: layer.bias.slice() } : { ...layer })),
  };
}
