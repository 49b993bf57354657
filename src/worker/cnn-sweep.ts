/**
 * The accuracy sweep for a convolutional network: every method at every requested ratio (the
 * same ratio for every hidden layer), on the session's cached channel problems, each point scored
 * on the first QUICK_TEST_IMAGES test images (the chart says so). GFS needs no special path here:
 * on channels it works on the C x C Gram matrix, as cheap as i-SpaSP.
 *
 * Prune times are measured with the channel problems the session already holds, as a slider move
 * would run: the first layer's Gram matrix pass is paid once, by the first prune or point.
 *
 * The sweep also warms the caches for the slider: for every first-layer kept count no point
 * reaches, a prune (not scored, not shown) builds the second layer's channel problem, so a later
 * slider move finds it (a new one costs a forward pass and a Gram matrix, about 100 ms in the
 * page). The slider's default method first, before the points (a second or two); the others after.
 */
import { throwIfCancelled } from '../core/errors';
import { refitCnn } from '../core/cnn/refit-cnn';
import { pruneCnn } from '../core/cnn/prune-cnn';
import type { PruneMethod } from '../core/pruning/methods';
import { keptCount } from '../core/pruning/select-top';
import { hiddenStages } from '../core/cnn/cnn-shrink';
import { networkKey, QUICK_TEST_IMAGES, type CnnSession } from './cnn-session';
import { interruptibleSteps, type SweepHooks } from './sweep';
import type { SweepPoint, SweepRequest } from './types';

/** The slider's default method: its caches are warmed before the points. */
const WARM_FIRST: PruneMethod = 'ispasp';

export async function runCnnSweep(session: CnnSession, request: SweepRequest, onPoint: (point: SweepPoint) => void, hooks: SweepHooks): Promise<SweepPoint[]> {
  const { signal, yieldToEvents } = hooks;
  const { work, step } = interruptibleSteps(hooks);
  const { dense } = session;
  const calibration = session.calibration(request.samples);
  const problemCache = session.problemCache(request.samples);
  const activationCache = session.activationCache(request.samples);
  const images = Math.min(QUICK_TEST_IMAGES, session.testImageCount);
  const subset = { images, of: session.testImageCount };
  const maxKeep = (method: PruneMethod) => request.maxKeep?.[method] ?? 1;
  const points: SweepPoint[] = [];
  const firstWidth = hiddenStages(dense)[0]?.hiddenShape[2] ?? 0;
  /** Prunes at every first-layer kept count of `method`, but those in `reached`. */
  const warm = async (method: PruneMethod, reached: ReadonlySet<number>) => {
    for (let count = 1; count <= firstWidth; count++) {
      const keep = count / firstWidth;
      if (reached.has(count) || keep > maxKeep(method)) continue;
      await yieldToEvents();
      throwIfCancelled(signal);
      await step(() => pruneCnn(dense, calibration, { method, keep, iterations: request.iterations, seed: request.seed, refit: false, problemCache, activationCache, signal: work }));
    }
  };
  if (request.methods.includes(WARM_FIRST)) await warm(WARM_FIRST, new Set());
  for (const keep of request.keeps) {
    for (const method of request.methods) {
      if (keep > maxKeep(method)) continue;
      await yieldToEvents();
      throwIfCancelled(signal);
      const outcome = await step(() =>
        pruneCnn(dense, calibration, { method, keep, iterations: request.iterations, seed: request.seed, refit: false, problemCache, activationCache, signal: work }),
      );
      const kept = outcome.layers.map((layer) => layer.kept);
      const raw = await step(() => session.accuracy(outcome.selectedModel, images, work, networkKey(kept, null), kept[0]));
      let refit: number | undefined;
      if (request.refit) {
        await yieldToEvents();
        throwIfCancelled(signal);
        try {
          const refitModel = (await step(() => refitCnn(dense, outcome.selectedModel, kept, calibration, work))).model;
          refit = await step(() => session.accuracy(refitModel, images, work, networkKey(kept, request.samples), kept[0]));
        } catch (error) {
          // Too few calibration rows for this kept count: the point has no refit value.
          if ((error as { name?: string }).name !== 'OptionError') throw error;
        }
      }
      const point: SweepPoint = { method, keep, raw, ...(refit !== undefined && { refit }), pruneMs: outcome.pruneMs, subset };
      points.push(point);
      onPoint(point);
    }
  }
  for (const method of request.methods) {
    if (method !== WARM_FIRST) await warm(method, new Set(points.filter((point) => point.method === method).map((point) => keptCount(point.keep, firstWidth))));
  }
  return points;
}
