/**
 * Accuracy against the keep ratio for several methods, computed point by point with the cached
 * first-layer problem. GFS on a one-hidden-layer network runs once to the largest ratio: greedy
 * selections are nested, so each smaller ratio's kept set is a prefix of that order.
 */
import { throwIfCancelled, type CancelToken } from '../core/errors';
import { keepLayerInputs, keepLayerOutputs, type Mlp } from '../core/model/mlp';
import { greedySelector } from '../core/pruning/gfs';
import { pruneNetwork } from '../core/pruning/prune-network';
import { refitNetwork } from '../core/pruning/refit-network';
import { keptCount } from '../core/pruning/select-top';
import type { ModelSession } from './model-session';
import type { SweepPoint, SweepRequest } from './types';

export async function runSweep(
  session: ModelSession,
  request: SweepRequest,
  onPoint: (point: SweepPoint) => void,
  signal: CancelToken,
  yieldToEvents: () => Promise<void>,
): Promise<SweepPoint[]> {
  const { dense } = session;
  const calibration = session.calibration(request.samples);
  const firstLayerProblem = session.firstLayerProblem(request.samples);
  const oneHidden = dense.layers.length === 2;
  let greedyOrder: number[] | null = null;
  /** Busy time the greedy run took to reach each kept count (its time at that ratio). */
  const greedyMsAt: number[] = [];
  const points: SweepPoint[] = [];

  for (const keep of request.keeps) {
    for (const method of request.methods) {
      if (keep > (request.maxKeep?.[method] ?? 1)) continue;
      await yieldToEvents();
      throwIfCancelled(signal);
      const started = performance.now();
      let selected: Mlp;
      let kept: number[][];
      if (method === 'gfs' && oneHidden) {
        if (!greedyOrder) {
          // One greedy run to the largest ratio, in slices, so slider prunes are not stuck behind it.
          const largest = Math.min(Math.max(...request.keeps), request.maxKeep?.gfs ?? 1);
          const target = keptCount(largest, dense.layers[0].units);
          const selector = greedySelector(firstLayerProblem);
          let busyMs = performance.now() - started;
          try {
            while (selector.order.length < target) {
              const slice = performance.now();
              const sliceStartMs = busyMs;
              selector.add(Math.min(16, target - selector.order.length), {
                signal,
                onAdded: (added) => (greedyMsAt[added] = sliceStartMs + performance.now() - slice),
              });
              busyMs += performance.now() - slice;
              await yieldToEvents();
              throwIfCancelled(signal);
            }
            greedyOrder = [...selector.order];
          } finally {
            selector.dispose();
          }
        }
        const firstKept = greedyOrder.slice(0, keptCount(keep, dense.layers[0].units)).sort((a, b) => a - b);
        selected = { layers: [keepLayerOutputs(dense.layers[0], firstKept), keepLayerInputs(dense.layers[1], firstKept)] };
        kept = [firstKept];
      } else {
        const outcome = pruneNetwork(dense, calibration, {
          method,
          keep,
          iterations: request.iterations,
          seed: request.seed,
          refit: false,
          firstLayerProblem,
          signal,
        });
        selected = outcome.selectedModel;
        kept = outcome.layers.map((layer) => layer.kept);
      }
      const pruneMs = method === 'gfs' && oneHidden ? greedyMsAt[kept[0].length] : performance.now() - started;
      const raw = session.prunedAccuracy(selected, kept[0]);
      // Refit needs more calibration samples than kept neurons; past that the point has no refit value.
      const refitPossible = request.refit && kept.every((layer) => layer.length < request.samples);
      const refit = refitPossible
        ? session.prunedAccuracy(refitNetwork(dense, selected, kept, calibration, signal).model, kept[0])
        : undefined;
      const point: SweepPoint = { method, keep, raw, ...(refit !== undefined && { refit }), pruneMs };
      points.push(point);
      onPoint(point);
    }
  }
  return points;
}
