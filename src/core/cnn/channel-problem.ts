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
 * The contributions of all channels come from one depthwise convolution of H with the next
 * kernel (channel multiplier O: output channel `c * O + o` is channel c's contribution to output
 * o), batched over samples to bound memory.
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
}

/** `hidden` is H, `[n, h, w, C]`; it is not disposed. */
export function buildChannelProblem(hidden: tf.Tensor4D, next: NextConvView, options: ChannelProblemOptions = {}): ChannelProblem {
  const [samples, height, width, channels] = hidden.shape;
  const { outputs } = next;
  const [kh, kw] = next.kernelSize;
  const filter = tf.tensor4d(next.kernel, [kh, kw, channels, outputs]);
  try {
    const contributions = (x: tf.Tensor4D) => tf.depthwiseConv2d(x, filter, next.strides as [number, number], next.padding);
    // A batch's contributions take batch * h' * w' * C * O floats; keep that near 4M (16 MB).
    const perSample = Math.max(1, height * width * channels * outputs);
    const batchSize = options.batchSize ?? Math.max(1, Math.min(samples, Math.floor(4_000_000 / perSample)));
    const gram = new Float64Array(channels * channels);
    for (let start = 0; start < samples; start += batchSize) {
      throwIfCancelled(options.signal);
      const size = Math.min(batchSize, samples - start);
      const partial = readValues(() => {
        const batch = tf.slice(hidden, [start, 0, 0, 0], [size, height, width, channels]);
        const byChannel = tf.transpose(tf.reshape(contributions(batch), [-1, channels, outputs]), [1, 0, 2]);
        const rows = tf.reshape(byChannel, [channels, -1]) as tf.Tensor2D;
        // An explicit transpose: wasm's matMul with a transposed operand takes a slow path.
        return tf.matMul(rows, tf.transpose(rows));
      });
      for (let k = 0; k < partial.length; k++) gram[k] += partial[k];
    }
    const sums = readValues(() => tf.sum(hidden, [0, 1, 2]));
    const hiddenSums = Float64Array.from(sums);
    const couplingValues = readValues(() => {
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
