/** The pruning run report: the JSON the CLI writes with --report and the app exports. */
import type { BackendStages } from './backend-stages';
import { compareSizes } from './metrics';
import { layerSizes, type Mlp } from './model/mlp';
import type { PruneMethod } from './pruning/methods';
import type { PruneOutcome } from './pruning/prune-network';
import type { PruneSettings } from './settings';

export interface PruneReportLayer {
  /** A convolution's output channels or a Dense layer's units. */
  readonly kind?: 'conv' | 'dense';
  /** Channels (conv) or hidden neurons (dense) before pruning; the same as `units`. */
  readonly channels?: number;
  /** Hidden neurons (or channels) before pruning. */
  readonly units: number;
  readonly keepRatio: number;
  readonly keptCount: number;
  /** Kept neuron indices of the dense layer, ascending. */
  readonly kept: number[];
  /** Relative residual after each i-SpaSP iteration; one entry (the final one) for other methods. */
  readonly residuals: number[];
  /** ||U - H[:, S] V[S, :]||_F / ||U||_F with the kept set. */
  readonly relativeResidual: number;
  /** With refit: the next layer's relative pre-activation error before and after refit. */
  readonly refit?: { readonly before: number; readonly after: number; readonly lambda: number };
}

/** A pruned layer as the report states it; `width` is its neurons (dense) or channels (conv) before pruning. */
export function reportLayer(
  kind: 'conv' | 'dense',
  width: number,
  layer: { readonly keepRatio: number; readonly kept: number[]; readonly residuals?: number[]; readonly relativeResidual: number },
  refit: PruneReportLayer['refit'] | undefined,
): PruneReportLayer {
  return {
    kind,
    channels: width,
    units: width,
    keepRatio: layer.keepRatio,
    keptCount: layer.kept.length,
    kept: layer.kept,
    residuals: layer.residuals ?? [layer.relativeResidual],
    relativeResidual: layer.relativeResidual,
    ...(refit && { refit }),
  };
}

export interface PruneReport {
  readonly model: string;
  readonly method: PruneMethod;
  /** One ratio for all hidden layers, or one per hidden layer, as given. */
  readonly keep: number | number[];
  readonly iterations: number;
  readonly samples: number;
  readonly seed: number;
  readonly refit: boolean;
  /** Epochs of fine-tuning after pruning (and refit); 0 when off. */
  readonly finetuneEpochs: number;
  /** The Adam learning rate of the fine-tuning; only when it ran. */
  readonly finetuneLearningRate?: number;
  readonly backend: string;
  /** What ran each stage: tfjs backend, the WASM kernel and its threads, JavaScript. */
  readonly stages?: BackendStages;
  readonly architecture: { readonly dense: number[]; readonly pruned: number[] };
  readonly layers: PruneReportLayer[];
  /**
   * Test-set accuracy as fractions. `pruned` is the delivered network (fine-tuned when
   * fine-tuning ran, else refit when refit is on); `raw` is the same kept neurons with the
   * original weights; `refit` only with refit (before any fine-tuning); `finetuned` only with
   * fine-tuning.
   */
  readonly accuracy: {
    readonly dense: number;
    readonly pruned: number;
    readonly raw: number;
    readonly refit?: number;
    readonly finetuned?: number;
  };
  readonly params: { readonly dense: number; readonly pruned: number };
  readonly macs: { readonly dense: number; readonly pruned: number };
  readonly timingsMs: {
    readonly load: number;
    /**
     * Part of `load`: the warm-up prune of a random network of the model's shape before the timed
     * one (JIT, WASM tier-up, working memory mapped; core/pruning/warm-up). Absent where none ran.
     */
    readonly warmUp?: number;
    readonly prune: number;
    readonly refit: number;
    /** Fine-tuning alone; 0 when off. */
    readonly finetune?: number;
    readonly evaluate: number;
    readonly total: number;
  };
  readonly createdAt: string;
}

/** What ran: the settings table's values (core/settings.ts), the fine-tuning ones absent when it did not run. */
export interface ReportInputs
  extends Pick<PruneSettings, 'method' | 'iterations' | 'samples' | 'seed' | 'refit'>,
    Partial<Pick<PruneSettings, 'finetuneEpochs' | 'finetuneLearningRate'>> {
  readonly modelName: string;
  readonly keep: number | readonly number[];
  readonly backend: string;
  readonly stages?: BackendStages;
  readonly dense: Mlp;
  readonly outcome: PruneOutcome;
  readonly accuracy: PruneReport['accuracy'];
  readonly timingsMs: Omit<PruneReport['timingsMs'], 'prune' | 'refit'>;
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

export function buildPruneReport(inputs: ReportInputs): PruneReport {
  const { outcome } = inputs;
  const sizes = compareSizes(inputs.dense, outcome.model);
  return assemblePruneReport(inputs, {
    architecture: { dense: layerSizes(inputs.dense), pruned: layerSizes(outcome.model) },
    layers: outcome.layers.map((layer, l) => reportLayer('dense', layer.units, layer, outcome.refit?.[l])),
    params: sizes.params,
    macs: sizes.macs,
    pruneMs: outcome.pruneMs,
    refitMs: outcome.refitMs,
  });
}

/** What a report says about the network itself (dense or convolutional). */
export interface ReportNetworkParts {
  readonly architecture: PruneReport['architecture'];
  readonly layers: PruneReportLayer[];
  readonly params: PruneReport['params'];
  readonly macs: PruneReport['macs'];
  readonly pruneMs: number;
  readonly refitMs: number;
}

/** The report from the run's settings and figures plus the network parts. */
export function assemblePruneReport(inputs: Omit<ReportInputs, 'dense' | 'outcome'>, parts: ReportNetworkParts): PruneReport {
  return {
    model: inputs.modelName,
    method: inputs.method,
    keep: typeof inputs.keep === 'number' ? inputs.keep : [...inputs.keep],
    iterations: inputs.iterations,
    samples: inputs.samples,
    seed: inputs.seed,
    refit: inputs.refit,
    finetuneEpochs: inputs.finetuneEpochs ?? 0,
    ...(inputs.finetuneLearningRate !== undefined && (inputs.finetuneEpochs ?? 0) > 0 && { finetuneLearningRate: inputs.finetuneLearningRate }),
    backend: inputs.backend,
    ...(inputs.stages && { stages: inputs.stages }),
    architecture: parts.architecture,
    layers: parts.layers,
    accuracy: inputs.accuracy,
    params: parts.params,
    macs: parts.macs,
    timingsMs: {
      load: round(inputs.timingsMs.load),
      ...(inputs.timingsMs.warmUp !== undefined && { warmUp: round(inputs.timingsMs.warmUp) }),
      prune: round(parts.pruneMs),
      refit: round(parts.refitMs),
      finetune: round(inputs.timingsMs.finetune ?? 0),
      evaluate: round(inputs.timingsMs.evaluate),
      total: round(inputs.timingsMs.total),
    },
    createdAt: new Date().toISOString(),
  };
}
