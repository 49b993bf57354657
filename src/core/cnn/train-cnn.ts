/**
 * Training of a small MNIST CNN from a seed, in Node (npm run train-models) and, later, in the
 * worker. tfjs-backend-wasm has no Conv2D filter gradient (Conv2DBackpropFilter) and no
 * StridedSlice gradient, so each convolution's filter gradient is computed here as patches^T dy
 * (trainableConv2d); the forward pass is tf.conv2d as in inference (cnn-forward.ts). Same seed, same backend, same weights.
 */
import * as tf from '@tensorflow/tfjs';
import type { MnistSplit } from '../data/mnist';
import type { CancelToken } from '../errors';
import { MNIST_CLASSES } from '../model/mlp';
import { seededUniform } from '../pruning/baselines';
import { explicitTransposeMatMul, streamSeed, type MatMul } from '../train/train';
import { activationShapes, type Cnn, type CnnLayer, type Padding, type WeightedLayer } from './cnn';

export type CnnLayerSpec =
  | { readonly kind: 'conv'; readonly filters: number; readonly kernelSize: number; readonly strides: number; readonly padding: Padding }
  | { readonly kind: 'maxpool' | 'avgpool'; readonly poolSize: number }
  | { readonly kind: 'flatten' }
  | { readonly kind: 'dense'; readonly units: number };

export interface CnnTrainOptions {
  /** Hidden layers; a Dense output layer of 10 logits is appended. */
  readonly architecture: readonly CnnLayerSpec[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /**
   * 'constant' (the default) keeps `learningRate`; 'cosine' anneals it batch by batch from
   * `learningRate` at the first batch to `finalLearningRate` at the last (half a cosine wave).
   */
  readonly learningRateSchedule?: 'constant' | 'cosine';
  readonly finalLearningRate?: number;
  /** Weight of the batch mean of summed hidden ReLU outputs (conv and dense) added to the loss. */
  readonly activationL1: number;
  readonly seed: number;
}

/** The learning rate of batch `step` (0-based) of `totalSteps`. */
export function scheduledLearningRate(options: Pick<CnnTrainOptions, 'learningRate' | 'learningRateSchedule' | 'finalLearningRate'>, step: number, totalSteps: number): number {
  if ((options.learningRateSchedule ?? 'constant') === 'constant') return options.learningRate;
  const final = options.finalLearningRate ?? 0;
  const progress = totalSteps > 1 ? step / (totalSteps - 1) : 1;
  return final + (options.learningRate - final) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

export const MNIST_IMAGE_SHAPE = [28, 28, 1] as const;

/** He-uniform kernels on ReLU layers, Glorot-uniform on the output layer, zero biases, from `seed`. */
export function initialCnn(architecture: readonly CnnLayerSpec[], seed: number, inputShape: readonly [number, number, number] = MNIST_IMAGE_SHAPE): Cnn {
  const uniform = seededUniform(streamSeed(seed, 1));
  const specs: CnnLayerSpec[] = [...architecture, { kind: 'dense', units: MNIST_CLASSES }];
  const layers: CnnLayer[] = [];
  let shape = inputShape;
  const draw = (count: number, limit: number) => {
    const values = new Float32Array(count);
    for (let k = 0; k < count; k++) values[k] = (2 * uniform() - 1) * limit;
    return values;
  };
  specs.forEach((spec, i) => {
    const isOutput = i === specs.length - 1;
    let layer: CnnLayer;
    if (spec.kind === 'conv') {
      const fanIn = spec.kernelSize * spec.kernelSize * shape[2];
      layer = {
        kind: 'conv',
        kernelSize: [spec.kernelSize, spec.kernelSize],
        strides: [spec.strides, spec.strides],
        padding: spec.padding,
        inChannels: shape[2],
        filters: spec.filters,
        kernel: draw(fanIn * spec.filters, Math.sqrt(6 / fanIn)),
        bias: new Float32Array(spec.filters),
        activation: 'relu',
      };
    } else if (spec.kind === 'dense') {
      const fanIn = shape[0] * shape[1] * shape[2];
      const limit = isOutput ? Math.sqrt(6 / (fanIn + spec.units)) : Math.sqrt(6 / fanIn);
      layer = { kind: 'dense', inputSize: fanIn, units: spec.units, kernel: draw(fanIn * spec.units, limit), bias: new Float32Array(spec.units), activation: isOutput ? 'linear' : 'relu' };
    } else if (spec.kind === 'flatten') {
      layer = { kind: 'flatten' };
    } else {
      layer = { kind: spec.kind, poolSize: [spec.poolSize, spec.poolSize], strides: [spec.poolSize, spec.poolSize], padding: 'valid' };
    }
    layers.push(layer);
    shape = activationShapes({ inputShape: shape, layers: [layer] })[1];
  });
  return { inputShape, layers };
}

/**
 * Patches of `x` for a `kh x kw` window, `[n * oh * ow, kh * kw * c]` with columns in kernel
 * order `(dy * kw + dx) * c + ci`, with tfjs's stride and padding rules: one depthwise
 * convolution with a 0/1 filter (channel ci's output q = dy * kw + dx picks that tap), then a
 * transpose to kernel order. Not differentiable on wasm (no depthwise filter gradient needed).
 */
export function imageToColumns(x: tf.Tensor4D, kh: number, kw: number, strides: readonly [number, number], padding: Padding): tf.Tensor2D {
  return tf.tidy(() => {
    const channels = x.shape[3];
    const taps = kh * kw;
    const pick = new Float32Array(taps * channels * taps);
    for (let q = 0; q < taps; q++) for (let c = 0; c < channels; c++) pick[(q * channels + c) * taps + q] = 1;
    const byChannel = tf.depthwiseConv2d(x, tf.tensor4d(pick, [kh, kw, channels, taps]), strides as [number, number], padding);
    const [n, oh, ow] = byChannel.shape;
    return tf.reshape(tf.transpose(tf.reshape(byChannel, [n * oh * ow, channels, taps]), [0, 2, 1]), [n * oh * ow, taps * channels]) as tf.Tensor2D;
  });
}

/**
 * `conv2d(x, w)` trainable on every backend: the filter gradient is patches^T dy (one matMul with
 * an explicit transpose), the input gradient tfjs's conv2dTranspose, or zeros for data inputs.
 */
export function trainableConv2d(strides: readonly [number, number], padding: Padding, inputGradient: boolean): (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x, w]);
    return {
      value: tf.conv2d(x, w, strides as [number, number], padding),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [kh, kw, , outputs] = ws.shape;
        const columns = imageToColumns(xs, kh, kw, strides, padding);
        const dw = tf.reshape(tf.matMul(tf.transpose(columns), tf.reshape(dy, [-1, outputs])), ws.shape);
        const dx = inputGradient ? inputGradientOf(dy as tf.Tensor4D, ws, xs.shape, strides, padding) : tf.zerosLike(xs);
        return [dx, dw];
      },
    };
  });
  return (x, w) => op(x, w) as tf.Tensor4D;
}

/**
 * The gradient of `conv2d(x, w)` with respect to `x`. At stride 1 it is a plain convolution of
 * `dy`, zero-padded by the kernel size less one (less the forward padding), with the kernel turned
 * by 180 degrees and its in/out axes swapped: on wasm that is several times faster than
 * tfjs's conv2dTranspose (XNNPACK runs conv2d; conv2dTranspose has a slower path), same sums.
 * Other strides use conv2dTranspose.
 */
export function inputGradientOf(dy: tf.Tensor4D, w: tf.Tensor4D, xShape: [number, number, number, number], strides: readonly [number, number], padding: Padding): tf.Tensor4D {
  const [kh, kw] = w.shape;
  if (strides[0] !== 1 || strides[1] !== 1) return tf.conv2dTranspose(dy, w, xShape, strides as [number, number], padding);
  return tf.tidy(() => {
    // tfjs 'same' at stride 1 pads floor((k - 1) / 2) before and the rest after.
    const before = (k: number) => (padding === 'same' ? Math.floor((k - 1) / 2) : 0);
    const after = (k: number) => (padding === 'same' ? k - 1 - Math.floor((k - 1) / 2) : 0);
    const padded = tf.pad(dy, [
      [0, 0],
      [kh - 1 - before(kh), kh - 1 - after(kh)],
      [kw - 1 - before(kw), kw - 1 - after(kw)],
      [0, 0],
    ]);
    const turned = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(padded, turned, 1, 'valid');
  });
}

interface Variables {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
}

export interface CnnEpochProgress {
  readonly epoch: number;
  readonly loss: number;
  readonly trainAccuracy: number;
  readonly examplesPerSecond: number;
}

export interface CnnTrainHooks {
  onEpoch?(progress: CnnEpochProgress): void;
  /** The weights after each epoch (the same as a run of `epoch` epochs ends with). */
  onEpochModel?(epoch: number, model: Cnn): void;
  onBatch?(batch: number, batchesPerEpoch: number, examplesPerSecond: number): void;
  signal?: CancelToken;
}

/**
 * Trains a new CNN of `options.architecture` on `train` from `options.seed`, or fine-tunes
 * `start` (its architecture and weights as they are; `options.architecture` is then ignored).
 */
export async function trainCnn(train: MnistSplit, options: CnnTrainOptions, hooks: CnnTrainHooks = {}, start?: Cnn): Promise<Cnn> {
  const initial = start ?? initialCnn(options.architecture, options.seed);
  const [height, width, channels] = initial.inputShape;
  const perImage = height * width * channels;
  const shuffle = seededUniform(streamSeed(options.seed, 2));
  const order = Int32Array.from({ length: train.count }, (_, i) => i);
  const batchesPerEpoch = Math.ceil(train.count / options.batchSize);
  const variables = new Map<number, Variables>();
  const matMuls = new Map<number, MatMul>();
  const convs = new Map<number, (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D>();
  initial.layers.forEach((layer, i) => {
    if (layer.kind !== 'conv' && layer.kind !== 'dense') return;
    const shape = layer.kind === 'conv' ? [layer.kernelSize[0] * layer.kernelSize[1] * layer.inChannels, layer.filters] : [layer.inputSize, layer.units];
    variables.set(i, { kernel: tf.variable(tf.tensor2d(layer.kernel, shape as [number, number])), bias: tf.variable(tf.tensor1d(layer.bias)) });
    // The first weighted layer's input is data: no gradient wanted for it.
    matMuls.set(i, explicitTransposeMatMul(variables.size > 1));
    if (layer.kind === 'conv') convs.set(i, trainableConv2d(layer.strides, layer.padding, variables.size > 1));
  });
  const optimizer = tf.train.adam(options.learningRate);
  // tfjs's Adam reads its learning rate at every step; the schedule sets it before each batch.
  const adam = optimizer as unknown as { learningRate: number };
  const lastLayer = initial.layers.length - 1;
  const varList = [...variables.values()].flatMap(({ kernel, bias }) => [kernel, bias]);
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      for (let i = train.count - 1; i > 0; i--) {
        const j = Math.floor(shuffle() * (i + 1));
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      let lossSum = 0;
      let correctSum = 0;
      const started = performance.now();
      for (let b = 0; b < batchesPerEpoch; b++) {
        if (hooks.signal?.aborted) throw new Error('training cancelled');
        adam.learningRate = scheduledLearningRate(options, (epoch - 1) * batchesPerEpoch + b, options.epochs * batchesPerEpoch);
        const indices = order.subarray(b * options.batchSize, Math.min(train.count, (b + 1) * options.batchSize));
        const size = indices.length;
        const pixels = new Float32Array(size * perImage);
        const labels = new Int32Array(size);
        for (let r = 0; r < size; r++) {
          const from = indices[r] * perImage;
          for (let p = 0; p < perImage; p++) pixels[r * perImage + p] = train.pixels[from + p] / 255;
          labels[r] = train.labels[indices[r]];
        }
        const stats = tf.tidy(() => {
          const xs = tf.tensor4d(pixels, [size, height, width, channels]);
          const ys = tf.tensor1d(labels, 'int32');
          const oneHot = tf.oneHot(ys, MNIST_CLASSES);
          const kept: { stats?: tf.Tensor1D } = {};
          optimizer.minimize(
            () => {
              let h: tf.Tensor4D = xs;
              let penalty: tf.Scalar | null = null;
              initial.layers.forEach((layer, i) => {
                h = trainingLayer(h, layer, variables.get(i), matMuls.get(i), convs.get(i));
                if (i < lastLayer && (layer.kind === 'conv' || layer.kind === 'dense') && options.activationL1 > 0) {
                  const sum = tf.sum(h) as tf.Scalar;
                  penalty = penalty ? (tf.add(penalty, sum) as tf.Scalar) : sum;
                }
              });
              const logits = tf.reshape(h, [size, MNIST_CLASSES]) as tf.Tensor2D;
              const crossEntropy = tf.losses.softmaxCrossEntropy(oneHot, logits) as tf.Scalar;
              const objective: tf.Scalar = penalty ? tf.add(crossEntropy, tf.mul(penalty, options.activationL1 / size)) : crossEntropy;
              kept.stats = tf.keep(tf.stack([objective, tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), ys), 'float32'))]) as tf.Tensor1D);
              return objective;
            },
            false,
            varList,
          );
          return kept.stats!;
        });
        const [loss, correct] = (await stats.data()) as Float32Array;
        stats.dispose();
        lossSum += loss * size;
        correctSum += correct;
        hooks.onBatch?.(b + 1, batchesPerEpoch, ((b + 1) * options.batchSize) / ((performance.now() - started) / 1000));
      }
      if (hooks.onEpochModel) hooks.onEpochModel(epoch, await readCnn(initial, variables));
      hooks.onEpoch?.({ epoch, loss: lossSum / train.count, trainAccuracy: correctSum / train.count, examplesPerSecond: train.count / ((performance.now() - started) / 1000) });
    }
    return await readCnn(initial, variables);
  } finally {
    optimizer.dispose();
    for (const { kernel, bias } of variables.values()) {
      kernel.dispose();
      bias.dispose();
    }
  }
}

/** Copies the variables out into a Cnn shaped like `template`. */
async function readCnn(template: Cnn, variables: ReadonlyMap<number, Variables>): Promise<Cnn> {
  const layers = await Promise.all(
    template.layers.map(async (layer, i): Promise<CnnLayer> => {
      const v = variables.get(i);
      if (!v) return layer;
      const [kernel, bias] = await Promise.all([v.kernel.data(), v.bias.data()]);
      return { ...(layer as WeightedLayer), kernel: (kernel as Float32Array).slice(), bias: (bias as Float32Array).slice() };
    }),
  );
  return { inputShape: template.inputShape, layers };
}

function trainingLayer(h: tf.Tensor4D, layer: CnnLayer, v: Variables | undefined, matMul: MatMul | undefined, conv: ((x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D) | undefined): tf.Tensor4D {
  const [n, height, width, channels] = h.shape;
  switch (layer.kind) {
    case 'conv': {
      const [kh, kw] = layer.kernelSize;
      const kernel = tf.reshape(v!.kernel, [kh, kw, layer.inChannels, layer.filters]) as tf.Tensor4D;
      return tf.relu(tf.add(conv!(h, kernel), v!.bias)) as tf.Tensor4D;
    }
    case 'dense': {
      const pre = tf.add(matMul!(tf.reshape(h, [n, height * width * channels]), v!.kernel as tf.Tensor2D), v!.bias);
      return tf.reshape(layer.activation === 'relu' ? tf.relu(pre) : pre, [n, 1, 1, layer.units]);
    }
    case 'maxpool':
      return tf.maxPool(h, layer.poolSize as [number, number], layer.strides as [number, number], layer.padding);
    case 'avgpool':
      return tf.avgPool(h, layer.poolSize as [number, number], layer.strides as [number, number], layer.padding);
    case 'flatten':
      return tf.reshape(h, [n, 1, 1, height * width * channels]);
  }
}
