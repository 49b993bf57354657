/** How sparse a network's hidden representations are: the share of post-ReLU activations exactly zero. */
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../errors';
import type { Mlp } from '../model/mlp';

export interface HiddenZeroFractions {
  /** Over all hidden units of all hidden layers (each layer weighted by its width). */
  readonly overall: number;
  /** One per hidden layer. */
  readonly perLayer: readonly number[];
}

/**
 * Fractions of exactly-zero hidden activations on the first `count` of `images` (row-major
 * `[count, inputSize]`, normalized as the model expects), evaluated in batches to bound memory.
 */
export async function hiddenZeroFractions(model: Mlp, images: Float32Array, count: number, batchSize = 1000): Promise<HiddenZeroFractions> {
  const hiddenLayers = model.layers.length - 1;
  if (hiddenLayers < 1) throw new OptionError('the model has no hidden layer');
  const inputSize = model.layers[0].inputSize;
  const available = Math.floor(images.length / inputSize);
  if (!Number.isInteger(count) || count < 1 || count > available) {
    throw new OptionError(`image count must be an integer from 1 to ${available} (the images given), got ${count}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new OptionError(`batch size must be a positive integer, got ${batchSize}`);
  }
  const hidden = model.layers.slice(0, hiddenLayers);
  const zeros = new Float64Array(hiddenLayers);
  const weights = hidden.map((layer) => ({
    kernel: tf.tensor2d(layer.kernel, [layer.inputSize, layer.units]),
    bias: tf.tensor1d(layer.bias),
  }));
  try {
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      const counts = tf.tidy(() => {
        let activations = tf.tensor2d(images.subarray(start * inputSize, (start + size) * inputSize), [size, inputSize]);
        const perLayer = weights.map(({ kernel, bias }) => {
          activations = tf.relu(tf.add(tf.matMul(activations, kernel), bias) as tf.Tensor2D);
          return tf.sum(tf.cast(tf.equal(activations, 0), 'float32'));
        });
        return tf.stack(perLayer);
      });
      try {
        (await counts.data()).forEach((value, i) => (zeros[i] += value));
      } finally {
        counts.dispose();
      }
    }
  } finally {
    for (const { kernel, bias } of weights) {
      kernel.dispose();
      bias.dispose();
    }
  }
  const perLayer = hidden.map((layer, i) => zeros[i] / (count * layer.units));
  const totalUnits = hidden.reduce((sum, layer) => sum + layer.units, 0);
  const overall = zeros.reduce((a, b) => a + b, 0) / (count * totalUnits);
  return { overall, perLayer };
}

/** Fraction of exactly-zero hidden activations over all hidden layers on the first `count` of `images`. */
export async function hiddenZeroFraction(model: Mlp, images: Float32Array, count: number): Promise<number> {
  return (await hiddenZeroFractions(model, images, count)).overall;
}
