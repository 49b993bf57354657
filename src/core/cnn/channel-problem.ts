/**
 * Everything one hidden layer's channel pruning needs that does not depend on which channels are
 * kept (ALGORITHM.md, "Convolutional layers"), reduced to C x C matrices after one pass:
 *
 * - `next` is the following linear layer without its bias, seen as a convolution: a Conv2D as it
 *   is, a Dense after a Flatten as a `valid` convolution whose kernel covers the whole map
 *   (`[h, w, C, O]`, the Flatten's NHWC row order), a Dense after a Dense as a 1x1 convolution.
 * - `gram[c][c'] = <C_c, C_c'>` summed over samples, with `C_c = next(H * e_c)` channel c's
 *   contribution alone. Every residual follows from it: `R = sum_{c not in S} C_c`, so
 *   `||R||^2 = (1 - m_S)^T G (1 - m_S)` and `||U||^2` is the sum of G.
 * - `coupling[c][c'] = <next(E_c), next(Hbar * e_c')>` with `Hbar` the activations summed over
 *   samples: the importance `z_c = <R, next(E_c)>` summed over samples is `K (1 - m_S)` (the
 *   issue's closed form; `next` is linear).
 *
 * G comes from whichever exact route is cheaper for the layer shapes: the Gram matrix of the
 * patches the next layer reads (one GEMM), or every channel's contribution from one depthwise
 * convolution of H with the next kernel (channel multiplier O: output channel `c * O + o` is
 * channel c's contribution to output o); both batched over samples to bound memory.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfCancelled, type CancelToken } from '../errors';
import { readValues } from '../tensor-read';
import type { Padding } from './cnn';

/** The next linear layer as a convolution over H (see the file comment). */
export interface NextConvView {
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  /** Row-major `[kh, kw, C, O]`. */
  readonly kernel: Float32Array;
  readonly outputs: number;
}

export interface ChannelProblem {
  readonly samples: number;
  readonly channels: number;
  /** `hbar_c`: H summed over samples and positions, float64. */
  readonly hiddenSums: Float64Array;
  /** G, row-major `C x C`, float64. */
  readonly gram: Float64Array;
  /** K, row-major `C x C`, float64. */
  readonly coupling: Float64Array;
  /** `||U||_F`. */
  readonly denseOutputNorm: number;
  /** `z = K (1 - m_S)`. */
  importance(kept: readonly number[]): Float64Array;
  /** `||U - next(H * m_S)||_F / ||U||_F`. */
  relativeResidual(kept: readonly number[]): number;
}

export interface ChannelProblemOptions {
  /** Samples per depthwise pass (memory bound). */
  readonly batchSize?: number;
  readonly signal?: CancelToken;
  /** Force one of the two exact routes to G (tests compare them); default: the cheaper. */
  readonly route?: 'patches' | 'contributions';
}

/** `hidden` is H, `[n, h, w, C]`; it is not disposed. */
export async function buildChannelProblem(hidden: tf.Tensor4D, next: NextConvView, options: ChannelProblemOptions = {}): Promise<ChannelProblem> {
  const [samples, , , channels] = hidden.shape;
  const { outputs } = next;
  const [kh, kw] = next.kernelSize;
  const filter = tf.tensor4d(next.kernel, [kh, kw, channels, outputs]);
  try {
    const contributions = (x: tf.Tensor4D) => tf.depthwiseConv2d(x, filter, next.strides as [number, number], next.padding);
    const route = options.route ?? (usePatchGram(hidden.shape, next) ? 'patches' : 'contributions');
    const gram = route === 'patches'
      ? await patchGram(hidden, next, options)
      : await contributionGram(hidden, contributions, outputs, options);
    const sums = await readValues(() => tf.sum(hidden, [0, 1, 2]));
    const hiddenSums = Float64Array.from(sums);
    const couplingValues = await readValues(() => {
      // Image 0 is E (all ones), image 1 is Hbar; their per-channel contributions give Q_c and B_c'.
      const summed = tf.sum(hidden, 0, true);
      const pair = tf.concat([tf.onesLike(summed), summed], 0) as tf.Tensor4D;
      const both = tf.reshape(contributions(pair), [2, -1, channels, outputs]);
      const q = tf.reshape(tf.transpose(tf.slice(both, [0, 0, 0, 0], [1, -1, channels, outputs]), [2, 0, 1, 3]), [channels, -1]) as tf.Tensor2D;
      const b = tf.reshape(tf.transpose(tf.slice(both, [1, 0, 0, 0], [1, -1, channels, outputs]), [0, 1, 3, 2]), [-1, channels]) as tf.Tensor2D;
      return tf.matMul(q, b);
    });
    const coupling = Float64Array.from(couplingValues);
    let totalSq = 0;
    for (let k = 0; k < gram.length; k++) totalSq += gram[k];
    const denseOutputNorm = Math.sqrt(Math.max(0, totalSq));
    return {
      samples,
      channels,
      hiddenSums,
      gram,
      coupling,
      denseOutputNorm,
      importance(kept) {
        const outside = complementMask(channels, kept);
        const z = new Float64Array(channels);
        for (let c = 0; c < channels; c++) {
          let sum = 0;
          for (let d = 0; d < channels; d++) if (outside[d]) sum += coupling[c * channels + d];
          z[c] = sum;
        }
        return z;
      },
      relativeResidual(kept) {
        if (kept.length >= channels) return 0;
        const outside = complementMask(channels, kept);
        let residualSq = 0;
        for (let c = 0; c < channels; c++) {
          if (!outside[c]) continue;
          for (let d = 0; d < channels; d++) if (outside[d]) residualSq += gram[c * channels + d];
        }
        if (denseOutputNorm === 0) return residualSq > 0 ? Infinity : 0;
        return Math.sqrt(Math.max(0, residualSq)) / denseOutputNorm;
      },
    };
  } finally {
    filter.dispose();
  }
}

type Shape4 = readonly [number, number, number, number];

/** Output positions of `next` over an `h x w` map. */
function outputPositions(height: number, width: number, next: NextConvView): number {
  const size = (n: number, k: number, stride: number) => (next.padding === 'same' ? Math.ceil(n / stride) : Math.floor((n - k) / stride) + 1);
  return size(height, next.kernelSize[0], next.strides[0]) * size(width, next.kernelSize[1], next.strides[1]);
}

/**
 * Which of the two exact ways to G is cheaper: through the patches' Gram matrix
 * (`(taps * C)^2` per output position, one dense GEMM) or through every channel's contribution
 * (a depthwise convolution with channel multiplier O, several times slower per operation in
 * tfjs's wasm kernels, then `C^2 O` per position).
 */
function usePatchGram(shape: Shape4, next: NextConvView): boolean {
  const [samples, height, width, channels] = shape;
  const taps = next.kernelSize[0] * next.kernelSize[1];
  // Per sample and output position; the patch route's final contraction runs once in JavaScript.
  const patch = (taps * channels) ** 2 * 2 + (channels * channels * taps * taps * next.outputs * 2) / (samples * outputPositions(height, width, next));
  // Measured on tfjs-wasm: a depthwise convolution with a channel multiplier runs some 25x slower per multiply-add than conv2d or matMul.
  const contribution = channels * next.outputs * taps * 25 + channels * channels * next.outputs;
  return patch <= contribution;
}

/** `batch` samples at a time, keeping a batch's intermediate near 4M floats (16 MB). */
function batchesOf(samples: number, floatsPerSample: number, options: ChannelProblemOptions): number {
  return options.batchSize ?? Math.max(1, Math.min(samples, Math.floor(4_000_000 / Math.max(1, floatsPerSample))));
}

/**
 * G through the patches: with `P` the patches (columns `t * C + c`, kernel order) and `M = P^T P`
 * summed over samples and positions, `G[c, c'] = sum_{t, t', o} W[t, c, o] M[tC + c, t'C + c'] W[t', c', o]`.
 */
async function patchGram(hidden: tf.Tensor4D, next: NextConvView, options: ChannelProblemOptions): Promise<Float64Array> {
  const [samples, height, width, channels] = hidden.shape;
  const [kh, kw] = next.kernelSize;
  const taps = kh * kw;
  const columns = taps * channels;
  const whole = next.padding === 'valid' && kh === height && kw === width;
  // A 0/1 filter whose output t * C + c copies tap t of channel c: the patches in kernel order.
  const pick = whole ? null : tf.tidy(() => {
    const values = new Float32Array(taps * channels * columns);
    for (let t = 0; t < taps; t++) for (let c = 0; c < channels; c++) values[(t * channels + c) * columns + t * channels + c] = 1;
    return tf.tensor4d(values, [kh, kw, channels, columns]);
  });
  const patchMoments = new Float64Array(columns * columns);
  try {
    const batchSize = batchesOf(samples, outputPositions(height, width, next) * columns * 2, options);
    for (let start = 0; start < samples; start += batchSize) {
      throwIfCancelled(options.signal);
      const size = Math.min(batchSize, samples - start);
      const partial = await readValues(() => {
        const batch = tf.slice(hidden, [start, 0, 0, 0], [size, height, width, channels]);
        const patches = tf.reshape(pick ? tf.conv2d(batch, pick, next.strides as [number, number], next.padding) : batch, [-1, columns]) as tf.Tensor2D;
        // An explicit transpose: wasm's matMul with a transposed operand takes a slow path.
        return tf.matMul(tf.transpose(patches), patches);
      });
      for (let k = 0; k < partial.length; k++) patchMoments[k] += partial[k];
    }
  } finally {
    pick?.dispose();
  }
  const { outputs, kernel } = next;
  const gram = new Float64Array(channels * channels);
  // With A[tC + c, o] = W[t, c, o]: B[i, d, o] = sum_u M[i, uC + d] A[uC + d, o], then
  // G[c, d] = sum_t sum_o A[tC + c, o] B[tC + c, d, o].
  const spread = new Float64Array(columns * channels * outputs);
  for (let i = 0; i < columns; i++) {
    const row = i * columns;
    for (let j = 0; j < columns; j++) {
      const m = patchMoments[row + j];
      if (m === 0) continue;
      const from = j * outputs;
      const to = (i * channels + (j % channels)) * outputs;
      for (let o = 0; o < outputs; o++) spread[to + o] += m * kernel[from + o];
    }
  }
  for (let i = 0; i < columns; i++) {
    const c = i % channels;
    for (let d = 0; d < channels; d++) {
      const at = (i * channels + d) * outputs;
      let dot = 0;
      for (let o = 0; o < outputs; o++) dot += kernel[i * outputs + o] * spread[at + o];
      gram[c * channels + d] += dot;
    }
  }
  return gram;
}

/** G through every channel's contribution: one depthwise convolution with channel multiplier O. */
async function contributionGram(hidden: tf.Tensor4D, contributions: (x: tf.Tensor4D) => tf.Tensor4D, outputs: number, options: ChannelProblemOptions): Promise<Float64Array> {
  const [samples, height, width, channels] = hidden.shape;
  const batchSize = batchesOf(samples, height * width * channels * outputs, options);
  const gram = new Float64Array(channels * channels);
  for (let start = 0; start < samples; start += batchSize) {
    throwIfCancelled(options.signal);
    const size = Math.min(batchSize, samples - start);
    const partial = await readValues(() => {
      const batch = tf.slice(hidden, [start, 0, 0, 0], [size, height, width, channels]);
      const byChannel = tf.transpose(tf.reshape(contributions(batch), [-1, channels, outputs]), [1, 0, 2]);
      const rows = tf.reshape(byChannel, [channels, -1]) as tf.Tensor2D;
      return tf.matMul(rows, tf.transpose(rows));
    });
    for (let k = 0; k < partial.length; k++) gram[k] += partial[k];
  }
  return gram;
}

function complementMask(channels: number, kept: readonly number[]): Uint8Array {
  const outside = new Uint8Array(channels).fill(1);
  for (const c of kept) outside[c] = 0;
  return outside;
}

/**
 * Greedy forward selection on the residual (ALGORITHM.md's GFS), channel by channel: with G,
 * `gain_c = 2 <R, C_c> - ||C_c||^2 = 2 sum_{d not in S} G[d, c] - G[c, c]`. Returns the channels in
 * the order greedy selection adds them.
 */
export function gfsChannelOrder(problem: ChannelProblem, keep: number, signal?: CancelToken): number[] {
  const { channels, gram } = problem;
  const chosen = new Uint8Array(channels);
  // residualDot[c] = <R, C_c> for the current R (starting with R = U).
  const residualDot = new Float64Array(channels);
  for (let c = 0; c < channels; c++) for (let d = 0; d < channels; d++) residualDot[c] += gram[d * channels + c];
  const order: number[] = [];
  const target = Math.min(keep, channels);
  while (order.length < target) {
    throwIfCancelled(signal);
    let best = -1;
    let bestGain = -Infinity;
    for (let c = 0; c < channels; c++) {
      if (chosen[c]) continue;
      const gain = 2 * residualDot[c] - gram[c * channels + c];
      if (gain > bestGain) {
        bestGain = gain;
        best = c;
      }
    }
    chosen[best] = 1;
    order.push(best);
    for (let c = 0; c < channels; c++) residualDot[c] -= gram[best * channels + c];
  }
  return order;
}
