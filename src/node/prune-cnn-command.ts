/**
 * The CLI's convolutional branch (prune-command.ts dispatches here when model.json holds a
 * Conv2D): the same flags and report, layers with `kind` and `channels`.
 */
import type { Cnn } from '../core/cnn/cnn';
import { cnnAccuracy } from '../core/cnn/cnn-forward';
import { buildCnnPruneReport } from '../core/cnn/cnn-report';
import { cnnHiddenLayerCount, pruneCnn } from '../core/cnn/prune-cnn';
import { trainCnn } from '../core/cnn/train-cnn';
import { calibrationImages, normalizedImages } from '../core/data/mnist';
import { resolveKeepRatiosFor } from '../core/pruning/prune-options';
import type { PruneReport } from '../core/report';
import { checkCnnFinetuneEpochs, cnnFinetunePlan } from '../core/cnn/finetune-plan';
import { loadCnnFile } from './cnn-files';
import { loadMnist } from './mnist-files';
import { accuracyFigures, runSettings, type CommandIo, type PruneCommandOptions } from './prune-command';

export async function pruneCnnModel(options: PruneCommandOptions, io: CommandIo, started: number, backend: string): Promise<{ report: PruneReport; delivered: Cnn }> {
  // Refused before the model and data load: whole epochs, or one fraction below 1 (as in the playground).
  checkCnnFinetuneEpochs(options.finetuneEpochs);
  const dense = await loadCnnFile(options.modelPath);
  resolveKeepRatiosFor(cnnHiddenLayerCount(dense), options);
  const { train, test } = await loadMnist();
  const calibration = calibrationImages(train, options.samples);
  const testImages = normalizedImages(test);
  const loadMs = performance.now() - started;

  const outcome = await pruneCnn(dense, calibration, options);

  const evaluateStarted = performance.now();
  const denseAccuracy = await cnnAccuracy(dense, testImages, test.labels);
  const rawAccuracy = await cnnAccuracy(outcome.selectedModel, testImages, test.labels);
  const refitAccuracy = options.refit ? await cnnAccuracy(outcome.model, testImages, test.labels) : undefined;
  let evaluateMs = performance.now() - evaluateStarted;

  let delivered: Cnn = outcome.model;
  let finetunedAccuracy: number | undefined;
  let finetuneMs: number | undefined;
  if (options.finetuneEpochs > 0) {
    const finetuneStarted = performance.now();
    const plan = cnnFinetunePlan(options.finetuneEpochs, train);
    const epochs = plan.epochs;
    delivered = await trainCnn(
      plan.train,
      { architecture: [], epochs, batchSize: 128, learningRate: options.finetuneLearningRate, activationL1: 0, seed: options.seed },
      { onEpoch: (epoch) => io.stdout(`finetune epoch ${epoch.epoch}/${epochs}: loss ${epoch.loss.toFixed(4)}, training accuracy ${(epoch.trainAccuracy * 100).toFixed(2)}%`) },
      outcome.model,
    );
    finetuneMs = performance.now() - finetuneStarted;
    const finetuneEvaluateStarted = performance.now();
    finetunedAccuracy = await cnnAccuracy(delivered, testImages, test.labels);
    evaluateMs += performance.now() - finetuneEvaluateStarted;
  }

  const report = buildCnnPruneReport({
    ...runSettings(options, backend),
    dense,
    outcome: { ...outcome, model: delivered },
    accuracy: accuracyFigures(denseAccuracy, rawAccuracy, refitAccuracy, finetunedAccuracy),
    timingsMs: { load: loadMs, evaluate: evaluateMs, ...(finetuneMs !== undefined && { finetune: finetuneMs }), total: performance.now() - started },
  });
  return { report, delivered };
}
