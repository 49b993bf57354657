/** Values the views derive from the pruning result; pure, so they are unit-tested. */
import type { IterationView, PruneMethod, SweepPoint } from '../client/worker-client';

/** For each neuron, the iteration (1-based) in which it last joined the kept set; null if never kept. */
export function enteredAt(units: number, iterations: readonly IterationView[] | undefined): (number | null)[] {
  const entered: (number | null)[] = new Array(units).fill(null);
  let previous = new Set<number>();
  for (const step of iterations ?? []) {
    const current = new Set(step.kept);
    for (const j of step.kept) if (!previous.has(j)) entered[j] = step.iteration;
    for (const j of previous) if (!current.has(j)) entered[j] = null;
    previous = current;
  }
  return entered;
}

/** Per method, the sweep's prune time at the ratio nearest to `keep` (a fraction). */
export function timingsNear(points: readonly SweepPoint[], keep: number): { method: PruneMethod; ms: number; keep: number }[] {
  const best = new Map<PruneMethod, SweepPoint>();
  for (const point of points) {
    const current = best.get(point.method);
    if (!current || Math.abs(point.keep - keep) < Math.abs(current.keep - keep)) best.set(point.method, point);
  }
  return [...best.values()].map((point) => ({ method: point.method, ms: point.pruneMs, keep: point.keep }));
}
