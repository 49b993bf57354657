/**
 * i-SpaSP for one hidden layer (Wolfe & Kyrillidis, 2021), as specified in ALGORITHM.md and
 * following the authors' `prune_basic_block`: importance by the gradient of the output residual,
 * a 2s-candidate merge with the current support, and thresholding by hidden-activation sums.
 *
 * The importance uses the closed form `z = V V^T (hbar - hbar_S)`, which equals the autograd
 * gradient the authors compute (see ispasp.test.ts) but costs O(N d_out) per iteration instead of
 * a pass over the calibration data.
 */
import { throwIfCancelled, type CancelToken } from '../errors';
import type { LayerProblem } from './layer-problem';
import { topIndices, unionSorted } from './select-top';

/** One i-SpaSP iteration, for plots and the classroom step mode. */
export interface IspaspStep {
  /** 1-based iteration number. */
  readonly iteration: number;
  /** Omega: the min(2s, N) neurons with the largest importance, ascending. */
  readonly candidates: number[];
  /** Omega ∪ S before thresholding, ascending. */
  readonly merged: number[];
  /** The support after this iteration, ascending. */
  readonly kept: number[];
  readonly relativeResidual: number;
}

export interface IspaspOptions {
  readonly iterations: number;
  readonly signal?: CancelToken;
  readonly onStep?: (step: IspaspStep) => void;
}

/**
 * `z_j = sum_i (R V^T)[i, j]` with `R = U - H[:, S] V[S, :]`, through the closed form
 * `z = V V^T (hbar - hbar_S)`. `nextKernel` is row-major `N x outputs`.
 */
export function ispaspImportance(
  hiddenSums: ArrayLike<number>,
  nextKernel: ArrayLike<number>,
  outputs: number,
  kept: readonly number[],
): Float64Array {
  const units = hiddenSums.length;
  const inKept = new Uint8Array(units);
  for (const j of kept) inKept[j] = 1;
  const projected = new Float64Array(outputs);
  for (let j = 0; j < units; j++) {
    if (inKept[j]) continue;
    const sum = hiddenSums[j];
    if (sum === 0) continue;
    const row = j * outputs;
    for (let k = 0; k < outputs; k++) projected[k] += nextKernel[row + k] * sum;
  }
  const importance = new Float64Array(units);
  for (let j = 0; j < units; j++) {
    const row = j * outputs;
    let dot = 0;
    for (let k = 0; k < outputs; k++) dot += nextKernel[row + k] * projected[k];
    importance[j] = dot;
  }
  return importance;
}

export interface IspaspResult {
  readonly kept: number[];
  readonly steps: IspaspStep[];
}

export function ispaspSelect(problem: LayerProblem, keep: number, options: IspaspOptions): IspaspResult {
  return ispaspIterate(problem.hiddenSums, (kept) => problem.importance(kept), problem.residualTracker(), keep, options);
}

/**
 * The i-SpaSP loop itself, for neurons or channels alike: `importanceOf(S)` gives `z` for the
 * support `S`, `residualOf(S)` the relative residual; `hiddenSums` are the thresholding scores.
 * Both must depend on `S` alone (as the layer problems' do).
 *
 * The support is the iteration's whole state, so once an iteration leaves it unchanged every
 * later one repeats that iteration exactly: those steps are copied rather than recomputed (the
 * same candidates, sets and residual bits; on MNIST models the support settles after about half
 * of T = 20 iterations).
 */
export function ispaspIterate(
  hiddenSums: ArrayLike<number>,
  importanceOf: (kept: readonly number[]) => ArrayLike<number>,
  residualOf: (kept: readonly number[]) => number,
  keep: number,
  options: IspaspOptions,
): IspaspResult {
  const candidateCount = Math.min(2 * keep, hiddenSums.length);
  let kept: number[] = [];
  let settled = false;
  const steps: IspaspStep[] = [];
  for (let iteration = 1; iteration <= options.iterations; iteration++) {
    throwIfCancelled(options.signal);
    const previous = steps.at(-1);
    let step: IspaspStep;
    if (settled && previous) {
      step = { ...previous, iteration, candidates: [...previous.candidates], merged: [...previous.merged], kept: [...previous.kept] };
    } else {
      const candidates = topIndices(importanceOf(kept), candidateCount);
      const merged = unionSorted(candidates, kept);
      const next = topIndices(hiddenSums, keep, merged);
      settled = sameIndices(next, kept);
      kept = next;
      step = { iteration, candidates, merged, kept, relativeResidual: residualOf(kept) };
    }
    steps.push(step);
    options.onStep?.(step);
  }
  return { kept, steps };
}

function sameIndices(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
