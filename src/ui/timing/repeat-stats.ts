/** Summaries of repeated timings (pure): median and range, and the speed-up's spread. */

export interface Spread {
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread | null {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) return null;
  const middle = Math.floor(finite.length / 2);
  const median = finite.length % 2 === 1 ? finite[middle] : (finite[middle - 1] + finite[middle]) / 2;
  return { runs: finite.length, median, min: finite[0], max: finite[finite.length - 1] };
}

/** Slow over fast: the ratio of medians and the extreme ratios any pair of runs could give. */
export function ratioSpread(slow: Spread, fast: Spread): { median: number; min: number; max: number } | null {
  if (!(fast.median > 0) || !(fast.min > 0) || !(fast.max > 0)) return null;
  return { median: slow.median / fast.median, min: slow.min / fast.max, max: slow.max / fast.min };
}
