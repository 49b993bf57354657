/** Class probabilities -> bars and the "dense says 7 (98%)" readouts (pure). */
import type { Prediction } from '../../client/worker-client';

export interface PredictionRow {
  readonly digit: string;
  /** Percent, 0..100. */
  readonly dense: number;
  readonly pruned: number;
}

/** Index of the largest finite value (the first on ties); -1 for an empty or all-NaN array. */
export function argmax(values: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && (best < 0 || values[i] > values[best])) best = i;
  return best;
}

export function predictionRows(prediction: Prediction | null): PredictionRow[] {
  return Array.from({ length: 10 }, (_, digit) => ({
    digit: String(digit),
    dense: percent(prediction?.dense[digit]),
    pruned: percent(prediction?.pruned[digit]),
  }));
}

function percent(value: number | undefined): number {
  return value === undefined || !Number.isFinite(value) ? 0 : Math.max(0, Math.min(100, value * 100));
}

/** "dense says 7 (98%)"; "dense: no answer" when the probabilities are missing. */
export function verdict(name: string, probabilities: readonly number[] | undefined): string {
  const best = probabilities ? argmax(probabilities) : -1;
  if (best < 0) return `${name}: no answer`;
  return `${name} says ${best} (${formatProbability(probabilities![best])})`;
}

/** 0.984 -> "98%", 0.9996 -> "99.96%"... kept short: whole percent unless above 99 or below 1. */
export function formatProbability(p: number): string {
  const value = p * 100;
  if (value >= 99.5 && value < 100) return `${Number(value.toFixed(1)) === 100 ? '>99.9' : value.toFixed(1)}%`;
  if (value > 0 && value < 1) return '<1%';
  return `${Math.round(value)}%`;
}

export function agree(prediction: Prediction | null): boolean | null {
  if (!prediction) return null;
  const a = argmax(prediction.dense);
  const b = argmax(prediction.pruned);
  return a < 0 || b < 0 ? null : a === b;
}
