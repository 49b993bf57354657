import { describe, expect, it } from 'vitest';
import { randomMlp } from '../../test/helpers/random-mlp';
import { pruneNetwork } from '../core/pruning/prune-network';
import { DEFAULT_PRUNE_SETTINGS } from '../core/settings';
import { pruneViewOf, type PruneMeasurements } from './prune-view';
import type { PruneRequest } from './types';

const dense = randomMlp([784, 20, 10], 3);
const calibration = new Float32Array(50 * 784).map((_, k) => ((k * 7919) % 101) / 101);
const request: PruneRequest = { ...DEFAULT_PRUNE_SETTINGS, keep: 0.25, samples: 50, refit: true };
const outcome = pruneNetwork(dense, calibration, request);
const base: PruneMeasurements = {
  modelName: 'm',
  backend: 'cpu',
  dense,
  denseAccuracy: 0.9,
  outcome,
  delivered: outcome.model,
  raw: 0.5,
  refit: 0.6,
  firstLayer: { importance: [] },
  evaluateMs: 3,
};

describe('pruneViewOf', () => {
  it('leads with the refit network when refit ran, and the report says the same', () => {
    const view = pruneViewOf(request, base);
    expect(view.accuracy).toMatchObject({ delivered: 0.6, deliveredKind: 'refit', raw: 0.5, refit: 0.6 });
    expect(view.report.accuracy).toEqual({ dense: 0.9, pruned: 0.6, raw: 0.5, refit: 0.6 });
    expect(view.report.finetuneEpochs).toBe(0);
    expect(view.report.finetuneLearningRate).toBeUndefined();
    expect(view.report.timingsMs.finetune).toBe(0);
    expect(view.layers[0].keptCount).toBe(5);
  });

  it('leads with the fine-tuned network and records every fine-tuning setting that ran', () => {
    const tuned = { ...request, finetuneEpochs: 0.25, finetuneLearningRate: 0.003 };
    const view = pruneViewOf(tuned, { ...base, finetuned: 0.7, finetuneMs: 1234.5 });
    expect(view.accuracy).toMatchObject({ delivered: 0.7, deliveredKind: 'finetuned' });
    expect(view.report).toMatchObject({ finetuneEpochs: 0.25, finetuneLearningRate: 0.003, samples: 50, seed: 0, refit: true, iterations: 20 });
    expect(view.report.accuracy.pruned).toBe(0.7);
    expect(view.report.timingsMs.finetune).toBe(1234.5);
    expect(view.report.timingsMs.total).toBeCloseTo(outcome.pruneMs + outcome.refitMs + 3 + 1234.5, 2);
  });

  it('without refit or fine-tuning the raw network is the delivered one', () => {
    const plain = { ...request, refit: false };
    const view = pruneViewOf(plain, { ...base, refit: undefined });
    expect(view.accuracy).toMatchObject({ delivered: 0.5, deliveredKind: 'raw' });
    expect(view.accuracy.refit).toBeUndefined();
  });
});
