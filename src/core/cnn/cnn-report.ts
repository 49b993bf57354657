/** The run report (the CLI's JSON schema, src/core/report.ts) for a pruned CNN. */
import { assemblePruneReport, reportLayer, type PruneReport, type ReportInputs } from '../report';
import { activationShapes, cnnMacsPerExample, cnnParameterCount, isWeighted, type Cnn } from './cnn';
import type { CnnPruneOutcome } from './prune-cnn';

export interface CnnReportInputs extends Omit<ReportInputs, 'dense' | 'outcome'> {
  readonly dense: Cnn;
  readonly outcome: CnnPruneOutcome;
}

/** Input size, then the channels or units of every weighted layer: 784-16-32-64-10. */
export function cnnLayerSizes(model: Cnn): number[] {
  const [h, w, c] = activationShapes(model)[0];
  return [h * w * c, ...model.layers.flatMap((layer) => (isWeighted(layer) ? [layer.kind === 'conv' ? layer.filters : layer.units] : []))];
}

export function buildCnnPruneReport(inputs: CnnReportInputs): PruneReport {
  const { outcome, dense } = inputs;
  return assemblePruneReport(inputs, {
    architecture: { dense: cnnLayerSizes(dense), pruned: cnnLayerSizes(outcome.model) },
    layers: outcome.layers.map((layer, l) => reportLayer(layer.kind, layer.channels, layer, outcome.refit?.[l])),
    params: { dense: cnnParameterCount(dense), pruned: cnnParameterCount(outcome.model) },
    macs: { dense: cnnMacsPerExample(dense), pruned: cnnMacsPerExample(outcome.model) },
    pruneMs: outcome.pruneMs,
    refitMs: outcome.refitMs,
  });
}
