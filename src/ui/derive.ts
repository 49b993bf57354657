/** Values the views derive from the pruning result; pure, so they are unit-tested. */
import type { IndexList, IterationView, PruneMethod, SweepPoint } from '../client/worker-client';

/** For each neuron, the iteration (1-based) in which it last joined the kept set; null if never kept. */
export function enteredAt(units: number, iterations: readonly IterationView[] | undefined): (number | null)[] {
  const entered: (number | null)[] = new Array(units).fill(null);
  // Membership as the index of the step a neuron was last kept in (no Sets: this runs on every
  // slider move); -2 is "never", so that no neuron counts as kept before the first step.
  const lastKept = new Int32Array(units).fill(-2);
  let previous: IndexList = [];
  (iterations ?? []).forEach((step, k) => {
    for (const j of step.kept) {
      if (lastKept[j] !== k - 1) entered[j] = step.iteration;
      lastKept[j] = k;
    }
    for (const j of previous) if (lastKept[j] !== k) entered[j] = null;
    previous = step.kept;
  });
  return entered;
}

export interface TimingsAtRatio {
  /** The one swept keep ratio (fraction) every bar was timed at; null before the sweep has points. */
  readonly keep: number | null;
  readonly timings: { method: PruneMethod; ms: number; keep: number }[];
  /** Methods the sweep did not time at that ratio (GFS stops early on wide layers). */
  readonly missing: PruneMethod[];
}

/**
 * Prune times of every method at one swept ratio, the one i-SpaSP was timed at nearest to `keep`
 * (a fraction): bars are only compared at equal kept counts, never one method's 40% against
 * another's 10%.
 */
export function timingsAt(points: readonly SweepPoint[], keep: number, methods: readonly PruneMethod[]): TimingsAtRatio {
  if (points.length === 0) return { keep: null, timings: [], missing: [] };
  // Ratios i-SpaSP was timed at, so that a sweep still filling in never shows a lone GFS bar.
  const primary = points.filter((point) => point.method === 'ispasp');
  const ratios = [...new Set((primary.length > 0 ? primary : points).map((point) => point.keep))];
  const chosen = ratios.reduce((best, ratio) => (Math.abs(ratio - keep) < Math.abs(best - keep) ? ratio : best));
  const at = new Map<PruneMethod, SweepPoint>();
  for (const point of points) if (point.keep === chosen) at.set(point.method, point);
  return {
    keep: chosen,
    timings: [...at.values()].map((point) => ({ method: point.method, ms: point.pruneMs, keep: point.keep })),
    missing: methods.filter((method) => !at.has(method)),
  };
}

export interface SpeedupPoint {
  /** The keep ratio (fraction) both methods were timed at. */
  readonly keep: number;
  readonly ispaspMs: number;
  readonly gfsMs: number;
}

/**
 * i-SpaSP's and GFS's prune times at one ratio both were swept at, for the speed-up sentence:
 * the ratio nearest `keep` when GFS was swept that far, else the largest ratio GFS reached (the
 * sweep stops GFS early: at 10% on wide layers, the paper's 1,000 of 10,000 neurons). Null
 * until both have a point at a common ratio.
 */
export function speedupPoint(points: readonly SweepPoint[], keep: number): SpeedupPoint | null {
  const ispasp = new Map<number, number>();
  const gfs = new Map<number, number>();
  for (const point of points) {
    if (point.method === 'ispasp') ispasp.set(point.keep, point.pruneMs);
    else if (point.method === 'gfs') gfs.set(point.keep, point.pruneMs);
  }
  const common = [...gfs.keys()].filter((ratio) => ispasp.has(ratio));
  if (common.length === 0) return null;
  const largest = Math.max(...common);
  const nearest = common.reduce((best, ratio) => (Math.abs(ratio - keep) < Math.abs(best - keep) ? ratio : best));
  const chosen = keep > largest ? largest : nearest;
  return { keep: chosen, ispaspMs: ispasp.get(chosen)!, gfsMs: gfs.get(chosen)! };
}
