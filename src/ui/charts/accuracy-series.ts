/** Sweep points -> per-method accuracy series (pure; the AccuracyChart draws them). */
import { METHOD_LABELS, PRUNE_METHODS, type PruneMethod, type SweepPoint } from '../../client/worker-client';
import { niceFloor125, toPercent, trimNumber } from './format';

export type AccuracyMode = 'raw' | 'refit';

export interface AccuracyPoint {
  /** Percentage of hidden neurons kept, 0..100. */
  readonly keepPercent: number;
  /** Test accuracy in percent, 0..100. */
  readonly accuracy: number;
}

export interface AccuracySeries {
  readonly method: PruneMethod;
  readonly points: AccuracyPoint[];
}

/** One row per keep ratio, one column per method (what a Recharts LineChart with connectNulls wants). */
export type AccuracyRow = { keepPercent: number } & Partial<Record<PruneMethod, number>>;

/**
 * Groups sweep points by method (in PRUNE_METHODS order, only methods with points), each sorted by
 * keep ratio ascending. In 'refit' mode points without a refit accuracy are left out; non-finite
 * values are dropped; a later point for the same method and keep replaces an earlier one.
 */
export function accuracySeries(points: readonly SweepPoint[], mode: AccuracyMode): AccuracySeries[] {
  const byMethod = new Map<PruneMethod, Map<number, number>>();
  for (const point of points) {
    const value = mode === 'refit' ? point.refit : point.raw;
    if (value === undefined || !Number.isFinite(value) || !(point.keep > 0)) continue;
    let series = byMethod.get(point.method);
    if (!series) byMethod.set(point.method, (series = new Map()));
    series.set(toPercent(point.keep), toPercent(value));
  }
  return PRUNE_METHODS.filter((method) => byMethod.has(method)).map((method) => ({
    method,
    points: [...byMethod.get(method)!.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([keepPercent, accuracy]) => ({ keepPercent, accuracy })),
  }));
}

/** Merges series into rows sorted by keep ratio (a method's cell is absent where it has no point). */
export function accuracyRows(series: readonly AccuracySeries[]): AccuracyRow[] {
  const rows = new Map<number, AccuracyRow>();
  for (const { method, points } of series) {
    for (const { keepPercent, accuracy } of points) {
      const row = rows.get(keepPercent) ?? { keepPercent };
      row[method] = accuracy;
      rows.set(keepPercent, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.keepPercent - b.keepPercent);
}

/** The log x-axis domain in percent: [1, 100] unless a point or the slider lies below 1%. */
export function keepDomain(series: readonly AccuracySeries[], sliderPercent: number): [number, number] {
  let lowest = 1;
  for (const { points } of series) for (const { keepPercent } of points) lowest = Math.min(lowest, keepPercent);
  if (sliderPercent > 0) lowest = Math.min(lowest, sliderPercent);
  return [niceFloor125(lowest), 100];
}

/** The y-axis domain in percent: from the lowest accuracy (or the dense one) rounded down to 10, to 100. */
export function accuracyDomain(series: readonly AccuracySeries[], densePercent: number | null): [number, number] {
  let lowest = densePercent ?? 100;
  for (const { points } of series) for (const { accuracy } of points) lowest = Math.min(lowest, accuracy);
  const floor = Math.max(0, Math.floor((lowest - 2) / 10) * 10);
  return [Math.min(floor, 90), 100];
}

/** Ticks every 10 points (every 5 when the range is 30 points or less). */
export function accuracyTicks([lo, hi]: readonly [number, number]): number[] {
  const step = hi - lo <= 30 ? 5 : 10;
  const ticks: number[] = [];
  for (let value = Math.ceil(lo / step) * step; value <= hi; value += step) ticks.push(value);
  return ticks;
}

/** A sentence for screen readers: each method's accuracy range over the keep ratios swept. */
export function accuracySummary(series: readonly AccuracySeries[], densePercent: number | null, mode: AccuracyMode): string {
  if (series.length === 0) return 'No sweep results yet.';
  const parts = series.map(({ method, points }) => {
    const first = points[0];
    const last = points[points.length - 1];
    if (points.length === 1) return `${METHOD_LABELS[method]} ${trimNumber(first.accuracy, 1)}% at ${trimNumber(first.keepPercent)}% kept`;
    return `${METHOD_LABELS[method]} from ${trimNumber(first.accuracy, 1)}% at ${trimNumber(first.keepPercent)}% kept to ${trimNumber(last.accuracy, 1)}% at ${trimNumber(last.keepPercent)}% kept`;
  });
  const dense = densePercent === null ? '' : ` Dense network: ${trimNumber(densePercent, 1)}%.`;
  return `Test accuracy (${mode}) against the percentage of hidden neurons kept: ${parts.join('; ')}.${dense}`;
}
