import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tf-node';
import { loadConvPruningFixtures, type ConvPruningFixture } from '../../../test/helpers/conv-fixtures';
import { withoutTensorLeaks } from '../../../test/helpers/tf-memory';
import type { PruneMethod } from '../pruning/methods';
import type { ConvLayer, WeightedLayer } from './cnn';
import { applyLayers } from './cnn-forward';
import { buildChannelProblem } from './channel-problem';
import { hiddenStages, nextConvView } from './cnn-shrink';
import { pruneCnn } from './prune-cnn';

const fixtures = loadConvPruningFixtures();
const methodsWithVectors = ['ispasp', 'topk', 'magnitude', 'gfs'] as const satisfies readonly PruneMethod[];

function pruneFixture(fixture: ConvPruningFixture, method: PruneMethod, refit = false) {
  return pruneCnn(fixture.model, fixture.inputs, { method, keep: fixture.keep, iterations: fixture.iterations, seed: 0, refit });
}

function inputTensor(fixture: ConvPruningFixture): tf.Tensor4D {
  const [h, w, c] = fixture.model.inputShape;
  return tf.tensor4d(fixture.inputs, [fixture.samples, h, w, c]);
}

/** The dense network's next-layer output without bias, from H with the channels outside `kept` zeroed, by tfjs ops. */
function nextOfMasked(fixture: ConvPruningFixture, hidden: tf.Tensor4D, mask: tf.Tensor1D): tf.Tensor {
  const next = fixture.model.layers.at(-1) as WeightedLayer;
  const masked = tf.mul(hidden, mask) as tf.Tensor4D;
  if (next.kind === 'conv') {
    const [kh, kw] = next.kernelSize;
    return tf.conv2d(masked, tf.tensor4d(next.kernel, [kh, kw, next.inChannels, next.filters]), next.strides as [number, number], next.padding);
  }
  return tf.matMul(tf.reshape(masked, [fixture.samples, next.inputSize]), tf.tensor2d(next.kernel, [next.inputSize, next.units]));
}

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe.each(fixtures)('conv fixture $name', (fixture) => {
  it.each(methodsWithVectors)('%s keeps exactly the expected channels', async (method) => {
    const outcome = await withoutTensorLeaks(() => pruneFixture(fixture, method));
    expect(outcome.layers).toHaveLength(1);
    expect(outcome.layers[0].kept).toEqual(fixture.expected[method].kept);
    expect(outcome.layers[0].kept).toHaveLength(fixture.keptCount);
  });

  it('i-SpaSP residuals match per iteration within 1e-4, and the activation sums', async () => {
    const [layer] = (await pruneFixture(fixture, 'ispasp')).layers;
    expect(layer.kind).toBe('conv');
    expect(layer.residuals).toHaveLength(fixture.expected.ispasp.residuals.length);
    layer.residuals!.forEach((value, t) => expect(Math.abs(value - fixture.expected.ispasp.residuals[t])).toBeLessThan(1e-4));
    layer.activationSums.forEach((value, c) => expect(value).toBeCloseTo(fixture.expected.activationSums[c], 3));
  });

  it('the closed-form importance and Gram residual agree with autograd and a direct pass', async () => {
    const stage = hiddenStages(fixture.model)[0];
    const hidden = tf.tidy(() => applyLayers(fixture.model, inputTensor(fixture), stage.layer, stage.hiddenEnd));
    const problem = await buildChannelProblem(hidden, nextConvView(fixture.model.layers[stage.next] as WeightedLayer, stage.hiddenShape));
    tf.tidy(() => {
      const channels = problem.channels;
      const dense = nextOfMasked(fixture, hidden, tf.ones([channels]));
      for (const kept of [[], [0], fixture.expected.ispasp.kept, fixture.expected.gfs.kept]) {
        const mask = tf.tensor1d(Array.from({ length: channels }, (_, c) => (kept.includes(c) ? 1 : 0)));
        const pruned = nextOfMasked(fixture, hidden, mask);
        // Gradient of 0.5 ||next(H) - pruned||^2 with the pruned output held constant, summed over samples and positions.
        const gradient = tf.grad((h: tf.Tensor) => tf.mul(0.5, tf.sum(tf.square(tf.sub(nextOfMasked(fixture, h as tf.Tensor4D, tf.ones([channels])), pruned)))))(hidden);
        const expected = tf.sum(gradient, [0, 1, 2]).dataSync();
        const closed = problem.importance(kept);
        expected.forEach((value, c) => expect(closed[c]).toBeCloseTo(value, 2));
        const direct = tf.norm(tf.sub(dense, pruned)).dataSync()[0] / tf.norm(dense).dataSync()[0];
        expect(Math.abs(problem.relativeResidual(kept) - direct)).toBeLessThan(1e-5);
      }
    });
    hidden.dispose();
  });

  it('the patch and contribution routes to the Gram matrix agree', async () => {
    const stage = hiddenStages(fixture.model)[0];
    const hidden = tf.tidy(() => applyLayers(fixture.model, inputTensor(fixture), stage.layer, stage.hiddenEnd));
    const view = nextConvView(fixture.model.layers[stage.next] as WeightedLayer, stage.hiddenShape);
    const patches = await buildChannelProblem(hidden, view, { route: 'patches', batchSize: 2 });
    const contributions = await buildChannelProblem(hidden, view, { route: 'contributions', batchSize: 3 });
    hidden.dispose();
    const scale = Math.max(...contributions.gram.map(Math.abs));
    patches.gram.forEach((value, k) => expect(Math.abs(value - contributions.gram[k])).toBeLessThan(1e-5 * scale));
  });

  it('the pruned network is a smaller CNN computing the dense one with the pruned channels zeroed', async () => {
    const outcome = await pruneFixture(fixture, 'ispasp');
    const kept = outcome.layers[0].kept;
    const pruned = outcome.model.layers[0] as ConvLayer;
    expect(pruned.filters).toBe(kept.length);
    expect(pruned.kernel).toHaveLength(pruned.kernelSize[0] * pruned.kernelSize[1] * pruned.inChannels * kept.length);
    tf.tidy(() => {
      const stage = hiddenStages(fixture.model)[0];
      const x = inputTensor(fixture);
      const hidden = applyLayers(fixture.model, x, stage.layer, stage.hiddenEnd);
      const mask = tf.tensor1d(Array.from({ length: (fixture.model.layers[0] as ConvLayer).filters }, (_, c) => (kept.includes(c) ? 1 : 0)));
      const next = fixture.model.layers.at(-1) as WeightedLayer;
      const expected = tf.add(nextOfMasked(fixture, hidden, mask), tf.tensor1d(next.bias)).dataSync();
      const actual = applyLayers(outcome.model, x).dataSync();
      expect(actual.length).toBe(expected.length);
      actual.forEach((value, k) => expect(value).toBeCloseTo(expected[k], 4));
    });
  });

  it('the refit lowers the next layer error, or says why it cannot run', async () => {
    const [h, w] = (hiddenStages(fixture.model)[0].hiddenShape);
    if (fixture.model.layers.at(-1)!.kind === 'dense' && fixture.samples <= h * w * fixture.keptCount) {
      // A Dense after a Flatten has one row per sample and h * w * s kept weights per output.
      await expect(pruneFixture(fixture, 'ispasp', true)).rejects.toThrow(/refit of hidden layer 1 needs more rows/);
      return;
    }
    const outcome = await withoutTensorLeaks(() => pruneFixture(fixture, 'ispasp', true));
    const [report] = outcome.refit!;
    expect(report.after).toBeLessThanOrEqual(report.before);
    expect(report.after).toBeLessThan(report.before);
    // The refit network scores the dense pre-activations better than the raw pruned one.
    tf.tidy(() => {
      const x = inputTensor(fixture);
      const dense = applyLayers(fixture.model, x);
      const error = (model: typeof outcome.model) => tf.norm(tf.sub(applyLayers(model, x), dense)).dataSync()[0];
      expect(error(outcome.model)).toBeLessThan(error(outcome.selectedModel));
    });
  });
});
