/**
 * What the page shows of a prune, from what ran: a pure function of the outcome, the
 * measurements and the request, so the view and the report never disagree.
 */
import type { Mlp } from '../core/model/mlp';
import type { PruneOutcome } from '../core/pruning/prune-network';
import { buildPruneReport, type PruneReport } from '../core/report';
import { compareSizes } from '../core/metrics';
import type { IspaspStep } from '../core/pruning/ispasp';
import type { DeliveredKind, IterationView, PrunedLayerView, PruneRequest, PruneView } from './types';

/**
 * i-SpaSP's steps as the page shows them: each with how many joined and left the kept set, and
 * its sets as views on one Int32Array (types.ts IndexList): the page receives them as one block
 * copy, not element by element nor one buffer per set (each a separate allocation).
 */
export function iterationViews(steps: readonly IspaspStep[]): IterationView[] {
  let length = 0;
  let largest = -1;
  for (const step of steps) {
    length += step.candidates.length + step.merged.length + step.kept.length;
    for (const j of step.kept) if (j > largest) largest = j;
  }
  const block = new Int32Array(length);
  let offset = 0;
  const place = (list: readonly number[]) => {
    block.set(list, offset);
    offset += list.length;
    return block.subarray(offset - list.length, offset);
  };
  // Membership as the index of the step a unit was last kept in: no Set per step on wide layers.
  const lastKept = new Int32Array(largest + 1).fill(-2);
  return steps.map((step, k) => {
    let stayed = 0;
    for (const j of step.kept) {
      if (lastKept[j] === k - 1) stayed++;
      lastKept[j] = k;
    }
    const before = k === 0 ? 0 : steps[k - 1].kept.length;
    return {
      ...step,
      candidates: place(step.candidates),
      merged: place(step.merged),
      kept: place(step.kept),
      entered: step.kept.length - stayed,
      left: before - stayed,
    };
  });
}

/** The accuracies as the view carries them, the delivered network's first. */
export function accuracyView(dense: number, raw: number, refit: number | undefined, finetuned: number | undefined): PruneView['accuracy'] {
  const deliveredKind: DeliveredKind = finetuned !== undefined ? 'finetuned' : refit !== undefined ? 'refit' : 'raw';
  return {
    dense,
    delivered: finetuned ?? refit ?? raw,
    deliveredKind,
    raw,
    ...(refit !== undefined && { refit }),
    ...(finetuned !== undefined && { finetuned }),
  };
}

export interface PruneMeasurements {
  readonly modelName: string;
  readonly backend: string;
  /** What ran where (report's `stages`). */
  readonly stages?: PruneReport['stages'];
  readonly dense: Mlp;
  readonly denseAccuracy: number;
  readonly outcome: PruneOutcome;
  /** The network Export writes: fine-tuned, else refit, else the kept neurons as they were. */
  readonly delivered: Mlp;
  readonly raw: number;
  readonly refit?: number;
  readonly finetuned?: number;
  /** What only the first layer's view carries: each neuron's importance, the selection trace for step mode. */
  readonly firstLayer: Partial<PrunedLayerView> & { readonly importance: number[] };
  readonly evaluateMs: number;
  readonly finetuneMs?: number;
}

/** What a Dense and a CNN prune report take alike: the request's settings, where it ran, the accuracies and the timings. */
export function reportFieldsOf(
  request: PruneRequest,
  measured: Pick<PruneMeasurements, 'modelName' | 'backend' | 'stages' | 'denseAccuracy' | 'raw' | 'refit' | 'finetuned' | 'evaluateMs' | 'finetuneMs'>,
  delivered: number,
  outcome: { readonly pruneMs: number; readonly refitMs: number },
) {
  const { raw, refit, finetuned } = measured;
  const finetuneMs = measured.finetuneMs ?? 0;
  return {
    modelName: measured.modelName,
    method: request.method,
    keep: request.keep,
    iterations: request.iterations,
    samples: request.samples,
    seed: request.seed,
    refit: request.refit,
    finetuneEpochs: request.finetuneEpochs,
    finetuneLearningRate: request.finetuneLearningRate,
    backend: measured.backend,
    ...(measured.stages && { stages: measured.stages }),
    accuracy: { dense: measured.denseAccuracy, pruned: delivered, raw, ...(refit !== undefined && { refit }), ...(finetuned !== undefined && { finetuned }) },
    timingsMs: { load: 0, evaluate: measured.evaluateMs, finetune: finetuneMs, total: outcome.pruneMs + outcome.refitMs + measured.evaluateMs + finetuneMs },
  };
}

/** What a layer's view says of its selection, for neurons and channels alike. */
export function selectionView(layer: { readonly kept: number[]; readonly relativeResidual: number; readonly residuals?: number[]; readonly steps?: readonly IspaspStep[] }) {
  return {
    keptCount: layer.kept.length,
    kept: layer.kept,
    relativeResidual: layer.relativeResidual,
    residuals: layer.residuals ?? [layer.relativeResidual],
    ...(layer.steps && { iterations: iterationViews(layer.steps) }),
  };
}

/** The view's timings, Dense or CNN. */
export function viewTimings(outcome: { readonly pruneMs: number; readonly refitMs: number }, measured: { readonly evaluateMs: number; readonly finetuneMs?: number }): PruneView['timingsMs'] {
  return { prune: outcome.pruneMs, refit: outcome.refitMs, evaluate: measured.evaluateMs, ...(measured.finetuneMs !== undefined && { finetune: measured.finetuneMs }) };
}

/** The view without its serial, which the worker adds. */
export function pruneViewOf(request: PruneRequest, measured: PruneMeasurements): Omit<PruneView, 'serial'> {
  const { outcome, raw, refit, finetuned } = measured;
  const accuracy = accuracyView(measured.denseAccuracy, raw, refit, finetuned);
  const { delivered } = accuracy;
  const report = buildPruneReport({
    ...reportFieldsOf(request, measured, delivered, outcome),
    dense: measured.dense,
    outcome: { ...outcome, model: measured.delivered },
  });
  return {
    request,
    layers: outcome.layers.map((layer, index) => ({
      ...(index === 0 && measured.firstLayer),
      units: layer.units,
      ...selectionView(layer),
    })),
    accuracy,
    ...compareSizes(measured.dense, measured.delivered),
    timingsMs: viewTimings(outcome, measured),
    report,
  };
}
