import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type MnistSplit, normalizedImages } from '../data/mnist';
import { accuracy } from '../metrics';
import { keepLayerInputs, keepLayerOutputs, type Mlp } from '../model/mlp';
import { loadMnist } from '../../node/mnist-files';
import { initNodeBackend } from '../../node/tf-node';
import { hiddenZeroFraction, hiddenZeroFractions } from './hidden-sparsity';
import { type BatchProgress, type EpochProgress, explicitTransposeMatMul, initialMlp, trainMlp } from './train';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from './train-options';

let train: MnistSplit;
let test: MnistSplit;
let testImages: Float32Array;
let testLabels: Uint8Array;

beforeAll(async () => {
  await initNodeBackend('wasm');
  ({ train, test } = await loadMnist());
  testImages = normalizedImages(test, 1000);
  testLabels = test.labels.subarray(0, 1000);
});

/** Small and quick: 2000 training images, one 32-unit layer, batch 32 (63 batches per epoch). */
const SMALL: TrainOptions = {
  ...DEFAULT_TRAIN_OPTIONS,
  hiddenWidths: [32],
  trainCount: 2000,
  evaluateCount: 1000,
  batchSize: 32,
  learningRate: 3e-3,
  seed: 7,
};

function expectSameWeights(a: Mlp, b: Mlp): void {
  expect(a.layers.length).toBe(b.layers.length);
  a.layers.forEach((layer, i) => {
    expect(layer.kernel).toEqual(b.layers[i].kernel);
    expect(layer.bias).toEqual(b.layers[i].bias);
  });
}

function sameWeights(a: Mlp, b: Mlp): boolean {
  return a.layers.every(
    (layer, i) => layer.kernel.every((v, k) => v === b.layers[i].kernel[k]) && layer.bias.every((v, k) => v === b.layers[i].bias[k]),
  );
}

describe('trainMlp', () => {
  it('lowers the loss and learns well above chance in one epoch on 2000 images', async () => {
    const batches: BatchProgress[] = [];
    const epochs: EpochProgress[] = [];
    const before = tf.memory().numTensors;
    const result = await trainMlp(null, { train, test }, SMALL, { onBatch: (p) => batches.push(p), onEpoch: (p) => epochs.push(p) });
    expect(tf.memory().numTensors).toBe(before);

    expect(result.cancelled).toBe(false);
    expect(result.epochsCompleted).toBe(1);
    expect(batches).toHaveLength(63);
    expect(batches[0]).toMatchObject({ epoch: 1, batch: 1, batchesPerEpoch: 63, totalBatches: 63 });
    expect(batches[0].loss).toBeGreaterThan(2); // about ln 10 at the start
    expect(epochs).toHaveLength(1);
    expect(result.history).toEqual(epochs);
    expect(result.final).toBe(epochs[0]);
    expect(epochs[0].loss).toBeLessThan(batches[0].loss);
    expect(batches[62].loss).toBeLessThan(batches[0].loss);
    expect(epochs[0].trainAccuracy).toBeGreaterThan(0.5);
    expect(epochs[0].testAccuracy).toBeGreaterThan(0.6);
    // The reported test accuracy is that of the returned weights.
    expect(epochs[0].testAccuracy).toBe(await accuracy(result.model, testImages, testLabels));

    // Progress is coherent: fractions climb to 1, the ETA falls to 0, rates are positive.
    batches.forEach((p, i) => {
      expect(p.fraction).toBeCloseTo((i + 1) / 63, 12);
      expect(p.examplesPerSecond).toBeGreaterThan(0);
      expect(p.etaSeconds).toBeGreaterThanOrEqual(0);
      expect(p.accuracy).toBeGreaterThanOrEqual(0);
      expect(p.accuracy).toBeLessThanOrEqual(1);
      expect(p.loss).toBe(p.crossEntropy); // no L1 term
    });
    expect(batches[62].etaSeconds).toBe(0);
    expect(epochs[0].elapsedMs).toBeGreaterThan(0);

    // A new 784-32-10 network: ReLU hidden layer, linear logits.
    expect(result.model.layers.map((l) => [l.inputSize, l.units, l.activation])).toEqual([
      [784, 32, 'relu'],
      [32, 10, 'linear'],
    ]);
  });

  it('trains with SGD and momentum too, without leaking its optimizer state', async () => {
    const before = tf.memory().numTensors;
    const result = await trainMlp(null, { train, test }, { ...SMALL, optimizer: 'sgd', learningRate: 0.05, momentum: 0.9 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.final?.testAccuracy).toBeGreaterThan(0.6);
  });

  it('gives bit-identical weights for the same seed and different ones for another seed', async () => {
    const options = { ...SMALL, epochs: 0.5, hiddenWidths: [16, 8] };
    const a = await trainMlp(null, { train }, options);
    const b = await trainMlp(null, { train }, options);
    const c = await trainMlp(null, { train }, { ...options, seed: 8 });
    expectSameWeights(a.model, b.model);
    expect(a.history[0].loss).toBe(b.history[0].loss);
    expect(sameWeights(a.model, c.model)).toBe(false);
    // The initialisation alone is seeded as well.
    expectSameWeights(initialMlp([16, 8], 7), initialMlp([16, 8], 7));
    expect(sameWeights(initialMlp([16, 8], 7), initialMlp([16, 8], 8))).toBe(false);
  });

  it('runs ceil(fraction * batches per epoch) batches of a fractional last epoch', async () => {
    const options = { ...SMALL, batchSize: 100 }; // 20 batches per epoch
    const quarter: BatchProgress[] = [];
    const r1 = await trainMlp(null, { train }, { ...options, epochs: 0.25 }, { onBatch: (p) => quarter.push(p) });
    expect(quarter).toHaveLength(5);
    expect(r1.batchesRun).toBe(5);
    expect(r1.epochsCompleted).toBe(0.25);
    expect(r1.history).toHaveLength(1);
    expect(r1.history[0]).toMatchObject({ epoch: 1, epochsCompleted: 0.25, batches: 5 });
    expect(r1.history[0].testAccuracy).toBeUndefined(); // no test split given

    const r2 = await trainMlp(null, { train }, { ...options, epochs: 1.3 });
    expect(r2.batchesRun).toBe(26);
    expect(r2.history.map((h) => h.batches)).toEqual([20, 6]);
    expect(r2.epochsCompleted).toBe(1.3);
  });

  it('stops within one batch of a cancel and returns the starting weights when no epoch finished', async () => {
    const signal = { aborted: false };
    const seen: number[] = [];
    const before = tf.memory().numTensors;
    const result = await trainMlp(null, { train, test }, SMALL, {
      signal,
      onBatch: (p) => {
        seen.push(p.batch);
        if (p.batch === 3) signal.aborted = true;
      },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(seen.length).toBeLessThanOrEqual(4);
    expect(seen.slice(0, 3)).toEqual([1, 2, 3]);
    expect(result).toMatchObject({ cancelled: true, epochsCompleted: 0, final: null });
    expect(result.history).toHaveLength(0);
    expectSameWeights(result.model, initialMlp([32], SMALL.seed));
  });

  it('keeps the last finished epoch when cancelled in the next one', async () => {
    const oneEpoch = await trainMlp(null, { train }, { ...SMALL, epochs: 1 });
    const signal = { aborted: false };
    const before = tf.memory().numTensors;
    const result = await trainMlp(null, { train }, { ...SMALL, epochs: 2 }, {
      signal,
      onBatch: (p) => {
        if (p.epoch === 2 && p.batch === 5) signal.aborted = true;
      },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.cancelled).toBe(true);
    expect(result.epochsCompleted).toBe(1);
    expect(result.batchesRun).toBe(63 + 5);
    expect(result.history).toHaveLength(1);
    expectSameWeights(result.model, oneEpoch.model);
  });

  it('does not start on an already-cancelled token', async () => {
    let batches = 0;
    const result = await trainMlp(null, { train }, SMALL, { signal: { aborted: true }, onBatch: () => batches++ });
    expect(batches).toBe(0);
    expect(result.cancelled).toBe(true);
    expectSameWeights(result.model, initialMlp([32], SMALL.seed));
  });

  it('fine-tunes a given (pruned) network: same shape, new weights, accuracy recovered', async () => {
    const dense = (await trainMlp(null, { train }, SMALL)).model;
    const kept = Array.from({ length: 8 }, (_, i) => i * 4); // 8 of 32 hidden units
    const pruned: Mlp = {
      layers: [keepLayerOutputs(dense.layers[0], kept), { ...keepLayerInputs(dense.layers[1], kept), activation: 'softmax' }],
    };
    const original = pruned.layers.map((l) => l.kernel.slice());
    const prunedAccuracy = await accuracy(pruned, testImages, testLabels);

    const before = tf.memory().numTensors;
    const tuned = await trainMlp(pruned, { train, test }, { ...SMALL, hiddenWidths: [999], epochs: 0.5 });
    expect(tf.memory().numTensors).toBe(before);

    // The architecture comes from the given network (hiddenWidths is ignored), activations included.
    expect(tuned.model.layers.map((l) => [l.inputSize, l.units, l.activation])).toEqual([
      [784, 8, 'relu'],
      [8, 10, 'softmax'],
    ]);
    expect(sameWeights(tuned.model, pruned)).toBe(false);
    // The input network is left as it was.
    pruned.layers.forEach((l, i) => expect(l.kernel).toEqual(original[i]));
    expect(tuned.final!.testAccuracy).toBeGreaterThan(prunedAccuracy);
  });

  it('makes hidden activations sparser with an L1 penalty', async () => {
    const plain = await trainMlp(null, { train }, { ...SMALL, activationL1: 0 });
    const penalised = await trainMlp(null, { train }, { ...SMALL, activationL1: 0.03 });
    const zerosPlain = await hiddenZeroFraction(plain.model, testImages, 500);
    const zerosPenalised = await hiddenZeroFraction(penalised.model, testImages, 500);
    expect(zerosPenalised).toBeGreaterThan(zerosPlain + 0.15);
    // The penalty is part of the reported loss.
    expect(penalised.final!.loss).toBeGreaterThan(penalised.final!.crossEntropy);
  });

  it('rejects bad options and bad networks before allocating anything', async () => {
    const before = tf.memory().numTensors;
    const attempt = (options: Partial<TrainOptions>, initial: Mlp | null = null) =>
      trainMlp(initial, { train, test }, { ...SMALL, ...options });
    await expect(attempt({ hiddenWidths: [0] })).rejects.toMatchObject({
      name: 'OptionError',
      message: 'hidden layer 1 width must be an integer from 1 to 10000, got 0',
    });
    await expect(attempt({ epochs: 0 })).rejects.toMatchObject({ name: 'OptionError', message: expect.stringMatching(/^epochs must be in \(0, 100\]/) });
    await expect(attempt({ trainCount: 60_001 })).rejects.toMatchObject({
      name: 'OptionError',
      message: 'training image count must be an integer from 1 to 60000 (the training images available), got 60001',
    });
    await expect(attempt({ evaluateCount: 10_001 })).rejects.toMatchObject({ name: 'OptionError', message: expect.stringContaining('1 to 10000') });
    await expect(attempt({ hiddenWidths: [10_000, 10_000, 10_000], batchSize: 128 })).rejects.toMatchObject({
      name: 'OptionError',
      message: expect.stringMatching(/^a 784-10000-10000-10000-10 network needs about [\d,]+ MB for training .* but the budget is 1,536 MB; use narrower layers or a smaller batch$/),
    });
    await expect(attempt({ memoryBudgetBytes: 1e6 })).rejects.toMatchObject({ name: 'OptionError', message: expect.stringContaining('budget is 1.0 MB') });
    const wrongInput: Mlp = { layers: [{ inputSize: 100, units: 4, kernel: new Float32Array(400), bias: new Float32Array(4), activation: 'relu' }, { inputSize: 4, units: 10, kernel: new Float32Array(40), bias: new Float32Array(10), activation: 'linear' }] };
    await expect(attempt({}, wrongInput)).rejects.toMatchObject({ name: 'ModelFormatError', message: expect.stringContaining('784') });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('disposes everything when a hook throws mid-run', async () => {
    const before = tf.memory().numTensors;
    const failing = trainMlp(null, { train, test }, SMALL, {
      onBatch: (p) => {
        if (p.batch === 2) throw new Error('hook failed');
      },
    });
    await expect(failing).rejects.toThrow('hook failed');
    const failingEpoch = trainMlp(null, { train }, { ...SMALL, epochs: 0.1 }, {
      onEpoch: () => {
        throw new Error('epoch hook failed');
      },
    });
    await expect(failingEpoch).rejects.toThrow('epoch hook failed');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('explicitTransposeMatMul', () => {
  it('has the value and gradients of tf.matMul', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.randomUniform([5, 7], -1, 1, 'float32', 1) as tf.Tensor2D;
      const w = tf.randomUniform([7, 3], -1, 1, 'float32', 2) as tf.Tensor2D;
      const dy = tf.randomUniform([5, 3], -1, 1, 'float32', 3) as tf.Tensor2D;
      const loss = (op: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D) => (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(op(a as tf.Tensor2D, b as tf.Tensor2D), dy));
      const [dxRef, dwRef] = tf.grads(loss(tf.matMul))([x, w]);
      const [dx, dw] = tf.grads(loss(explicitTransposeMatMul(true)))([x, w]);
      expect(explicitTransposeMatMul(true)(x, w).arraySync()).toEqual(tf.matMul(x, w).arraySync());
      expect(tf.max(tf.abs(tf.sub(dx, dxRef))).dataSync()[0]).toBeLessThan(1e-6);
      expect(tf.max(tf.abs(tf.sub(dw, dwRef))).dataSync()[0]).toBeLessThan(1e-6);
      // Without an input gradient, x gets zeros and w its true gradient.
      const [dx0, dw0] = tf.grads(loss(explicitTransposeMatMul(false)))([x, w]);
      expect(tf.max(tf.abs(dx0)).dataSync()[0]).toBe(0);
      expect(tf.max(tf.abs(tf.sub(dw0, dwRef))).dataSync()[0]).toBeLessThan(1e-6);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('hiddenZeroFractions', () => {
  // Two inputs, three ReLU units: unit 0 is x0 - x1, unit 1 always 0 (negative bias), unit 2 always positive.
  const model: Mlp = {
    layers: [
      { inputSize: 2, units: 3, kernel: Float32Array.from([1, 0, 0, -1, 0, 0]), bias: Float32Array.from([0, -1, 1]), activation: 'relu' },
      { inputSize: 3, units: 2, kernel: Float32Array.from([1, 0, 0, 1, 1, 1]), bias: Float32Array.from([0, -5]), activation: 'relu' },
      { inputSize: 2, units: 10, kernel: new Float32Array(20), bias: new Float32Array(10), activation: 'linear' },
    ],
  };
  // Rows: unit 0 is positive, zero, zero (x0 - x1 = 1, -1, 0).
  const images = Float32Array.from([1, 0, 0, 1, 0.5, 0.5]);

  it('counts exactly-zero post-ReLU activations per layer and overall', async () => {
    const before = tf.memory().numTensors;
    // Layer 1 zeros: unit 0 twice, unit 1 three times, unit 2 never => 5 of 9.
    // Layer 2: unit 0 = h0 + h2 > 0 always; unit 1 = h2 - 5 = 1 + 0 - 5 < 0 always => 3 of 6.
    const result = await hiddenZeroFractions(model, images, 3, 2);
    expect(result.perLayer).toEqual([5 / 9, 3 / 6]);
    expect(result.overall).toBeCloseTo(8 / 15, 12);
    expect(await hiddenZeroFraction(model, images, 3)).toBeCloseTo(8 / 15, 12);
    expect(await hiddenZeroFraction(model, images, 1)).toBeCloseTo(2 / 5, 12);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a count beyond the images given', async () => {
    await expect(hiddenZeroFraction(model, images, 4)).rejects.toThrow('image count must be an integer from 1 to 3 (the images given), got 4');
  });
});
