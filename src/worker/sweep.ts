/**
 * Accuracy against the keep ratio for several methods, computed point by point with the cached
 * first-layer problem, in the order the request lists the ratios (the UI puts coarse ones first).
 *
 * GFS on a one-hidden-layer network runs once, as a greedy order that grows in short slices
 * between the other points (it would otherwise hold every other point back for the whole run: a
 * minute on 784-10000-10). Greedy selections are nested, so each ratio's kept set is a prefix of
 * that order, scored when the run reaches it; its prune time is the busy time the run took to
 * get there.
 *
 * A slider prune must not wait for a sweep step (on wide layers a step takes a few hundred ms):
 * with an `interrupt` token the step's work stops as soon as a prune is waiting, and the step
 * runs again once the sweep resumes.
 */
import * as tf from '@tensorflow/tfjs';
import { isCancelled, throwIfCancelled, type CancelToken } from '../core/errors';
import { keepLayerInputs, keepLayerOutputsOnRead, type Mlp } from '../core/model/mlp';
import { greedySelector, type GreedySelector } from '../core/pruning/gfs';
import type { PruneMethod } from '../core/pruning/methods';
import { pruneNetwork } from '../core/pruning/prune-network';
import { refitNetwork } from '../core/pruning/refit-network';
import { keptCount } from '../core/pruning/select-top';
import type { ModelSession } from './model-session';
import type { SweepPoint, SweepRequest } from './types';

/** A greedy slice stops adding neurons after this long, so a slider prune waits at most about this. */
const GREEDY_SLICE_MS = 30;
/** A point whose pruning took longer than this yields before it is scored (wide layers: both halves take a while). */
const SPLIT_POINT_MS = 25;

export interface SweepHooks {
  /** Ends the sweep. */
  readonly signal: CancelToken;
  /** Aborted while a prune request waits: the current step stops and is redone after the next yield. */
  readonly interrupt?: CancelToken;
  /** Awaited between steps; the worker lets queued requests run there (and waits for a quiet slider). */
  readonly yieldToEvents: () => Promise<void>;
  /** The number of tensors the sweep holds between its steps, whenever it changes (0 at the end). */
  readonly onHeldTensors?: (count: number) => void;
}

/**
 * `work`: what a step's computations check (the sweep's end, or a waiting prune); `step` runs a
 * step and, when a waiting prune interrupts it, yields (the prune runs) and runs it again.
 */
export function interruptibleSteps(hooks: SweepHooks): { work: CancelToken; step: <T>(body: () => T | Promise<T>) => Promise<T> } {
  const { signal, yieldToEvents, interrupt } = hooks;
  const work: CancelToken = interrupt ? { get aborted() { return signal.aborted || interrupt.aborted; } } : signal;
  const step = async <T>(body: () => T | Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await body();
      } catch (error) {
        if (!(isCancelled(error) && !signal.aborted && interrupt?.aborted)) throw error;
      }
      await yieldToEvents();
      throwIfCancelled(signal);
    }
  };
  return { work, step };
}

export async function runSweep(
  session: ModelSession,
  request: SweepRequest,
  onPoint: (point: SweepPoint) => void,
  hooks: SweepHooks,
): Promise<SweepPoint[]> {
  const { signal, yieldToEvents } = hooks;
  const { work, step } = interruptibleSteps(hooks);
  const { dense } = session;
  const units = dense.layers[0].units;
  const calibration = session.calibration(request.samples);
  const firstLayerProblem = session.firstLayerProblem(request.samples);
  const maxKeep = (method: PruneMethod) => request.maxKeep?.[method] ?? 1;
  const points: SweepPoint[] = [];

  const score = async (method: PruneMethod, keep: number, selected: Mlp, kept: number[][], pruneMs: number) => {
    const raw = await step(() => session.prunedAccuracy(selected, kept[0], work));
    // Refit needs more calibration samples than kept neurons; past that the point has no refit value.
    const refitPossible = request.refit && kept.every((layer) => layer.length < request.samples);
    const refit = refitPossible
      ? await step(() => session.prunedAccuracy(refitNetwork(dense, selected, kept, calibration, work).model, kept[0], work))
      : undefined;
    const point: SweepPoint = { method, keep, raw, ...(refit !== undefined && { refit }), pruneMs };
    points.push(point);
    onPoint(point);
  };

  // The greedy run: the ratios it must reach, smallest kept count first.
  const greedyKeeps =
    dense.layers.length === 2 && request.methods.includes('gfs')
      ? request.keeps.filter((keep) => keep <= maxKeep('gfs')).sort((a, b) => a - b)
      : [];
  let greedy: GreedySelector | null = null;
  let greedyBusyMs = 0;
  let greedyNext = 0;
  const releaseGreedy = () => {
    greedy?.dispose();
    greedy = null;
    hooks.onHeldTensors?.(0);
  };
  /** Grows the greedy order for about `budgetMs` of busy time, scoring every ratio it reaches. */
  const advanceGreedy = async (budgetMs: number) => {
    let spent = 0;
    while (greedyNext < greedyKeeps.length && spent < budgetMs) {
      const started = performance.now();
      if (!greedy) {
        const before = tf.memory().numTensors;
        greedy = greedySelector(firstLayerProblem);
        hooks.onHeldTensors?.(tf.memory().numTensors - before);
      }
      const target = keptCount(greedyKeeps[greedyNext], units);
      const selector = greedy;
      // Each add is whole or not at all, so an interrupted slice keeps what it added.
      await step(() => {
        while (selector.order.length < target && performance.now() - started < GREEDY_SLICE_MS) selector.add(1, { signal: work });
      });
      const sliceMs = performance.now() - started;
      greedyBusyMs += sliceMs;
      spent += sliceMs;
      while (greedyNext < greedyKeeps.length && keptCount(greedyKeeps[greedyNext], units) <= greedy.order.length) {
        const keep = greedyKeeps[greedyNext];
        const firstKept = greedy.order.slice(0, keptCount(keep, units)).sort((a, b) => a - b);
        const selected: Mlp = { layers: [keepLayerOutputsOnRead(dense.layers[0], firstKept), keepLayerInputs(dense.layers[1], firstKept)] };
        await score('gfs', keep, selected, [firstKept], greedyBusyMs);
        greedyNext++;
      }
      if (greedyNext >= greedyKeeps.length) releaseGreedy();
      // The caller yields before its next step anyway; only a slice with more to come yields here.
      if (spent < budgetMs && greedyNext < greedyKeeps.length) {
        await yieldToEvents();
        throwIfCancelled(signal);
      }
    }
  };

  try {
    for (const keep of request.keeps) {
      for (const method of request.methods) {
        if (keep > maxKeep(method) || (method === 'gfs' && greedyKeeps.length > 0)) continue;
        await yieldToEvents();
        throwIfCancelled(signal);
        let started = 0;
        const outcome = await step(() => {
          started = performance.now();
          return pruneNetwork(dense, calibration, {
            method,
            keep,
            iterations: request.iterations,
            seed: request.seed,
            refit: false,
            firstLayerProblem,
            signal: work,
          });
        });
        const pruneMs = performance.now() - started;
        // On wide layers pruning and scoring each take a while: a slider move may come in between.
        if (pruneMs > SPLIT_POINT_MS) {
          await yieldToEvents();
          throwIfCancelled(signal);
        }
        const scoreStarted = performance.now();
        await score(method, keep, outcome.selectedModel, outcome.layers.map((layer) => layer.kept), pruneMs);
        // As much greedy time as this point took, so both fill in at a similar pace.
        await advanceGreedy(pruneMs + performance.now() - scoreStarted);
      }
    }
    while (greedyNext < greedyKeeps.length) {
      await yieldToEvents();
      throwIfCancelled(signal);
      await advanceGreedy(GREEDY_SLICE_MS);
    }
  } finally {
    releaseGreedy();
  }
  return points;
}
