import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkTrainingMemory,
  DEFAULT_MEMORY_BUDGET_BYTES,
  DEFAULT_TRAIN_OPTIONS,
  estimateTrainingBytes,
  MAX_HIDDEN_WIDTH,
  trainOptionsWithDefaults,
  type TrainOptions,
  validateTrainOptions,
} from './train-options';

function messageOf(options: Partial<TrainOptions>, limits?: Parameters<typeof validateTrainOptions>[1]): string {
  try {
    validateTrainOptions(trainOptionsWithDefaults(options), limits);
  } catch (error) {
    expect((error as Error).name).toBe('OptionError');
    return (error as Error).message;
  }
  throw new Error('expected an OptionError');
}

describe('validateTrainOptions', () => {
  it('accepts the defaults: Adam, lr 1e-3, batch 128, 1 epoch, no L1', () => {
    expect(DEFAULT_TRAIN_OPTIONS).toMatchObject({ optimizer: 'adam', learningRate: 1e-3, batchSize: 128, epochs: 1, activationL1: 0, momentum: 0.9 });
    expect(() => validateTrainOptions(DEFAULT_TRAIN_OPTIONS)).not.toThrow();
    expect(() => validateTrainOptions(trainOptionsWithDefaults({ epochs: 0.25, optimizer: 'sgd', momentum: 0, hiddenWidths: [10_000] }))).not.toThrow();
  });

  it('names each bad value in one line', () => {
    const cases: [Partial<TrainOptions>, string][] = [
      [{ hiddenWidths: [] }, 'the network needs 1 to 4 hidden layers, got 0'],
      [{ hiddenWidths: [8, 8, 8, 8, 8] }, 'the network needs 1 to 4 hidden layers, got 5'],
      [{ hiddenWidths: [64, 0] }, 'hidden layer 2 width must be an integer from 1 to 10000, got 0'],
      [{ hiddenWidths: [10_001] }, 'hidden layer 1 width must be an integer from 1 to 10000, got 10001'],
      [{ hiddenWidths: [12.5] }, 'hidden layer 1 width must be an integer from 1 to 10000, got 12.5'],
      [{ epochs: 0 }, 'epochs must be in (0, 100] (fractions allowed, 0.25 = a quarter epoch), got 0'],
      [{ epochs: 101 }, 'epochs must be in (0, 100] (fractions allowed, 0.25 = a quarter epoch), got 101'],
      [{ epochs: NaN }, 'epochs must be in (0, 100] (fractions allowed, 0.25 = a quarter epoch), got NaN'],
      [{ batchSize: 0 }, 'batch size must be an integer from 1 to 60000, got 0'],
      [{ batchSize: 32.5 }, 'batch size must be an integer from 1 to 60000, got 32.5'],
      [{ batchSize: 60_001 }, 'batch size must be an integer from 1 to 60000, got 60001'],
      [{ learningRate: 0 }, 'learning rate must be in (0, 1], got 0'],
      [{ learningRate: 1.5 }, 'learning rate must be in (0, 1], got 1.5'],
      [{ optimizer: 'rmsprop' as 'adam' }, "unknown optimizer 'rmsprop': use one of adam, sgd"],
      [{ momentum: 1 }, 'momentum must be in [0, 1), got 1'],
      [{ momentum: -0.1 }, 'momentum must be in [0, 1), got -0.1'],
      [{ activationL1: -1e-3 }, 'activation L1 penalty must be in [0, 1], got -0.001'],
      [{ activationL1: 2 }, 'activation L1 penalty must be in [0, 1], got 2'],
      [{ seed: -1 }, 'seed must be a non-negative integer, got -1'],
      [{ seed: 1.5 }, 'seed must be a non-negative integer, got 1.5'],
      [{ trainCount: 0 }, 'training image count must be a positive integer, got 0'],
      [{ evaluateCount: 0.5 }, 'evaluation image count must be a positive integer, got 0.5'],
      [{ memoryBudgetBytes: 0 }, 'memory budget must be a positive number of bytes, got 0'],
    ];
    for (const [options, message] of cases) expect(messageOf(options)).toBe(message);
    for (const [, message] of cases) expect(message).not.toContain('\n');
  });

  it('checks image counts against the data when given', () => {
    expect(messageOf({ trainCount: 2001 }, { trainImages: 2000 })).toBe(
      'training image count must be an integer from 1 to 2000 (the training images available), got 2001',
    );
    expect(messageOf({ evaluateCount: 11 }, { testImages: 10 })).toBe(
      'evaluation image count must be an integer from 1 to 10 (the test images available), got 11',
    );
    expect(messageOf({}, { trainImages: 0 })).toBe('there are no training images to train on');
    expect(() => validateTrainOptions(trainOptionsWithDefaults({ trainCount: 2000, evaluateCount: 10 }), { trainImages: 2000, testImages: 10 })).not.toThrow();
  });

  it('accepts every in-range combination and rejects any single out-of-range value', () => {
    const valid = fc.record({
      hiddenWidths: fc.array(fc.integer({ min: 1, max: 512 }), { minLength: 1, maxLength: 4 }),
      epochs: fc.double({ min: 1e-3, max: 100, noNaN: true }),
      batchSize: fc.integer({ min: 1, max: 1024 }),
      learningRate: fc.double({ min: 1e-6, max: 1, noNaN: true }),
      optimizer: fc.constantFrom<'adam' | 'sgd'>('adam', 'sgd'),
      momentum: fc.double({ min: 0, max: 0.999, noNaN: true }),
      activationL1: fc.double({ min: 0, max: 1, noNaN: true }),
      seed: fc.nat(),
    });
    const breakers: fc.Arbitrary<Partial<TrainOptions>>[] = [
      fc.integer({ min: MAX_HIDDEN_WIDTH + 1, max: 1e9 }).map((w) => ({ hiddenWidths: [w] })),
      fc.double({ min: -1e6, max: 0, noNaN: true }).map((epochs) => ({ epochs })),
      fc.double({ min: 100.001, max: 1e9, noNaN: true }).map((epochs) => ({ epochs })),
      fc.integer({ max: 0 }).map((batchSize) => ({ batchSize })),
      fc.double({ min: 1.0001, max: 1e6, noNaN: true }).map((learningRate) => ({ learningRate })),
      fc.double({ min: 1, max: 1e6, noNaN: true }).map((momentum) => ({ momentum })),
      fc.double({ min: -1e6, max: -1e-9, noNaN: true }).map((activationL1) => ({ activationL1 })),
      fc.integer({ max: -1 }).map((seed) => ({ seed })),
    ];
    fc.assert(
      fc.property(valid, fc.oneof(...breakers), (options, breaker) => {
        expect(() => validateTrainOptions(options)).not.toThrow();
        expect(() => validateTrainOptions({ ...options, ...breaker })).toThrow(expect.objectContaining({ name: 'OptionError' }));
      }),
      { numRuns: 200 },
    );
  });
});

describe('estimateTrainingBytes', () => {
  it('counts weights, gradients, optimizer slots, copies and one batch of activations', () => {
    // 784-100-10: 78,500 + 1,010 = 79,510 parameters, largest layer 78,500, 110 units.
    const parameters = 79_510;
    const adam = estimateTrainingBytes({ hiddenWidths: [100], batchSize: 10, optimizer: 'adam' });
    expect(adam).toBe(4 * (parameters * 6 + 78_500 * 3 + 10 * (784 + 10 + 4 * 110)));
    const sgd = estimateTrainingBytes({ hiddenWidths: [100], batchSize: 10, optimizer: 'sgd' });
    expect(adam - sgd).toBe(4 * (parameters + 78_500)); // one optimizer slot fewer
  });

  it('grows with width, depth and batch size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 3 }),
        // At least 10 wide: a narrower extra layer before the 10 outputs is a bottleneck with fewer weights.
        fc.integer({ min: 10, max: 10_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        (widths, extra, batchSize) => {
          const base = estimateTrainingBytes({ hiddenWidths: widths, batchSize, optimizer: 'adam' });
          const wider = estimateTrainingBytes({ hiddenWidths: [widths[0] + extra, ...widths.slice(1)], batchSize, optimizer: 'adam' });
          const deeper = estimateTrainingBytes({ hiddenWidths: [...widths, extra], batchSize, optimizer: 'adam' });
          const bigger = estimateTrainingBytes({ hiddenWidths: widths, batchSize: batchSize + 1, optimizer: 'adam' });
          expect(wider).toBeGreaterThan(base);
          expect(deeper).toBeGreaterThan(base);
          expect(bigger).toBeGreaterThan(base);
        },
      ),
    );
  });

  it('rejects a network too wide for the budget, saying how much it needs', () => {
    expect(() => checkTrainingMemory({ hiddenWidths: [50_000], batchSize: 128, optimizer: 'adam' }, 1024 ** 3)).toThrow(
      /^a 784-50000-10 network needs about 1,4\d\d MB for training \(batch 128\) but the budget is 1,024 MB; use narrower layers or a smaller batch$/,
    );
    expect(() => checkTrainingMemory({ hiddenWidths: [10_000, 10_000, 10_000, 10_000], batchSize: 128, optimizer: 'sgd' })).toThrow(
      expect.objectContaining({ name: 'OptionError', message: expect.stringContaining('budget is 1,536 MB') }),
    );
    // A huge batch of a wide layer is rejected for its activations.
    expect(() => checkTrainingMemory({ hiddenWidths: [10_000], batchSize: 60_000, optimizer: 'adam' })).toThrow(/smaller batch$/);
    // The widest single layer at the default batch fits the default budget.
    expect(() => checkTrainingMemory({ hiddenWidths: [10_000], batchSize: 128, optimizer: 'adam' })).not.toThrow();
    expect(estimateTrainingBytes({ hiddenWidths: [10_000], batchSize: 128, optimizer: 'adam' })).toBeLessThan(DEFAULT_MEMORY_BUDGET_BYTES);
  });
});
