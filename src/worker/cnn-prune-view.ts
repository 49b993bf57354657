/**
 * What the page shows of a convolutional network's prune (the twin of prune-view.ts): layers in
 * channels (convolutions) and neurons (Dense), the first hidden layer's importance and selection
 * trace for the step mode, and the CLI's report.
 */
import { cnnMacsPerExample, cnnParameterCount, type Cnn, type WeightedLayer } from '../core/cnn/cnn';
import type { ChannelProblem } from '../core/cnn/channel-problem';
import { gfsChannelOrder } from '../core/cnn/channel-problem';
import { buildCnnPruneReport } from '../core/cnn/cnn-report';
import { channelMagnitudes, type CnnPruneOutcome } from '../core/cnn/prune-cnn';
import type { PruneReport } from '../core/report';
import { accuracyView, reportFieldsOf, selectionView, viewTimings } from './prune-view';
import type { PrunedLayerView, PruneRequest, PruneView, TestSubset } from './types';

export interface CnnPruneMeasurements {
  readonly modelName: string;
  readonly backend: string;
  readonly stages?: PruneReport['stages'];
  readonly dense: Cnn;
  readonly denseAccuracy: number;
  readonly outcome: CnnPruneOutcome;
  /** Export writes it: fine-tuned, else refit, else the kept channels as they were. */
  readonly delivered: Cnn;
  readonly raw: number;
  readonly refit?: number;
  readonly finetuned?: number;
  readonly subset?: TestSubset;
  /** Each hidden layer's channel problem, as its pruning saw it (the earlier layers already pruned). */
  readonly problems: readonly ChannelProblem[];
  readonly evaluateMs: number;
  readonly finetuneMs?: number;
}

/** Step mode's extras for the first hidden layer: GFS's additions, or the score top-k and magnitude ranked by. */
function firstLayerTrace(request: PruneRequest, outcome: CnnPruneOutcome, dense: Cnn, problem: ChannelProblem): Partial<PrunedLayerView> {
  const first = outcome.layers[0];
  switch (request.method) {
    case 'gfs': {
      const order = gfsChannelOrder(problem, first.kept.length);
      return { additions: { order, residuals: order.map((_, k) => problem.relativeResidual(order.slice(0, k + 1))) } };
    }
    case 'topk':
      return { criterion: Array.from(problem.hiddenSums) };
    case 'magnitude':
      return { criterion: Array.from(channelMagnitudes(dense.layers[first.layerIndex] as WeightedLayer)) };
    default:
      return {};
  }
}

export function cnnPruneViewOf(request: PruneRequest, measured: CnnPruneMeasurements): Omit<PruneView, 'serial'> {
  const { outcome, raw, refit, finetuned, subset } = measured;
  const accuracy = { ...accuracyView(measured.denseAccuracy, raw, refit, finetuned), ...(subset && { subset }) };
  const report = buildCnnPruneReport({
    ...reportFieldsOf(request, measured, accuracy.delivered, outcome),
    dense: measured.dense,
    outcome: { ...outcome, model: measured.delivered },
  });
  const firstLayer = firstLayerTrace(request, outcome, measured.dense, measured.problems[0]);
  return {
    request,
    layers: outcome.layers.map((layer, index) => ({
      ...(index === 0 && firstLayer),
      importance: Array.from(measured.problems[index].importance(layer.kept)),
      activationSums: layer.activationSums,
      units: layer.channels,
      ...selectionView(layer),
    })),
    accuracy,
    params: { dense: cnnParameterCount(measured.dense), pruned: cnnParameterCount(measured.delivered) },
    macs: { dense: cnnMacsPerExample(measured.dense), pruned: cnnMacsPerExample(measured.delivered) },
    timingsMs: viewTimings(outcome, measured),
    report,
  };
}
