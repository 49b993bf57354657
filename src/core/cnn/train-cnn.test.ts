import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tf-node';
import { imageToColumns, initialCnn, scheduledLearningRate, trainCnn, trainableConv2d } from './train-cnn';
import { cnnAccuracy } from './cnn-forward';
import { bandDigits } from '../../../test/helpers/band-digits';

// The cpu backend has tfjs's own Conv2D filter gradient to compare against (wasm has none).
beforeAll(async () => {
  await initNodeBackend('cpu');
});

describe('CNN training pieces', () => {
  it.each([
    [[1, 1], 'valid'],
    [[1, 1], 'same'],
    [[2, 2], 'same'],
    [[2, 1], 'valid'],
  ] as const)('trainableConv2d has tfjs conv2d gradients (strides %j, %s)', (strides, padding) => {
    tf.tidy(() => {
      const x = tf.randomUniform([2, 7, 6, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomUniform([3, 2, 3, 4], -1, 1, 'float32', 2) as tf.Tensor4D;
      const weights = tf.randomUniform(tf.conv2d(x, w, strides as [number, number], padding).shape, -1, 1, 'float32', 3);
      const loss = (conv: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), weights));
      const [dxExpected, dwExpected] = tf.grads(loss((a, b) => tf.conv2d(a, b, strides as [number, number], padding)))([x, w]);
      const [dx, dw] = tf.grads(loss(trainableConv2d(strides, padding, true)))([x, w]);
      expect(tf.max(tf.abs(tf.sub(dx, dxExpected))).dataSync()[0]).toBeLessThan(1e-4);
      expect(tf.max(tf.abs(tf.sub(dw, dwExpected))).dataSync()[0]).toBeLessThan(1e-4);
    });
  });

  it('the cosine schedule runs from learningRate at the first batch to finalLearningRate at the last', () => {
    const cosine = { learningRate: 1e-3, learningRateSchedule: 'cosine', finalLearningRate: 1e-5 } as const;
    expect(scheduledLearningRate(cosine, 0, 101)).toBeCloseTo(1e-3, 12);
    expect(scheduledLearningRate(cosine, 50, 101)).toBeCloseTo((1e-3 + 1e-5) / 2, 12);
    expect(scheduledLearningRate(cosine, 25, 101)).toBeCloseTo(1e-5 + (1e-3 - 1e-5) * (0.5 + Math.SQRT1_2 / 2), 12);
    expect(scheduledLearningRate(cosine, 100, 101)).toBeCloseTo(1e-5, 12);
    expect(scheduledLearningRate({ learningRate: 3e-3 }, 70, 101)).toBe(3e-3);
  });

  it('imageToColumns times the flattened kernel is the convolution', () => {
    tf.tidy(() => {
      const x = tf.randomUniform([2, 9, 8, 2], -1, 1, 'float32', 4) as tf.Tensor4D;
      const w = tf.randomUniform([3, 3, 2, 5], -1, 1, 'float32', 5) as tf.Tensor4D;
      const expected = tf.conv2d(x, w, 2, 'same');
      const columns = imageToColumns(x, 3, 3, [2, 2], 'same');
      const actual = tf.matMul(columns, tf.reshape(w, [18, 5]));
      expect(tf.max(tf.abs(tf.sub(tf.reshape(actual, expected.shape), expected))).dataSync()[0]).toBeLessThan(1e-5);
    });
  });

  it('a few hundred images of training beat chance and the same seed gives the same weights', async () => {
    const split = bandDigits(256);
    const { pixels, labels } = split;
    const options = { architecture: [{ kind: 'conv', filters: 4, kernelSize: 3, strides: 2, padding: 'same' }, { kind: 'flatten' }] as const, epochs: 3, batchSize: 32, learningRate: 3e-3, activationL1: 1e-5, seed: 7 };
    const a = await trainCnn(split, options);
    const b = await trainCnn(split, options);
    const images = Float32Array.from(pixels, (p) => p / 255);
    expect(await cnnAccuracy(a, images, labels)).toBeGreaterThan(0.5);
    expect(Array.from((a.layers[0] as { kernel: Float32Array }).kernel)).toEqual(Array.from((b.layers[0] as { kernel: Float32Array }).kernel));
    expect(initialCnn(options.architecture, 7).layers).toHaveLength(3);
    // A cosine schedule that starts and ends at the same rate is the constant rate; one that decays is not.
    const flat = await trainCnn(split, { ...options, learningRateSchedule: 'cosine', finalLearningRate: options.learningRate });
    const decayed = await trainCnn(split, { ...options, learningRateSchedule: 'cosine', finalLearningRate: 0 });
    const firstKernel = (cnn: typeof a) => Array.from((cnn.layers[0] as { kernel: Float32Array }).kernel);
    expect(firstKernel(flat)).toEqual(firstKernel(a));
    expect(firstKernel(decayed)).not.toEqual(firstKernel(a));
  });
});
