/**
 * The worker's two uses of the training loop: a new network from the training form, and the
 * fine-tuning of a pruned one. Both take the job's signal; neither knows about lanes.
 */
import type { MnistSplit } from '../core/data/mnist';
import { CancelledError } from '../core/errors';
import { accuracy as testAccuracy } from '../core/metrics';
import { layerSizes, type Mlp } from '../core/model/mlp';
import { hiddenZeroFraction } from '../core/train/hidden-sparsity';
import { trainMlp } from '../core/train/train';
import { trainOptionsWithDefaults, validateTrainOptions } from '../core/train/train-options';
import type { ModelEntry, PruneRequest, TrainProgressView, TrainRequest } from './types';

export interface TrainingData {
  readonly train: MnistSplit;
  readonly test: MnistSplit;
  readonly testImages: Float32Array;
}

/** Fine-tunes a pruned (and refit) network as the request says; throws CancelledError when stopped. */
export async function finetunePruned(pruned: Mlp, request: PruneRequest, data: TrainingData, signal: AbortSignal) {
  const started = performance.now();
  const options = trainOptionsWithDefaults({
    epochs: request.finetuneEpochs,
    learningRate: request.finetuneLearningRate,
    hiddenWidths: pruned.layers.slice(0, -1).map((layer) => layer.units),
    seed: request.seed,
  });
  const result = await trainMlp(pruned, { train: data.train, test: data.test }, options, { signal });
  if (result.cancelled) throw new CancelledError('fine-tuning was superseded by a newer prune');
  const finetuneMs = performance.now() - started;
  return { model: result.model, accuracy: await testAccuracy(result.model, data.testImages, data.test.labels), finetuneMs };
}

/**
 * Trains a new network. Stopped after at least one epoch, it returns that epoch's network and
 * says so in `stopped`; stopped before, it throws a CancelledError saying nothing was kept.
 * `sameShapeCount` numbers runs of the same widths, so their titles differ.
 */
export async function trainNew(
  request: TrainRequest,
  data: TrainingData,
  signal: AbortSignal,
  onProgress: (progress: TrainProgressView) => void,
  sameShapeCount: (sizes: number[]) => number,
): Promise<{ model: Mlp; entry: ModelEntry; stopped: string | null }> {
  const options = trainOptionsWithDefaults({
    hiddenWidths: request.hiddenWidths,
    epochs: request.epochs,
    batchSize: request.batchSize,
    learningRate: request.learningRate,
    activationL1: request.activationL1,
    seed: request.seed,
    optimizer: request.optimizer,
  });
  validateTrainOptions(options);
  let lastTest: number | undefined;
  const result = await trainMlp(null, { train: data.train, test: data.test }, options, {
    signal,
    onBatch: (p) => onProgress({ fraction: p.fraction, epoch: p.epoch, loss: p.loss, accuracy: p.accuracy, examplesPerSecond: p.examplesPerSecond, etaSeconds: p.etaSeconds, testAccuracy: lastTest }),
    onEpoch: (p) => {
      lastTest = p.testAccuracy;
    },
  });
  if (result.epochsCompleted === 0) throw new CancelledError('training stopped before its first epoch finished, so there is no trained network to keep');
  const sizes = layerSizes(result.model);
  const earlier = sameShapeCount(sizes);
  const entry: ModelEntry = {
    id: `trained-${Date.now().toString(36)}`,
    title: request.title ?? `Trained ${sizes.join('-')}${request.activationL1 > 0 ? ' (sparse)' : ''}${earlier > 0 ? ` #${earlier + 1}` : ''}`,
    description: `Trained here: ${result.epochsCompleted} epoch(s), ${request.optimizer}, rate ${request.learningRate}, L1 ${request.activationL1}, seed ${request.seed}${result.cancelled ? ' (stopped early)' : ''}`,
    sizes,
    source: 'trained',
    testAccuracy: result.final?.testAccuracy,
    hiddenZeroFraction: await hiddenZeroFraction(result.model, data.testImages, 1000),
    training: { ...request, epochsCompleted: result.epochsCompleted },
  };
  return { model: result.model, entry, stopped: result.cancelled ? `stopped after ${result.epochsCompleted} epoch(s); that network is kept` : null };
}
