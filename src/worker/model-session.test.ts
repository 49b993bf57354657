import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizedImages, type MnistSplit } from '../core/data/mnist';
import { mlpLogits } from '../core/model/forward';
import { keepLayerInputs, keepLayerOutputs, type Mlp } from '../core/model/mlp';
import { randomMlp } from '../core/model/random-mlp';
import { pruneNetwork } from '../core/pruning/prune-network';
import { loadMnist } from '../node/mnist-files';
import { initNodeBackend } from '../node/tf-node';
import { createModelSession, type SessionOptions } from './model-session';

let train: MnistSplit;
let test: MnistSplit;
let images: Float32Array;

beforeAll(async () => {
  await initNodeBackend('wasm');
  ({ train, test } = await loadMnist());
  images = normalizedImages(test);
});

/**
 * The reference: a full tfjs forward pass over the test images (float32, dense matmuls). The
 * session's sparse path sums in another order, in float64, so it may only disagree on images
 * whose two best logits are within float32 rounding of each other; returns the accuracy and how
 * many such near ties there are.
 */
function tfjsAccuracy(model: Mlp): { accuracy: number; nearTies: number } {
  const logits = tf.tidy(() => mlpLogits(model, tf.tensor2d(images, [test.count, 784])));
  const values = logits.dataSync();
  logits.dispose();
  const outputs = model.layers[model.layers.length - 1].units;
  let correct = 0;
  let nearTies = 0;
  for (let i = 0; i < test.count; i++) {
    const row = Array.from(values.subarray(i * outputs, (i + 1) * outputs));
    const best = row.indexOf(Math.max(...row));
    if (best === test.labels[i]) correct++;
    const sorted = [...row].sort((a, b) => b - a);
    if (sorted[0] - sorted[1] < 1e-4 * (1 + Math.abs(sorted[0]))) nearTies++;
  }
  return { accuracy: correct / test.count, nearTies };
}

function expectAccuracy(actual: number, model: Mlp) {
  const { accuracy, nearTies } = tfjsAccuracy(model);
  expect(Math.abs(actual - accuracy) * test.count).toBeLessThanOrEqual(nearTies);
}

/** A random network whose first layer has `dead` neurons that never fire (a very negative bias). */
function networkWithDeadNeurons(sizes: number[], seed: number, dead: number[]): Mlp {
  const model = randomMlp(sizes, seed);
  for (const j of dead) model.layers[0].bias[j] = -1000;
  return model;
}

const sparseOnly: SessionOptions = { testCacheMaxValues: 0, blockRows: 700 };

describe('model session', () => {
  it('gives the same accuracies through the dense cache, the sparse cache and recomputation, equal to a full forward pass', async () => {
    const dense = randomMlp([784, 96, 40, 10], 31);
    const cached = await createModelSession('dense', dense, train, test, images);
    const sparse = await createModelSession('sparse', dense, train, test, images, sparseOnly);
    const recomputed = await createModelSession('none', dense, train, test, images, { ...sparseOnly, sparseCacheMaxBytes: 0 });
    expect([cached.testCache.kind, sparse.testCache.kind, recomputed.testCache.kind]).toEqual(['dense', 'sparse', 'none']);
    for (const session of [cached, sparse, recomputed]) expectAccuracy(session.denseAccuracy, dense);
    const before = tf.memory().numTensors;
    for (const keep of [0.05, 0.3, 1]) {
      const outcome = pruneNetwork(dense, cached.calibration(300), { method: 'ispasp', keep, iterations: 10, seed: 0, refit: true });
      const firstKept = outcome.layers[0].kept;
      for (const model of [outcome.selectedModel, outcome.model]) {
        for (const session of [cached, sparse, recomputed]) expectAccuracy(await session.prunedAccuracy(model, firstKept), model);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('scores one-hidden-layer networks from the sparse cache: raw and refit, one neuron, all neurons, dead neurons', async () => {
    const dead = [0, 5, 6, 30, 31, 32, 33, 47];
    const dense = networkWithDeadNeurons([784, 64, 10], 41, dead);
    const session = await createModelSession('wide', dense, train, test, images, sparseOnly);
    expect(session.testCache.kind).toBe('sparse');
    expectAccuracy(session.denseAccuracy, dense);
    const calibration = session.calibration(500);
    const problem = session.firstLayerProblem(500);
    for (const dead of [0, 5, 47]) expect(problem.hiddenSums[dead]).toBe(0);
    const before = tf.memory().numTensors;
    for (let round = 0; round < 2; round++) {
      for (const keep of [1 / 64, 0.1, 0.45, 0.8, 1]) {
        for (const method of ['ispasp', 'random', 'magnitude'] as const) {
          const outcome = pruneNetwork(dense, calibration, { method, keep, iterations: 10, seed: 3, refit: true, firstLayerProblem: problem });
          const firstKept = outcome.layers[0].kept;
          expect(outcome.model.layers[1].kernel).not.toEqual(outcome.selectedModel.layers[1].kernel);
          expectAccuracy(await session.prunedAccuracy(outcome.selectedModel, firstKept), outcome.selectedModel);
          expectAccuracy(await session.prunedAccuracy(outcome.model, firstKept), outcome.model);
        }
      }
    }
    // Keeping only a dead neuron leaves the bias: every image gets the class of the largest output bias.
    const onlyDead: Mlp = { layers: [keepLayerOutputs(dense.layers[0], [0]), keepLayerInputs(dense.layers[1], [0])] };
    const largestBias = Array.from(dense.layers[1].bias).indexOf(Math.max(...dense.layers[1].bias));
    const share = test.labels.filter((label) => label === largestBias).length / test.count;
    expect(await session.prunedAccuracy(onlyDead, [0])).toBe(share);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps a one-hidden-layer network\'s test activations in whichever form is smaller, with the same accuracies', async () => {
    // 56 of 64 neurons never fire: the non-zeros (6 bytes each) take far less than 4 bytes per value.
    const mostlyDead = networkWithDeadNeurons([784, 64, 10], 43, Array.from({ length: 56 }, (_, j) => j + 8));
    // Every neuron fires on every image (a large positive bias): the dense form is the smaller.
    const alwaysOn = randomMlp([784, 64, 10], 44);
    alwaysOn.layers[0].bias.fill(1000);
    const sparse = await createModelSession('mostly-dead', mostlyDead, train, test, images);
    const dense = await createModelSession('always-on', alwaysOn, train, test, images);
    expect(sparse.testCache.kind).toBe('sparse');
    expect(sparse.testCache.bytes).toBeLessThan(test.count * 64 * 4);
    expect(dense.testCache).toEqual({ kind: 'dense', bytes: test.count * 64 * 4 });
    for (const [session, model] of [[sparse, mostlyDead], [dense, alwaysOn]] as const) {
      expectAccuracy(session.denseAccuracy, model);
      for (const keep of [0.05, 0.5, 1]) {
        const outcome = pruneNetwork(model, session.calibration(300), { method: 'ispasp', keep, iterations: 5, seed: 0, refit: false, firstLayerProblem: session.firstLayerProblem(300) });
        expectAccuracy(await session.prunedAccuracy(outcome.selectedModel, outcome.layers[0].kept), outcome.selectedModel);
      }
    }
  });

  it('builds block by block: progress rises to 1, and a cancel between blocks stops the build', async () => {
    const dense = randomMlp([784, 32, 10], 5);
    const fractions: number[] = [];
    let yields = 0;
    await createModelSession('progress', dense, train, test, images, { ...sparseOnly, blockRows: 2500, onProgress: (f) => fractions.push(f), yieldToEvents: async () => void yields++ });
    expect(fractions).toEqual([0.25, 0.5, 0.75, 1]);
    expect(yields).toBe(3);
    const signal = { aborted: false };
    const cancelled = createModelSession('cancelled', dense, train, test, images, { ...sparseOnly, blockRows: 2500, signal, onProgress: () => (signal.aborted = true) });
    await expect(cancelled).rejects.toMatchObject({ name: 'CancelledError' });
  });

  it('falls back to recomputing, block by block, when the sparse cache would pass its byte cap', async () => {
    const dense = randomMlp([784, 48, 10], 9);
    const capped = await createModelSession('capped', dense, train, test, images, { testCacheMaxValues: 0, blockRows: 1000, sparseCacheMaxBytes: 200_000 });
    expect(capped.testCache).toEqual({ kind: 'none', bytes: 0 });
    const roomy = await createModelSession('roomy', dense, train, test, images, { testCacheMaxValues: 0, blockRows: 1000 });
    expect(roomy.testCache.kind).toBe('sparse');
    expect(roomy.testCache.bytes).toBeGreaterThan(200_000);
    expect(capped.denseAccuracy).toBe(roomy.denseAccuracy);
    const before = tf.memory().numTensors;
    for (const keep of [0.1, 0.6]) {
      const outcome = pruneNetwork(dense, capped.calibration(400), { method: 'topk', keep, iterations: 1, seed: 0, refit: true });
      for (const model of [outcome.selectedModel, outcome.model]) expectAccuracy(await capped.prunedAccuracy(model, outcome.layers[0].kept), model);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
