/**
 * Training options, their validation and a memory estimate made before anything is allocated.
 * Shared by the worker, the CLI and tests; every bad value gets a one-line OptionError.
 */
import { OptionError } from '../errors';
import { MAX_HIDDEN_LAYERS, MNIST_CLASSES, MNIST_INPUT_SIZE } from '../model/mlp';

export type OptimizerName = 'adam' | 'sgd';

export const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'sgd'];

export interface TrainOptions {
  /**
   * Units of each hidden layer (1 to 4 layers, 1 to 10,000 units each). Ignored when fine-tuning a
   * given network: its architecture comes from the network.
   */
  readonly hiddenWidths: readonly number[];
  /** Passes over the training images, in (0, 100]; fractional runs part of the last one (0.25 = a quarter epoch). */
  readonly epochs: number;
  /** Examples per gradient step, an integer in 1..60000. */
  readonly batchSize: number;
  /** In (0, 1]. */
  readonly learningRate: number;
  readonly optimizer: OptimizerName;
  /** Momentum of `sgd`, in [0, 1); unused by `adam`. */
  readonly momentum: number;
  /**
   * Weight of the L1 penalty on hidden activations, in [0, 1]: the loss adds `activationL1` times
   * the batch mean of the summed post-ReLU activations of all hidden layers. It makes hidden
   * representations sparse (more units exactly zero).
   */
  readonly activationL1: number;
  /** Non-negative integer: same seed, same backend, same weights. */
  readonly seed: number;
  /** Train on the first `trainCount` training images (default: all). */
  readonly trainCount?: number;
  /** Evaluate test accuracy after each epoch on the first `evaluateCount` test images (default: all). */
  readonly evaluateCount?: number;
  /** Refuse to start when the estimate of `estimateTrainingBytes` exceeds this (default 1.5 GiB). */
  readonly memoryBudgetBytes?: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  hiddenWidths: [128],
  epochs: 1,
  batchSize: 128,
  learningRate: 1e-3,
  optimizer: 'adam',
  momentum: 0.9,
  activationL1: 0,
  seed: 0,
};

export const MAX_HIDDEN_WIDTH = 10_000;
export const MAX_EPOCHS = 100;
export const MAX_BATCH_SIZE = 60_000;
export const DEFAULT_MEMORY_BUDGET_BYTES = 1.5 * 1024 ** 3;

/** The defaults with `overrides` on top (not validated: call `validateTrainOptions`). */
export function trainOptionsWithDefaults(overrides: Partial<TrainOptions> = {}): TrainOptions {
  return { ...DEFAULT_TRAIN_OPTIONS, ...overrides };
}

/** What the options are checked against besides their own ranges. */
export interface TrainOptionLimits {
  /** Images in the training split: bounds `trainCount`. */
  readonly trainImages?: number;
  /** Images in the test split: bounds `evaluateCount`. */
  readonly testImages?: number;
  readonly inputSize?: number;
}

function isCount(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** Throws an OptionError naming the first bad option; also checks the memory estimate against the budget. */
export function validateTrainOptions(options: TrainOptions, limits: TrainOptionLimits = {}): void {
  const widths = options.hiddenWidths as unknown;
  if (!Array.isArray(widths) || widths.length < 1 || widths.length > MAX_HIDDEN_LAYERS) {
    const count = Array.isArray(widths) ? widths.length : String(widths);
    throw new OptionError(`the network needs 1 to ${MAX_HIDDEN_LAYERS} hidden layers, got ${count}`);
  }
  options.hiddenWidths.forEach((width, index) => {
    if (typeof width !== 'number' || !isCount(width, 1, MAX_HIDDEN_WIDTH)) {
      throw new OptionError(`hidden layer ${index + 1} width must be an integer from 1 to ${MAX_HIDDEN_WIDTH}, got ${width}`);
    }
  });
  if (typeof options.epochs !== 'number' || !Number.isFinite(options.epochs) || options.epochs <= 0 || options.epochs > MAX_EPOCHS) {
    throw new OptionError(`epochs must be in (0, ${MAX_EPOCHS}] (fractions allowed, 0.25 = a quarter epoch), got ${options.epochs}`);
  }
  if (typeof options.batchSize !== 'number' || !isCount(options.batchSize, 1, MAX_BATCH_SIZE)) {
    throw new OptionError(`batch size must be an integer from 1 to ${MAX_BATCH_SIZE}, got ${options.batchSize}`);
  }
  if (typeof options.learningRate !== 'number' || !Number.isFinite(options.learningRate) || options.learningRate <= 0 || options.learningRate > 1) {
    throw new OptionError(`learning rate must be in (0, 1], got ${options.learningRate}`);
  }
  if (!OPTIMIZERS.includes(options.optimizer)) {
    throw new OptionError(`unknown optimizer '${String(options.optimizer)}': use one of ${OPTIMIZERS.join(', ')}`);
  }
  if (typeof options.momentum !== 'number' || !Number.isFinite(options.momentum) || options.momentum < 0 || options.momentum >= 1) {
    throw new OptionError(`momentum must be in [0, 1), got ${options.momentum}`);
  }
  if (typeof options.activationL1 !== 'number' || !Number.isFinite(options.activationL1) || options.activationL1 < 0 || options.activationL1 > 1) {
    throw new OptionError(`activation L1 penalty must be in [0, 1], got ${options.activationL1}`);
  }
  if (typeof options.seed !== 'number' || !Number.isSafeInteger(options.seed) || options.seed < 0) {
    throw new OptionError(`seed must be a non-negative integer, got ${options.seed}`);
  }
  if (options.trainCount !== undefined) {
    const max = limits.trainImages ?? Number.MAX_SAFE_INTEGER;
    if (!isCount(options.trainCount, 1, max)) {
      const range = limits.trainImages === undefined ? 'a positive integer' : `an integer from 1 to ${max} (the training images available)`;
      throw new OptionError(`training image count must be ${range}, got ${options.trainCount}`);
    }
  } else if (limits.trainImages !== undefined && limits.trainImages < 1) {
    throw new OptionError('there are no training images to train on');
  }
  if (options.evaluateCount !== undefined) {
    const max = limits.testImages ?? Number.MAX_SAFE_INTEGER;
    if (!isCount(options.evaluateCount, 1, max)) {
      const range = limits.testImages === undefined ? 'a positive integer' : `an integer from 1 to ${max} (the test images available)`;
      throw new OptionError(`evaluation image count must be ${range}, got ${options.evaluateCount}`);
    }
  }
  const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  if (typeof budget !== 'number' || !(budget > 0)) {
    throw new OptionError(`memory budget must be a positive number of bytes, got ${budget}`);
  }
  checkTrainingMemory(options, budget, limits.inputSize ?? MNIST_INPUT_SIZE);
}

/**
 * Approximate peak bytes one training run holds, in float32:
 * - per parameter: the weights, their gradients, the optimizer slots (Adam 2, SGD momentum 1),
 *   the copy of the last finished epoch kept in JavaScript, and the copy uploaded to evaluate;
 * - the optimizer's temporaries while it updates the largest layer (about slots + 1 copies of it);
 * - for one batch: the input and one-hot labels, and per layer the pre-activation, the activation
 *   and their gradients (4 values per unit and example).
 */
export function estimateTrainingBytes(options: Pick<TrainOptions, 'hiddenWidths' | 'batchSize' | 'optimizer'>, inputSize = MNIST_INPUT_SIZE): number {
  const sizes = [inputSize, ...options.hiddenWidths, MNIST_CLASSES];
  let parameters = 0;
  let largestLayer = 0;
  let units = 0;
  for (let i = 1; i < sizes.length; i++) {
    const layer = sizes[i - 1] * sizes[i] + sizes[i];
    parameters += layer;
    largestLayer = Math.max(largestLayer, layer);
    units += sizes[i];
  }
  const slots = options.optimizer === 'sgd' ? 1 : 2;
  const perParameter = 1 + 1 + slots + 1 + 1;
  const batchValues = options.batchSize * (inputSize + MNIST_CLASSES + 4 * units);
  return 4 * (parameters * perParameter + largestLayer * (slots + 1) + batchValues);
}

function megabytes(bytes: number): string {
  const mb = bytes / 1024 ** 2;
  return mb >= 100 ? Math.round(mb).toLocaleString('en-US') : mb.toFixed(1);
}

/** Throws an OptionError when training `options` would need more than `budgetBytes`. */
export function checkTrainingMemory(
  options: Pick<TrainOptions, 'hiddenWidths' | 'batchSize' | 'optimizer'>,
  budgetBytes = DEFAULT_MEMORY_BUDGET_BYTES,
  inputSize = MNIST_INPUT_SIZE,
): void {
  const needed = estimateTrainingBytes(options, inputSize);
  if (needed > budgetBytes) {
    const shape = [inputSize, ...options.hiddenWidths, MNIST_CLASSES].join('-');
    throw new OptionError(
      `a ${shape} network needs about ${megabytes(needed)} MB for training (batch ${options.batchSize}) but the budget is ${megabytes(budgetBytes)} MB; use narrower layers or a smaller batch`,
    );
  }
}
