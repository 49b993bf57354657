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

/** A scan checks for a cancel every 256 candidate neurons. */
const SCAN_CHECK_MASK = 255;

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
  // H's non-zeros column by column (rows ascending), so each step's H^T R costs nnz(H) * d_out,
  // not n * N * d_out, and each neuron's correlation builds up in a few local sums.
  const columnStart = new Int32Array(units + 1);
  for (let m = 0; m < hidden.length; m++) if (hidden[m] !== 0) columnStart[(m % units) + 1]++;
  for (let j = 0; j < units; j++) columnStart[j + 1] += columnStart[j];
  let rows: Int32Array | null = new Int32Array(columnStart[units]);
  let values: Float32Array | null = new Float32Array(columnStart[units]);
  const fill = columnStart.slice(0, units);
  const hiddenNormSq = new Float64Array(units);
  for (let i = 0; i < samples; i++) {
    for (let j = 0; j < units; j++) {
      const value = hidden[i * units + j];
      if (value === 0) continue;
      rows[fill[j]] = i * outputs;
      values[fill[j]++] = value;
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
  const correlation = new Float64Array(outputs);

  /** correlation = (H^T R)[j, :], the rows of H summed in order. */
  const columnCorrelation = (j: number, rowOffsets: Int32Array, vals: Float32Array) => {
    const start = columnStart[j];
    const end = columnStart[j + 1];
    if (outputs === 10) {
      // MNIST's ten classes, unrolled into locals: this loop is nearly all of GFS's time, and
      // written generically it runs 2-3x slower (same additions, same order).
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0, c8 = 0, c9 = 0;
      for (let p = start; p < end; p++) {
        const value = vals[p];
        const from = rowOffsets[p];
        c0 += value * residual[from];
        c1 += value * residual[from + 1];
        c2 += value * residual[from + 2];
        c3 += value * residual[from + 3];
        c4 += value * residual[from + 4];
        c5 += value * residual[from + 5];
        c6 += value * residual[from + 6];
        c7 += value * residual[from + 7];
        c8 += value * residual[from + 8];
        c9 += value * residual[from + 9];
      }
      correlation[0] = c0; correlation[1] = c1; correlation[2] = c2; correlation[3] = c3; correlation[4] = c4;
      correlation[5] = c5; correlation[6] = c6; correlation[7] = c7; correlation[8] = c8; correlation[9] = c9;
      return;
    }
    correlation.fill(0);
    for (let p = start; p < end; p++) {
      const value = vals[p];
      const from = rowOffsets[p];
      for (let k = 0; k < outputs; k++) correlation[k] += value * residual[from + k];
    }
  };

  const addOne = (rowOffsets: Int32Array, vals: Float32Array, signal: CancelToken | undefined) => {
    let best = -1;
    let bestGain = -Infinity;
    for (let j = 0; j < units; j++) {
      // A scan over a wide layer takes 50-150 ms: a cancel (a slider prune waiting) stops it
      // part-way. Nothing has changed yet, so the add is whole or not at all.
      if ((j & SCAN_CHECK_MASK) === 0 && j > 0) throwIfCancelled(signal);
      if (chosen[j]) continue;
      columnCorrelation(j, rowOffsets, vals);
      let dot = 0;
      for (let k = 0; k < outputs; k++) dot += correlation[k] * nextKernel[j * outputs + k];
      const gain = 2 * dot - hiddenNormSq[j] * nextRowNormSq[j];
      if (gain > bestGain) {
        bestGain = gain;
        best = j;
      }
    }
    chosen[best] = 1;
    order.push(best);
    // R -= H[:, best] V[best, :]
    for (let p = columnStart[best], end = columnStart[best + 1]; p < end; p++) {
      const value = vals[p];
      const to = rowOffsets[p];
      for (let k = 0; k < outputs; k++) residual[to + k] -= value * nextKernel[best * outputs + k];
    }
  };

  return {
    order,
    add(count, options = {}) {
      if (!rows || !values) throw new Error('greedy selector used after dispose()');
      const target = Math.min(units, order.length + count);
      while (order.length < target) {
        throwIfCancelled(options.signal);
        addOne(rows, values, options.signal);
        options.onAdded?.(order.length, target);
      }
    },
    dispose() {
      rows = null;
      values = null;
    },
  };
}
