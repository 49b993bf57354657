/**
 * The one training loop for feed-forward MNIST networks, in Node and in the worker: trains a new
 * network from a seed, or fine-tunes a given (pruned) one, with low-level tfjs so batching,
 * seeding, cancellation and the activation L1 term stay under our control.
 *
 * Cancellation: the token is checked before every batch; a cancelled run does not throw, it
 * resolves with `cancelled: true` and the weights of the last finished epoch (the starting
 * weights when no epoch finished). Every tensor it creates, optimizer slots included, is disposed
 * before it resolves or rejects.
 */
import * as tf from '@tensorflow/tfjs';
import { type MnistSplit, normalizedImages } from '../data/mnist';
import { type CancelToken } from '../errors';
import { accuracy } from '../metrics';
import { cloneMlp, type DenseLayer, hiddenWidths, type Mlp, MNIST_CLASSES, MNIST_INPUT_SIZE } from '../model/mlp';
import { checkDenseStack } from '../model/tfjs-convert';
import { seededUniform } from '../pruning/baselines';
import { type TrainOptions, validateTrainOptions } from './train-options';

export interface BatchProgress {
  /** 1-based. */
  readonly epoch: number;
  /** 1-based, within the epoch. */
  readonly batch: number;
  /** Batches in a full epoch. */
  readonly batchesPerEpoch: number;
  /** Batches this run will take in all, the fractional last epoch counted as run. */
  readonly totalBatches: number;
  /** The batch's objective: cross-entropy plus the L1 term. */
  readonly loss: number;
  readonly crossEntropy: number;
  /** Of this batch, before its update. */
  readonly accuracy: number;
  /** Training examples per second over the run so far (evaluation time excluded). */
  readonly examplesPerSecond: number;
  /** Seconds of training left at that rate (evaluation excluded). */
  readonly etaSeconds: number;
  /** Fraction of the run's batches done, in (0, 1]. */
  readonly fraction: number;
}

export interface EpochProgress {
  /** 1-based. */
  readonly epoch: number;
  /** Epochs finished including this one; fractional after a partial last epoch. */
  readonly epochsCompleted: number;
  readonly batches: number;
  /** Example-weighted mean of the batch objectives over the epoch. */
  readonly loss: number;
  readonly crossEntropy: number;
  /** Over the epoch's batches, each scored before its own update. */
  readonly trainAccuracy: number;
  /** On the first `evaluateCount` test images after the epoch; absent without a test split. */
  readonly testAccuracy?: number;
  readonly examplesPerSecond: number;
  /** Since the start of the run, evaluation included. */
  readonly elapsedMs: number;
}

export interface TrainHooks {
  onBatch?(progress: BatchProgress): void;
  onEpoch?(progress: EpochProgress): void;
  /** Checked before every batch. */
  signal?: CancelToken;
}

export interface TrainResult {
  /** The trained network (or, when cancelled, the last finished epoch's), in plain arrays owned by the caller. */
  readonly model: Mlp;
  readonly cancelled: boolean;
  /** Epochs whose weights `model` holds; fractional after a partial last epoch, 0 when none finished. */
  readonly epochsCompleted: number;
  /** Batches run, including those of an unfinished epoch discarded on cancel. */
  readonly batchesRun: number;
  /** One entry per finished epoch. */
  readonly history: readonly EpochProgress[];
  /** The last finished epoch's metrics; null when none finished. */
  readonly final: EpochProgress | null;
  readonly elapsedMs: number;
}

export interface TrainData {
  readonly train: MnistSplit;
  readonly test?: MnistSplit;
}

/** Seeds of the independent random streams derived from one user seed. */
export function streamSeed(seed: number, stream: number): number {
  const low = seed >>> 0;
  const high = Math.floor(seed / 2 ** 32) >>> 0;
  return (Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) ^ Math.imul(stream, 0x27d4eb2f)) >>> 0;
}

/**
 * A new 784-...-10 network: He-uniform kernels on the ReLU hidden layers, Glorot-uniform on the
 * linear output layer, zero biases, all drawn from `seed`.
 */
export function initialMlp(widths: readonly number[], seed: number, inputSize = MNIST_INPUT_SIZE): Mlp {
  const uniform = seededUniform(streamSeed(seed, 1));
  const sizes = [inputSize, ...widths, MNIST_CLASSES];
  const layers: DenseLayer[] = [];
  for (let i = 1; i < sizes.length; i++) {
    const fanIn = sizes[i - 1];
    const fanOut = sizes[i];
    const isOutput = i === sizes.length - 1;
    const limit = isOutput ? Math.sqrt(6 / (fanIn + fanOut)) : Math.sqrt(6 / fanIn);
    const kernel = new Float32Array(fanIn * fanOut);
    for (let k = 0; k < kernel.length; k++) kernel[k] = (2 * uniform() - 1) * limit;
    layers.push({ inputSize: fanIn, units: fanOut, kernel, bias: new Float32Array(fanOut), activation: isOutput ? 'linear' : 'relu' });
  }
  return { layers };
}

/** A macrotask yield, so a worker can take a cancel message between batches; cheaper than setTimeout. */
function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') return new Promise((resolve) => immediate(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export type MatMul = (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/**
 * `matMul(x, w)` whose gradients transpose explicitly before multiplying: the wasm backend's
 * matMul with a transposed operand takes a slow path (about 30x slower for 784x1024 at batch 128).
 * With `inputGradient` false it returns zeros for `x` instead of computing a gradient nobody uses
 * (the first layer's input is data).
 */
export function explicitTransposeMatMul(inputGradient: boolean): MatMul {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([x, w]);
    return {
      value: tf.matMul(x, w),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dw = tf.matMul(tf.transpose(xs), dy as tf.Tensor2D);
        const dx = inputGradient ? tf.matMul(dy as tf.Tensor2D, tf.transpose(ws)) : tf.zerosLike(xs);
        return [dx, dw];
      },
    };
  });
  return (x, w) => op(x, w) as tf.Tensor2D;
}

/** One matMul per layer: explicit transposes on wasm, tfjs's own gradient elsewhere (GPU kernels transpose for free). */
function layerMatMuls(layers: number): MatMul[] {
  if (tf.getBackend() !== 'wasm') return Array.from({ length: layers }, () => (x: tf.Tensor2D, w: tf.Tensor2D) => tf.matMul(x, w));
  return Array.from({ length: layers }, (_, i) => explicitTransposeMatMul(i > 0));
}

interface LayerVariables {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
}

function makeOptimizer(options: TrainOptions): tf.Optimizer {
  return options.optimizer === 'sgd'
    ? tf.train.momentum(options.learningRate, options.momentum)
    : tf.train.adam(options.learningRate);
}

function disposeOptimizer(optimizer: tf.Optimizer, name: TrainOptions['optimizer']): void {
  optimizer.dispose();
  // MomentumOptimizer.dispose (tfjs 4.22) skips SGDOptimizer's, leaking its learning-rate scalar.
  // (instanceof cannot tell: tfjs optimizers answer it by duck typing.)
  if (name === 'sgd') tf.SGDOptimizer.prototype.dispose.call(optimizer as tf.SGDOptimizer);
}

/** Copies the variables out into a plain network shaped like `template`. */
async function readMlp(variables: readonly LayerVariables[], template: Mlp): Promise<Mlp> {
  const layers = await Promise.all(
    variables.map(async ({ kernel, bias }, i): Promise<DenseLayer> => {
      const [k, b] = await Promise.all([kernel.data(), bias.data()]);
      // Copies: some backends hand out their own buffers.
      return { ...template.layers[i], kernel: (k as Float32Array).slice(), bias: (b as Float32Array).slice() };
    }),
  );
  return { layers };
}

/** Batches of each pass over the data: full epochs, then ceil(fraction * batchesPerEpoch) of the last. */
function epochPlan(epochs: number, batchesPerEpoch: number): number[] {
  const full = Math.floor(epochs);
  const plan = Array.from({ length: full }, () => batchesPerEpoch);
  const fraction = epochs - full;
  // The tolerance absorbs float error: 1.3 epochs leave a fraction of 0.30000000000000004, not 4 of 10 batches.
  if (fraction > 1e-9) plan.push(Math.min(batchesPerEpoch, Math.max(1, Math.ceil(fraction * batchesPerEpoch - 1e-9))));
  return plan;
}

/**
 * Trains `initial` (fine-tuning: its architecture and weights as they are) or, when null, a new
 * network of `options.hiddenWidths` initialised from `options.seed`. Same seed, same backend, same
 * result. Rejects with OptionError (bad options, or a network too big for the memory budget) or
 * ModelFormatError (an `initial` that is not a 784-...-10 ReLU network) before allocating.
 */
export async function trainMlp(initial: Mlp | null, data: TrainData, options: TrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  if (initial) checkDenseStack(initial.layers.map((layer, i) => ({ ...layer, name: `dense_${i + 1}` })), true);
  const widths = initial ? hiddenWidths(initial) : [...options.hiddenWidths];
  const resolved: TrainOptions = { ...options, hiddenWidths: widths };
  validateTrainOptions(resolved, { trainImages: data.train.count, testImages: data.test?.count });

  const start = performance.now();
  const trainCount = resolved.trainCount ?? data.train.count;
  const batchSize = Math.min(resolved.batchSize, trainCount);
  const batchesPerEpoch = Math.ceil(trainCount / batchSize);
  const plan = epochPlan(resolved.epochs, batchesPerEpoch);
  const totalBatches = plan.reduce((a, b) => a + b, 0);
  const totalExamples = plan.reduce((sum, batches) => sum + Math.min(trainCount, batches * batchSize), 0);
  const l1 = resolved.activationL1;

  const test = data.test;
  const evaluateCount = test ? (resolved.evaluateCount ?? test.count) : 0;
  const testImages = test ? normalizedImages(test, evaluateCount) : null;
  const testLabels = test ? test.labels.subarray(0, evaluateCount) : null;

  let snapshot: Mlp = initial ? cloneMlp(initial) : initialMlp(widths, resolved.seed);
  const template = snapshot;
  const shuffle = seededUniform(streamSeed(resolved.seed, 2));
  const order = Int32Array.from({ length: trainCount }, (_, i) => i);
  const pixels = data.train.pixels;
  const labels = data.train.labels;

  const variables: LayerVariables[] = [];
  let optimizer: tf.Optimizer | null = null;
  const history: EpochProgress[] = [];
  let epochsCompleted = 0;
  let batchesRun = 0;
  let examplesRun = 0;
  let trainMs = 0;
  let cancelled = false;

  try {
    for (const layer of snapshot.layers) {
      const kernel = tf.tidy(() => tf.variable(tf.tensor2d(layer.kernel, [layer.inputSize, layer.units])));
      try {
        variables.push({ kernel, bias: tf.tidy(() => tf.variable(tf.tensor1d(layer.bias))) });
      } catch (error) {
        kernel.dispose();
        throw error;
      }
    }
    const opt = makeOptimizer(resolved);
    optimizer = opt;
    const varList = variables.flatMap(({ kernel, bias }) => [kernel, bias]);
    const lastLayer = variables.length - 1;
    const matMuls = layerMatMuls(variables.length);

    const step = (batchIndices: Int32Array): tf.Tensor1D => {
      const size = batchIndices.length;
      const batchPixels = new Float32Array(size * MNIST_INPUT_SIZE);
      const batchLabels = new Int32Array(size);
      for (let r = 0; r < size; r++) {
        const index = batchIndices[r];
        const from = index * MNIST_INPUT_SIZE;
        const to = r * MNIST_INPUT_SIZE;
        for (let p = 0; p < MNIST_INPUT_SIZE; p++) batchPixels[to + p] = pixels[from + p] / 255;
        batchLabels[r] = labels[index];
      }
      return tf.tidy(() => {
        const xs = tf.tensor2d(batchPixels, [size, MNIST_INPUT_SIZE]);
        const ys = tf.tensor1d(batchLabels, 'int32');
        const oneHot = tf.oneHot(ys, MNIST_CLASSES);
        const kept: { stats?: tf.Tensor1D } = {};
        opt.minimize(
          () => {
            let activations: tf.Tensor2D = xs;
            let penalty: tf.Scalar | null = null;
            variables.forEach(({ kernel, bias }, i) => {
              const pre = tf.add(matMuls[i](activations, kernel as tf.Tensor2D), bias) as tf.Tensor2D;
              activations = i < lastLayer ? tf.relu(pre) : pre;
              if (i < lastLayer && l1 > 0) {
                // Post-ReLU activations are non-negative, so their sum is their L1 norm.
                const sum = tf.sum(activations) as tf.Scalar;
                penalty = penalty ? (tf.add(penalty, sum) as tf.Scalar) : sum;
              }
            });
            const crossEntropy = tf.losses.softmaxCrossEntropy(oneHot, activations) as tf.Scalar;
            const objective: tf.Scalar = penalty ? tf.add(crossEntropy, tf.mul(penalty, l1 / size)) : crossEntropy;
            const correct = tf.sum(tf.cast(tf.equal(tf.argMax(activations, 1), ys), 'float32'));
            // Kept past minimize's scopes; disposed by the caller of step.
            kept.stats = tf.keep(tf.stack([objective, crossEntropy, correct]) as tf.Tensor1D);
            return objective;
          },
          false,
          varList,
        );
        return kept.stats!;
      });
    };

    for (let e = 0; e < plan.length && !cancelled; e++) {
      const epochStart = performance.now();
      for (let i = trainCount - 1; i > 0; i--) {
        const j = Math.floor(shuffle() * (i + 1));
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      let lossSum = 0;
      let crossEntropySum = 0;
      let correctSum = 0;
      let seen = 0;
      for (let b = 0; b < plan[e]; b++) {
        if (hooks.signal?.aborted) {
          cancelled = true;
          break;
        }
        const batchStart = performance.now();
        const batchIndices = order.subarray(b * batchSize, Math.min(trainCount, (b + 1) * batchSize));
        const stats = step(batchIndices);
        let values: Float32Array;
        try {
          values = (await stats.data()) as Float32Array;
        } finally {
          stats.dispose();
        }
        const size = batchIndices.length;
        const [loss, crossEntropy, correct] = values;
        lossSum += loss * size;
        crossEntropySum += crossEntropy * size;
        correctSum += correct;
        seen += size;
        batchesRun++;
        examplesRun += size;
        await yieldToEventLoop();
        trainMs += performance.now() - batchStart;
        const examplesPerSecond = examplesRun / (trainMs / 1000);
        hooks.onBatch?.({
          epoch: e + 1,
          batch: b + 1,
          batchesPerEpoch,
          totalBatches,
          loss,
          crossEntropy,
          accuracy: correct / size,
          examplesPerSecond,
          etaSeconds: (totalExamples - examplesRun) / examplesPerSecond,
          fraction: batchesRun / totalBatches,
        });
      }
      if (cancelled) break;
      snapshot = await readMlp(variables, template);
      epochsCompleted = e < plan.length - 1 || Number.isInteger(resolved.epochs) ? e + 1 : resolved.epochs;
      const epochMs = performance.now() - epochStart;
      const progress: EpochProgress = {
        epoch: e + 1,
        epochsCompleted,
        batches: plan[e],
        loss: lossSum / seen,
        crossEntropy: crossEntropySum / seen,
        trainAccuracy: correctSum / seen,
        ...(testImages && testLabels ? { testAccuracy: await accuracy(snapshot, testImages, testLabels) } : {}),
        examplesPerSecond: seen / (epochMs / 1000),
        elapsedMs: performance.now() - start,
      };
      history.push(progress);
      hooks.onEpoch?.(progress);
    }
  } finally {
    if (optimizer) disposeOptimizer(optimizer, resolved.optimizer);
    for (const { kernel, bias } of variables) {
      kernel.dispose();
      bias.dispose();
    }
  }

  return {
    model: snapshot,
    cancelled,
    epochsCompleted,
    batchesRun,
    history,
    final: history.length > 0 ? history[history.length - 1] : null,
    elapsedMs: performance.now() - start,
  };
}
