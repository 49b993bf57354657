/** The convolutional network's share of the derived views: the sparsity profile, predictions, fine-tuning. */
import * as tf from '@tensorflow/tfjs';
import type { Cnn } from '../core/cnn/cnn';
import { applyLayers, cnnLogits, imagesTensor } from '../core/cnn/cnn-forward';
import { hiddenStages } from '../core/cnn/cnn-shrink';
import { trainCnn } from '../core/cnn/train-cnn';
import { subsetSplit } from '../core/data/mnist';
import { CancelledError, OptionError } from '../core/errors';
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
 * Fine-tunes a pruned CNN (Adam, batch 128, no activation penalty). Whole epochs run as they
 * are; a fraction f below 1 is one pass over the first f x 60,000 training images (the CNN
 * trainer runs whole passes). Other fractions are refused.
 */
export async function finetuneCnn(pruned: Cnn, request: PruneRequest, data: TrainingData, session: CnnSession, signal: AbortSignal) {
  const epochs = request.finetuneEpochs;
  const whole = Number.isInteger(epochs);
  if (!whole && epochs > 1) {
    throw new OptionError(`a convolutional network fine-tunes whole epochs or one fraction below 1, got ${epochs}: choose 0.5 or 2, say`);
  }
  const started = performance.now();
  const train = whole ? data.train : subsetSplit(data.train, Math.max(1, Math.round(epochs * data.train.count)));
  let model: Cnn;
  try {
    model = await trainCnn(
      train,
      { architecture: [], epochs: whole ? epochs : 1, batchSize: 128, learningRate: request.finetuneLearningRate, activationL1: 0, seed: request.seed },
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
