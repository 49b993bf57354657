import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizedImages } from '../core/data/mnist';
import { accuracy } from '../core/metrics';
import { randomMlp } from '../core/model/random-mlp';
import { pruneNetwork } from '../core/pruning/prune-network';
import { loadMnist } from '../node/mnist-files';
import { initNodeBackend } from '../node/tf-node';
import { createModelSession } from './model-session';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('model session', () => {
  it('gives the same exact accuracies with and without the test-activation cache, equal to a full forward pass', async () => {
    const { train, test } = await loadMnist();
    const images = normalizedImages(test);
    const dense = randomMlp([784, 96, 40, 10], 31);
    const cached = createModelSession('cached', dense, train, test, images);
    const uncached = createModelSession('uncached', dense, train, test, images, 0);
    expect(cached.denseAccuracy).toBe(accuracy(dense, images, test.labels));
    expect(uncached.denseAccuracy).toBe(cached.denseAccuracy);
    const before = tf.memory().numTensors;
    for (const keep of [0.05, 0.3, 1]) {
      const outcome = pruneNetwork(dense, cached.calibration(300), { method: 'ispasp', keep, iterations: 10, seed: 0, refit: true });
      const firstKept = outcome.layers[0].kept;
      for (const model of [outcome.selectedModel, outcome.model]) {
        const exact = accuracy(model, images, test.labels);
        expect(cached.prunedAccuracy(model, firstKept)).toBe(exact);
        expect(uncached.prunedAccuracy(model, firstKept)).toBe(exact);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
