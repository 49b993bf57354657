/**
 * Sequential channel pruning of a Cnn (ALGORITHM.md, "Convolutional layers"): every hidden conv's
 * output channels and every hidden Dense layer's units, in order, each on the activations of the
 * already pruned prefix; the layer keeps kernel slices `[..., S]`, the next weighted layer its
 * input slices. The optional refit runs after all kept sets are decided, so raw and refit
 * networks keep the same channels.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfCancelled, type CancelToken } from '../errors';
import { randomSelect, seededUniform } from '../pruning/baselines';
import { ispaspIterate, type IspaspStep } from '../pruning/ispasp';
import { resolveKeepRatiosFor, type PruneOptions } from '../pruning/prune-options';
import { keptCount, topIndices } from '../pruning/select-top';
import type { Cnn, CnnLayer, WeightedLayer } from './cnn';
import { applyLayers } from './cnn-forward';
import { buildChannelProblem, gfsChannelOrder, type ChannelProblem } from './channel-problem';
import { gatherChannels, hiddenStages, keepInputChannels, keepOutputChannels, nextConvView } from './cnn-shrink';
import { refitCnn, type CnnRefitLayerReport } from './refit-cnn';

export interface PrunedChannelLayerReport {
  readonly kind: 'conv' | 'dense';
  /** Index of the layer in the model's layer list. */
  readonly layerIndex: number;
  /** Channels (conv) or units (dense) before pruning. */
  readonly channels: number;
  readonly keepRatio: number;
  /** Kept channel indices of the dense network's layer, ascending. */
  readonly kept: number[];
  readonly relativeResidual: number;
  /** i-SpaSP only: the relative residual after each iteration. */
  readonly residuals?: number[];
  readonly steps?: IspaspStep[];
  /** `hbar_c` per channel of the layer (its input already pruned). */
  readonly activationSums: number[];
  readonly selectMs: number;
}

export interface CnnPruneProgress {
  readonly layer: number;
  readonly layers: number;
  readonly step?: IspaspStep;
}

/**
 * Channel problems already built, by hidden stage and the kept sets of the stages before it (the
 * problem of stage s depends on nothing else): the playground keeps them across slider moves, so
 * a new ratio skips the first layer's Gram matrix pass, the bulk of a prune.
 */
export interface ChannelProblemCache {
  get(key: string): ChannelProblem | undefined;
  set(key: string, problem: ChannelProblem): void;
}

/**
 * Hidden activations H of a stage on the calibration images (row-major `[n, h, w, C]`), by the
 * same key as the problems: with them a prune skips the forward passes of the stages whose H it
 * has seen (the first stage's H never changes). A stage whose problem is cached needs no H
 * unless a later stage needs it.
 */
export interface ActivationCache {
  get(key: string): Float32Array | undefined;
  set(key: string, values: Float32Array): void;
}

export interface CnnPruneRunOptions extends PruneOptions {
  readonly signal?: CancelToken;
  readonly onProgress?: (progress: CnnPruneProgress) => void;
  readonly problemCache?: ChannelProblemCache;
  readonly activationCache?: ActivationCache;
}

/** The cache key of stage `stage`'s problem after the earlier stages kept `keptBefore`. */
export function channelProblemKey(stage: number, keptBefore: readonly (readonly number[])[]): string {
  return `${stage}|${keptBefore.map((kept) => kept.join(',')).join('|')}`;
}

export interface CnnPruneOutcome {
  /** The pruned network; refit weights when `refit` is on. */
  readonly model: Cnn;
  /** The same kept channels with the original weights. */
  readonly selectedModel: Cnn;
  readonly layers: PrunedChannelLayerReport[];
  readonly refit?: CnnRefitLayerReport[];
  /** From model and calibration images in memory to all kept sets decided (calibration passes included). */
  readonly pruneMs: number;
  readonly refitMs: number;
}

/** The number of prunable (hidden weighted) layers. */
export function cnnHiddenLayerCount(model: Cnn): number {
  return hiddenStages(model).length;
}

/** `sum |kernel[..., c]|` per output channel (Li et al., 2017): row-major kernel, last axis the output. */
export function channelMagnitudes(layer: WeightedLayer): Float64Array {
  const width = layer.kind === 'conv' ? layer.filters : layer.units;
  const norms = new Float64Array(width);
  for (let k = 0; k < layer.kernel.length; k++) norms[k % width] += Math.abs(layer.kernel[k]);
  return norms;
}

/**
 * Prunes `model` with the calibration images `calibration` (row-major, `h * w * c` values per
 * image). Neither input is modified; no tensor made here outlives the call.
 */
export async function pruneCnn(model: Cnn, calibration: Float32Array, options: CnnPruneRunOptions): Promise<CnnPruneOutcome> {
  const stages = hiddenStages(model);
  const keepRatios = resolveKeepRatiosFor(stages.length, options);
  const [height, width, depth] = model.inputShape;
  const samples = calibration.length / (height * width * depth);
  const started = performance.now();
  const uniform = seededUniform(options.seed);
  const layers: CnnLayer[] = [...model.layers];
  const reports: PrunedChannelLayerReport[] = [];
  // Per stage: the network as that stage saw it (earlier stages pruned), its cache key, its kept
  // channels once chosen, and its H once read. H is computed only when needed: for the stage's
  // problem, or for the next stage's H, when the caches hold neither.
  const seen: { model: Cnn; key: string; kept: number[]; values: Promise<Float32Array> | null }[] = [];
  const hiddenValues = (s: number): Promise<Float32Array> => {
    const record = seen[s];
    return (record.values ??= (async () => {
      const cached = options.activationCache?.get(record.key);
      if (cached) return cached;
      const stage = stages[s];
      let inputs: tf.Tensor4D;
      if (s === 0) {
        inputs = tf.tensor4d(calibration, [samples, height, width, depth]);
      } else {
        const before = stages[s - 1];
        const values = await hiddenValues(s - 1);
        // H on the kept channels, through anything (a Flatten) before this layer.
        const keptHidden = tf.tensor4d(gatherChannels(values, before.hiddenShape[2], seen[s - 1].kept), [samples, before.hiddenShape[0], before.hiddenShape[1], seen[s - 1].kept.length]);
        inputs = applyLayers(record.model, keptHidden, before.hiddenEnd, before.next);
        if (inputs !== keptHidden) keptHidden.dispose();
      }
      const hidden = (() => {
        try {
          return applyLayers(record.model, inputs, stage.layer, stage.hiddenEnd);
        } finally {
          inputs.dispose();
        }
      })();
      try {
        const values = ((await hidden.data()) as Float32Array).slice();
        options.activationCache?.set(record.key, values);
        return values;
      } finally {
        hidden.dispose();
      }
    })());
  };
  for (const [s, stage] of stages.entries()) {
    throwIfCancelled(options.signal);
    const layerStarted = performance.now();
    const layer = layers[stage.layer] as WeightedLayer;
    const next = layers[stage.next] as WeightedLayer;
    const key = channelProblemKey(s, reports.map((report) => report.kept));
    seen.push({ model: { inputShape: model.inputShape, layers: [...layers] }, key, kept: [], values: null });
    let problem = options.problemCache?.get(key);
    if (!problem) {
      const hidden = tf.tensor4d(await hiddenValues(s), [samples, ...stage.hiddenShape]);
      try {
        problem = await buildChannelProblem(hidden, nextConvView(next, stage.hiddenShape), { signal: options.signal });
      } finally {
        hidden.dispose();
      }
      options.problemCache?.set(key, problem);
    }
    const keep = keptCount(keepRatios[s], problem.channels);
    const selection = selectChannels(problem, layer, keep, options, uniform, (step) =>
      options.onProgress?.({ layer: s, layers: stages.length, step }),
    );
    reports.push({
      kind: layer.kind,
      layerIndex: stage.layer,
      channels: problem.channels,
      keepRatio: keepRatios[s],
      kept: selection.kept,
      relativeResidual: selection.steps?.at(-1)?.relativeResidual ?? problem.relativeResidual(selection.kept),
      ...(selection.steps && { residuals: selection.steps.map((step) => step.relativeResidual), steps: selection.steps }),
      activationSums: Array.from(problem.hiddenSums),
      selectMs: performance.now() - layerStarted,
    });
    layers[stage.layer] = keepOutputChannels(layer, selection.kept);
    layers[stage.next] = keepInputChannels(next, selection.kept, stage.hiddenShape);
    seen[s].kept = selection.kept;
  }
  const pruneMs = performance.now() - started;
  const selectedModel: Cnn = { inputShape: model.inputShape, layers };
  if (!options.refit) return { model: selectedModel, selectedModel, layers: reports, pruneMs, refitMs: 0 };
  const refitStarted = performance.now();
  const refit = await refitCnn(model, selectedModel, reports.map((report) => report.kept), calibration, options.signal);
  return { model: refit.model, selectedModel, layers: reports, refit: refit.layers, pruneMs, refitMs: performance.now() - refitStarted };
}

function selectChannels(
  problem: ChannelProblem,
  layer: WeightedLayer,
  keep: number,
  options: CnnPruneRunOptions,
  uniform: () => number,
  onStep: (step: IspaspStep) => void,
): { kept: number[]; steps?: IspaspStep[] } {
  switch (options.method) {
    case 'ispasp':
      return ispaspIterate(problem.hiddenSums, (kept) => problem.importance(kept), (kept) => problem.relativeResidual(kept), keep, {
        iterations: options.iterations,
        signal: options.signal,
        onStep,
      });
    case 'topk':
      return { kept: topIndices(problem.hiddenSums, keep) };
    case 'magnitude':
      return { kept: topIndices(channelMagnitudes(layer), keep) };
    case 'random':
      return { kept: randomSelect(problem.channels, keep, uniform) };
    case 'gfs':
      return { kept: gfsChannelOrder(problem, keep, options.signal).sort((a, b) => a - b) };
  }
}
