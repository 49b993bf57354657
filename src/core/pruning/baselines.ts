/**
 * The simple baselines from ALGORITHM.md: top-k by activation sums, incoming-weight magnitude
 * (Li et al., 2017) and seeded uniform random selection.
 */
import type { DenseLayer } from '../model/mlp';
import { topIndices } from './select-top';

/** The `keep` neurons with the largest activation sums: i-SpaSP's thresholding alone. */
export function topkSelect(hiddenSums: ArrayLike<number>, keep: number): number[] {
  return topIndices(hiddenSums, keep);
}

/** The `keep` neurons with the largest L1 norm of incoming weights, `sum_i |W[i, j]|`. */
export function magnitudeSelect(layer: DenseLayer, keep: number): number[] {
  return topIndices(magnitudeScores(layer), keep);
}

/** Each neuron's L1 norm of incoming weights: magnitude selection's criterion. */
export function magnitudeScores(layer: DenseLayer): Float64Array {
  const norms = new Float64Array(layer.units);
  for (let i = 0; i < layer.inputSize; i++) {
    const row = i * layer.units;
    for (let j = 0; j < layer.units; j++) norms[j] += Math.abs(layer.kernel[row + j]);
  }
  return norms;
}

/** mulberry32: a small, well-mixed 32-bit generator; the same seed gives the same stream everywhere. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `keep` of `units` indices uniformly without replacement (partial Fisher-Yates), ascending. */
export function randomSelect(units: number, keep: number, uniform: () => number): number[] {
  const pool = Array.from({ length: units }, (_, i) => i);
  const take = Math.min(keep, units);
  for (let k = 0; k < take; k++) {
    const pick = k + Math.floor(uniform() * (units - k));
    [pool[k], pool[pick]] = [pool[pick], pool[k]];
  }
  return pool.slice(0, take).sort((a, b) => a - b);
}
