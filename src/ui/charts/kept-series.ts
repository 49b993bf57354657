/** Kept-neuron counts and per-iteration churn -> chart rows (pure; the KeptChart draws them). */
import type { IterationView } from '../../client/worker-client';
import { toPercent } from './format';

/** Neurons kept of a layer of `units` at keep ratio `rho`: max(1, floor(rho * N + 1e-9)), as the pruner does. */
export function keptCount(rho: number, units: number): number {
  return Math.min(units, Math.max(1, Math.floor(rho * units + 1e-9)));
}

/** One row per keep percentage 1..100; column `layer{i}` is layer i's kept count. */
export type KeptRow = { keepPercent: number } & Record<`layer${number}`, number>;

export function keptRows(hiddenWidths: readonly number[]): KeptRow[] {
  if (hiddenWidths.length === 0) return [];
  const rows: KeptRow[] = [];
  for (let percent = 1; percent <= 100; percent++) {
    const row = { keepPercent: percent } as KeptRow;
    hiddenWidths.forEach((units, l) => {
      row[`layer${l}`] = keptCount(percent / 100, units);
    });
    rows.push(row);
  }
  return rows;
}

export interface KeptMarker {
  readonly layer: number;
  readonly keepPercent: number;
  readonly kept: number;
  readonly units: number;
}

/** The current keep ratio of each layer as a point on its curve (layers without a ratio use the first one). */
export function keptMarkers(hiddenWidths: readonly number[], keepRatios: readonly number[]): KeptMarker[] {
  if (keepRatios.length === 0) return [];
  return hiddenWidths.map((units, layer) => {
    const rho = keepRatios[layer] ?? keepRatios[0];
    return { layer, keepPercent: toPercent(rho), kept: keptCount(rho, units), units };
  });
}

export interface ChurnRow {
  readonly iteration: number;
  /** Neurons that joined the kept set (positive). */
  readonly entered: number;
  /** Neurons that left the kept set, negated so the bars point down. */
  readonly left: number;
}

export function churnRows(iterations: readonly IterationView[] | undefined): ChurnRow[] {
  if (!iterations) return [];
  return iterations.map((view, index) => ({
    // IterationView.iteration is 1-based; fall back to the position if it is missing.
    iteration: Number.isFinite(view.iteration) && view.iteration > 0 ? view.iteration : index + 1,
    entered: view.entered,
    left: view.left === 0 ? 0 : -view.left,
  }));
}

/** Iterations after which the kept set stopped changing (null when it changed in the last one). */
export function settledAfter(iterations: readonly IterationView[] | undefined): number | null {
  if (!iterations || iterations.length === 0) return null;
  let last = -1;
  iterations.forEach((view, index) => {
    if (view.entered !== 0 || view.left !== 0) last = index;
  });
  return last === iterations.length - 1 ? null : last + 1;
}
