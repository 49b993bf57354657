/**
 * Sequential structured pruning of every hidden layer (ALGORITHM.md, "Several hidden layers"):
 * layer l is pruned on the activations of the already pruned layers 1..l-1, then its kernel
 * columns and the next kernel's rows are removed before moving on. The optional refit runs after
 * all kept sets are decided, so raw and refit networks keep the same neurons.
 */
import { throwIfCancelled, type CancelToken } from '../errors';
import { keepLayerInputs, keepLayerOutputsOnRead, type DenseLayer, type Mlp } from '../model/mlp';
import { magnitudeSelect, randomSelect, seededUniform, topkSelect } from './baselines';
import { gfsOrder } from './gfs';
import { ispaspSelect, type IspaspStep } from './ispasp';
import { buildLayerProblem, type LayerProblem } from './layer-problem';
import { resolveKeepRatios, type PruneOptions } from './prune-options';
import { refitNetwork, type RefitLayerReport } from './refit-network';
import { keptCount } from './select-top';

export interface PrunedLayerReport {
  /** Hidden neurons before pruning. */
  readonly units: number;
  readonly keepRatio: number;
  /** Kept neuron indices of the dense layer, ascending. */
  readonly kept: number[];
  /** ||U - H[:, S] V[S, :]||_F / ||U||_F after selection, for every method. */
  readonly relativeResidual: number;
  /** i-SpaSP only: the relative residual after each iteration. */
  readonly residuals?: number[];
  /** i-SpaSP only: each iteration's candidates, merged set and support. */
  readonly steps?: IspaspStep[];
  /** GFS only: the kept neurons in the order greedy selection added them. */
  readonly order?: number[];
  readonly selectMs: number;
}

export interface PruneProgress {
  readonly layer: number;
  readonly layers: number;
  readonly step?: IspaspStep;
  readonly added?: number;
}

export interface PruneRunOptions extends PruneOptions {
  readonly signal?: CancelToken;
  readonly onProgress?: (progress: PruneProgress) => void;
  /**
   * The first hidden layer's problem for this model and calibration set, when the caller keeps
   * one: it does not depend on the keep ratio or method, so a slider move need not rebuild it.
   */
  readonly firstLayerProblem?: LayerProblem;
}

export interface PruneOutcome {
  /** The network with kept neurons only; refit weights when `refit` is on. */
  readonly model: Mlp;
  /** The same kept neurons with the original weights (equal to `model` without refit). */
  readonly selectedModel: Mlp;
  readonly layers: PrunedLayerReport[];
  readonly refit?: RefitLayerReport[];
  /** From model and calibration images in memory to all kept sets decided. */
  readonly pruneMs: number;
  readonly refitMs: number;
}

/**
 * Prunes `model` using the calibration images `calibration` (row-major `samples x inputSize`).
 * Neither input is modified; no tensor made here outlives the call.
 */
export function pruneNetwork(model: Mlp, calibration: Float32Array, options: PruneRunOptions): PruneOutcome {
  const keepRatios = resolveKeepRatios(model, options);
  const inputSize = model.layers[0].inputSize;
  const samples = calibration.length / inputSize;
  const started = performance.now();
  const uniform = seededUniform(options.seed);
  const cached = options.firstLayerProblem;
  if (cached && (cached.samples !== samples || cached.units !== model.layers[0].units)) {
    throw new Error('pruneNetwork: the cached first-layer problem belongs to another model or calibration set');
  }
  const hiddenLayers = model.layers.length - 1;
  const layers: DenseLayer[] = [...model.layers];
  const reports: PrunedLayerReport[] = [];

  let inputs = calibration;
  for (let l = 0; l < hiddenLayers; l++) {
    throwIfCancelled(options.signal);
    const layerStarted = performance.now();
    const problem =
      l === 0 && options.firstLayerProblem
        ? options.firstLayerProblem
        : buildLayerProblem(inputs, samples, layers[l], layers[l + 1]);
    const keep = keptCount(keepRatios[l], problem.units);
    const selection = selectNeurons(problem, layers[l], keep, options, uniform, l, hiddenLayers);
    reports.push({
      units: problem.units,
      keepRatio: keepRatios[l],
      kept: selection.kept,
      relativeResidual: selection.steps?.at(-1)?.relativeResidual ?? problem.relativeResidual(selection.kept),
      ...(selection.steps && {
        residuals: selection.steps.map((step) => step.relativeResidual),
        steps: selection.steps,
      }),
      ...(selection.order && { order: selection.order }),
      selectMs: performance.now() - layerStarted,
    });
    layers[l] = keepLayerOutputsOnRead(layers[l], selection.kept);
    layers[l + 1] = keepLayerInputs(layers[l + 1], selection.kept);
    // The last hidden layer's kept activations feed nothing here (a 40 MB copy on 784-10000-10).
    if (l + 1 < hiddenLayers) inputs = problem.keptActivations(selection.kept);
    // A problem built here is not seen again: the next one (or the next call) reuses its memory.
    if (problem !== options.firstLayerProblem) problem.dispose();
  }
  const pruneMs = performance.now() - started;
  const selectedModel: Mlp = { layers };
  if (!options.refit) return { model: selectedModel, selectedModel, layers: reports, pruneMs, refitMs: 0 };

  const refitStarted = performance.now();
  const refit = refitNetwork(
    model,
    selectedModel,
    reports.map((report) => report.kept),
    calibration,
    options.signal,
  );
  return {
    model: refit.model,
    selectedModel,
    layers: reports,
    refit: refit.layers,
    pruneMs,
    refitMs: performance.now() - refitStarted,
  };
}

function selectNeurons(
  problem: LayerProblem,
  layer: DenseLayer,
  keep: number,
  options: PruneRunOptions,
  uniform: () => number,
  layerIndex: number,
  layerCount: number,
): { kept: number[]; steps?: IspaspStep[]; order?: number[] } {
  const report = (progress: Omit<PruneProgress, 'layer' | 'layers'>) =>
    options.onProgress?.({ layer: layerIndex, layers: layerCount, ...progress });
  switch (options.method) {
    case 'ispasp':
      return ispaspSelect(problem, keep, {
        iterations: options.iterations,
        signal: options.signal,
        onStep: (step) => report({ step }),
      });
    case 'topk':
      return { kept: topkSelect(problem.hiddenSums, keep) };
    case 'magnitude':
      return { kept: magnitudeSelect(layer, keep) };
    case 'random':
      return { kept: randomSelect(problem.units, keep, uniform) };
    case 'gfs': {
      const order = gfsOrder(problem, keep, { signal: options.signal, onAdded: (added) => report({ added }) });
      return { kept: [...order].sort((a, b) => a - b), order };
    }
  }
}
