/**
 * Greedy forward selection on i-SpaSP's residual objective (after Ye et al., 2020): add, one at a
 * time, the neuron whose inclusion lowers ||U - H[:, S] V[S, :]||_F^2 the most.
 *
 * Each step evaluates every candidate against the current residual (`H^T R`, a pass over the
 * calibration data), so its cost grows with s * N * n * d_out: the cost the paper contrasts with
 * i-SpaSP's. It runs on typed arrays in float64 (no tfjs), skipping H's zeros, so its choices are
 * the same on every backend.
 */
import { throwIfCancelled, type CancelToken } from '../errors';
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
  /** Lets go of its buffers; the selector cannot add after this. */
  dispose(): void;
}

/**
 * Greedy forward selection that can be advanced a few neurons at a time, so a long run (a
 * sweep to many kept neurons) can yield between slices. The caller disposes.
 */
export function greedySelector(problem: LayerProblem): GreedySelector {
  const { samples, units, outputs, hidden, nextKernel } = problem;
  // H's non-zeros row by row, so each step's H^T R costs nnz(H) * d_out, not n * N * d_out.
  const rowStart = new Int32Array(samples + 1);
  for (let i = 0; i < samples; i++) {
    let count = 0;
    for (let j = i * units, end = j + units; j < end; j++) if (hidden[j] !== 0) count++;
    rowStart[i + 1] = rowStart[i] + count;
  }
  let columns: Int32Array | null = new Int32Array(rowStart[samples]);
  let values: Float32Array | null = new Float32Array(rowStart[samples]);
  const hiddenNormSq = new Float64Array(units);
  for (let i = 0, p = 0; i < samples; i++) {
    for (let j = 0; j < units; j++) {
      const value = hidden[i * units + j];
      if (value === 0) continue;
      columns[p] = j;
      values[p++] = value;
      hiddenNormSq[j] += value * value;
    }
  }
  const nextRowNormSq = new Float64Array(units);
  for (let j = 0; j < units; j++) {
    let sum = 0;
    for (let k = 0; k < outputs; k++) sum += nextKernel[j * outputs + k] ** 2;
    nextRowNormSq[j] = sum;
  }
  const chosen = new Uint8Array(units);
  const order: number[] = [];
  const residual = Float64Array.from(problem.denseOutput);
  const correlation = new Float64Array(units * outputs);

  const addOne = (cols: Int32Array, vals: Float32Array) => {
    // correlation = H^T R, rows of H summed in order.
    correlation.fill(0);
    for (let i = 0; i < samples; i++) {
      const from = i * outputs;
      for (let p = rowStart[i]; p < rowStart[i + 1]; p++) {
        const value = vals[p];
        const to = cols[p] * outputs;
        for (let k = 0; k < outputs; k++) correlation[to + k] += value * residual[from + k];
      }
    }
    let best = -1;
    let bestGain = -Infinity;
    for (let j = 0; j < units; j++) {
      if (chosen[j]) continue;
      let dot = 0;
      for (let k = 0; k < outputs; k++) dot += correlation[j * outputs + k] * nextKernel[j * outputs + k];
      const gain = 2 * dot - hiddenNormSq[j] * nextRowNormSq[j];
      if (gain > bestGain) {
        bestGain = gain;
        best = j;
      }
    }
    chosen[best] = 1;
    order.push(best);
    // R -= H[:, best] V[best, :]
    for (let i = 0; i < samples; i++) {
      const value = hidden[i * units + best];
      if (value === 0) continue;
      for (let k = 0; k < outputs; k++) residual[i * outputs + k] -= value * nextKernel[best * outputs + k];
    }
  };

  return {
    order,
    add(count, options = {}) {
      if (!columns || !values) throw new Error('greedy selector used after dispose()');
      const target = Math.min(units, order.length + count);
      while (order.length < target) {
        throwIfCancelled(options.signal);
        addOne(columns, values);
        options.onAdded?.(order.length, target);
      }
    },
    dispose() {
      columns = null;
      values = null;
    },
  };
}
