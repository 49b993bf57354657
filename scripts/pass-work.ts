/**
 * The calibration pass's useful work, as the benches count it: the multiply-adds whose inputs are
 * not zero, which are the ones its kernels do (both skip zeros).
 *   relu(X W + b): one per non-zero pixel of X and neuron, nnz(X) N;
 *   U = H V (float64): one per non-zero activation of H and output of the next layer, nnz(H) d_out.
 * The column sums of H (n N additions) are left out. Two flops per multiply-add.
 */
import type { DenseLayer } from '../src/core/model/mlp';
import { hiddenRepresentation } from '../src/core/pruning/layer-problem';

export interface PassWork {
  /** Useful flops of relu(X W + b) alone. */
  readonly reluFlops: number;
  /** Useful flops of the whole pass: relu(X W + b) and U = H V. */
  readonly passFlops: number;
  /** Non-zero activations of H (share of n N): what U = H V's work depends on. */
  readonly hiddenDensity: number;
}

/** Entries that are not zero (NaN counts, as the kernels keep it). */
export function nonZeros(values: ArrayLike<number>): number {
  let count = 0;
  for (let k = 0; k < values.length; k++) if (values[k] !== 0) count++;
  return count;
}

/** The work of the pass over `samples` rows of `inputs` through `layer`, then `next`. */
export function passWork(inputs: Float32Array, samples: number, layer: DenseLayer, next: DenseLayer): PassWork {
  const { hidden } = hiddenRepresentation(inputs, samples, layer);
  const hiddenNonZeros = nonZeros(hidden);
  const reluFlops = 2 * nonZeros(inputs) * layer.units;
  return { reluFlops, passFlops: reluFlops + 2 * hiddenNonZeros * next.units, hiddenDensity: hiddenNonZeros / hidden.length };
}
