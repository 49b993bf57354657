/** The convolutional network's share of the derived views: the sparsity profile, predictions, fine-tuning. */
import * as tf from '@tensorflow/tfjs';
import type { Cnn } from '../core/cnn/cnn';
import { applyLayers, cnnLogits, imagesTensor } from '../core/cnn/cnn-forward';
import { hiddenStages } from '../core/cnn/cnn-shrink';
import { trainCnn } from '../core/cnn/train-cnn';
import { cnnFinetunePlan } from '../core/cnn/finetune-plan';
import { CancelledError } from '../core/errors';
import { readValues } from '../core/tensor-read';
import type { CnnSession } from './cnn-session';
import type { TrainingData } from './training';
import type { Prediction, PruneRequest, SparsityProfile } from './types';
import { sparsityProfile } from './views';

/** The first hidden layer's activations (what its pruning reads: after the pooling) on the calibration images, sorted. */
export async function cnnSparsityProfile(session: CnnSession, samples: number): Promise<SparsityProfile> {
  const stage = hiddenStages(session.dense)[0];
  const hidden = await readValues(() => applyLayers(session.dense, imagesTensor(session.dense, session.calibration(samples), 0, samples), 0, stage.hiddenEnd));
  return sparsityProfile({ hidden });
}

/** Class probabilities of the dense and the pruned network for one 28x28 image. */
export async function predictBothCnn(dense: Cnn, pruned: Cnn, pixels: Float32Array): Promise<Prediction> {
  const [denseProbabilities, prunedProbabilities] = await Promise.all(
    [dense, pruned].map(async (model) => Array.from(await readValues(() => tf.softmax(cnnLogits(model, imagesTensor(model, pixels, 0, 1)))))),
  );
  return { dense: denseProbabilities, pruned: prunedProbabilities };
}

/**
 * Fine-tunes a pruned CNN (Adam, batch 128, no activation penalty) for the epochs of
 * finetune-plan.ts (whole ones, or one fraction below 1).
 */
export async function finetuneCnn(pruned: Cnn, request: PruneRequest, data: TrainingData, session: CnnSession, signal: AbortSignal) {
  const plan = cnnFinetunePlan(request.finetuneEpochs, data.train);
  const started = performance.now();
  let model: Cnn;
  try {
    model = await trainCnn(
      plan.train,
      { architecture: [], epochs: plan.epochs, batchSize: 128, learningRate: request.finetuneLearningRate, activationL1: 0, seed: request.seed },
      { signal },
      pruned,
    );
  } catch (error) {
    if (signal.aborted) throw new CancelledError('fine-tuning was superseded by a newer prune');
    throw error;
  }
  const finetuneMs = performance.now() - started;
  return { model, accuracy: await session.accuracy(model, session.testImageCount, signal), finetuneMs };
}
