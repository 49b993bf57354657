/**
 * Greedy forward selection on i-SpaSP's residual objective (after Ye et al., 2020): add, one at a
 * time, the neuron whose inclusion lowers ||U - H[:, S] V[S, :]||_F^2 the most.
 *
 * Each step evaluates every candidate against the current residual (`H^T R`, a pass over the
 * calibration data), so its cost grows with s * N * n * d_out: the cost the paper contrasts with
 * i-SpaSP's.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfCancelled, type CancelToken } from '../errors';
import { readValues } from '../tensor-read';
import type { LayerProblem } from './layer-problem';

export interface GfsOptions {
  readonly signal?: CancelToken;
  /** Called after each added neuron with the count so far, for progress bars. */
  readonly onAdded?: (added: number, keep: number) => void;
}

export function gfsSelect(problem: LayerProblem, keep: number, options: GfsOptions = {}): number[] {
  return gfsOrder(problem, keep, options).sort((a, b) => a - b);
}

/**
 * The first `keep` neurons greedy selection adds, in the order it adds them. Greedy selections
 * are nested: the kept set for a smaller `keep` is a prefix of this order.
 */
export function gfsOrder(problem: LayerProblem, keep: number, options: GfsOptions = {}): number[] {
  const selector = greedySelector(problem);
  try {
    selector.add(keep, options);
    return [...selector.order];
  } finally {
    selector.dispose();
  }
}

export interface GreedySelector {
  /** Neurons added so far, in the order greedy selection added them. */
  readonly order: readonly number[];
  /** Adds up to `count` more neurons (fewer when every neuron is taken). */
  add(count: number, options?: GfsOptions): void;
  /** Frees the tensors it holds; the selector cannot add after this. */
  dispose(): void;
}

/**
 * Greedy forward selection that can be advanced a few neurons at a time, so a long run (a
 * sweep to many kept neurons) can yield between slices. The caller disposes.
 */
export function greedySelector(problem: LayerProblem): GreedySelector {
  const { samples, units, outputs, nextKernel: nextKernelValues } = problem;
  const hidden = tf.tensor2d(problem.hidden, [samples, units]);
  const nextKernel = tf.tensor2d(nextKernelValues, [units, outputs]);
  // H^T once, so each step's H^T R is a plain matmul rather than a transpose plus a matmul.
  const hiddenTransposed = tf.transpose(hidden) as tf.Tensor2D;
  const hiddenNormSq = readValues(() => tf.sum(tf.square(hidden), 0));
  const nextRowNormSq = new Float64Array(units);
  for (let j = 0; j < units; j++) {
    let sum = 0;
    for (let k = 0; k < outputs; k++) sum += nextKernelValues[j * outputs + k] ** 2;
    nextRowNormSq[j] = sum;
  }
  const chosen = new Uint8Array(units);
  const order: number[] = [];
  let residual = tf.tensor2d(problem.denseOutput, [samples, outputs]);

  const addOne = () => {
    const correlation = readValues(() => tf.matMul(hiddenTransposed, residual));
    let best = -1;
    let bestGain = -Infinity;
    for (let j = 0; j < units; j++) {
      if (chosen[j]) continue;
      let dot = 0;
      for (let k = 0; k < outputs; k++) dot += correlation[j * outputs + k] * nextKernelValues[j * outputs + k];
      const gain = 2 * dot - hiddenNormSq[j] * nextRowNormSq[j];
      if (gain > bestGain) {
        bestGain = gain;
        best = j;
      }
    }
    chosen[best] = 1;
    order.push(best);
    const next = tf.tidy(() => {
      const column = tf.slice(hidden, [0, best], [-1, 1]);
      const row = tf.slice(nextKernel, [best, 0], [1, -1]);
      return tf.sub(residual, tf.matMul(column, row)) as tf.Tensor2D;
    });
    residual.dispose();
    residual = next;
  };

  return {
    order,
    add(count, options = {}) {
      const target = Math.min(units, order.length + count);
      while (order.length < target) {
        throwIfCancelled(options.signal);
        addOne();
        options.onAdded?.(order.length, target);
      }
    },
    dispose() {
      tf.dispose([residual, hidden, hiddenTransposed, nextKernel]);
    },
  };
}
