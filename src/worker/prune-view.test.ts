import { describe, expect, it } from 'vitest';
import { randomMlp } from '../../test/helpers/random-mlp';
import { pruneNetwork } from '../core/pruning/prune-network';
import { DEFAULT_PRUNE_SETTINGS } from '../core/settings';
import { iterationViews, pruneViewOf, type PruneMeasurements } from './prune-view';
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

describe('iterationViews', () => {
  const step = (iteration: number, kept: number[], candidates: number[], merged: number[]) => ({ iteration, kept, candidates, merged, relativeResidual: 1 / iteration });
  const steps = [
    step(1, [2, 5, 9], [2, 5, 9, 11], [2, 5, 9, 11]),
    step(2, [2, 7, 11], [7, 11, 12, 13], [2, 5, 7, 9, 11, 12, 13]),
    step(3, [2, 7, 11], [2, 7, 11, 13], [2, 7, 11, 13]),
    step(4, [0, 1, 2], [0, 1, 2, 7], [0, 1, 2, 7, 11]),
  ];

  it('counts the units that joined and left the kept set at each step (counted by hand)', () => {
    const views = iterationViews(steps);
    expect(views.map((v) => [v.entered, v.left])).toEqual([[3, 0], [2, 2], [0, 0], [2, 2]]);
  });

  it('carries every set unchanged, as Int32Arrays on one buffer (one block copy to the page)', () => {
    const views = iterationViews(steps);
    views.forEach((view, k) => {
      expect(Array.from(view.kept)).toEqual(steps[k].kept);
      expect(Array.from(view.candidates)).toEqual(steps[k].candidates);
      expect(Array.from(view.merged)).toEqual(steps[k].merged);
      expect(view.iteration).toBe(steps[k].iteration);
      expect(view.relativeResidual).toBe(steps[k].relativeResidual);
    });
    const buffers = new Set(views.flatMap((view) => [view.kept, view.candidates, view.merged].map((list) => (list as Int32Array).buffer)));
    expect(buffers.size).toBe(1);
    // A structured clone (what postMessage does) keeps the sets.
    const cloned = structuredClone(views);
    expect(Array.from(cloned[1].merged)).toEqual(steps[1].merged);
  });

  it('the real i-SpaSP steps: entered and left as a set difference gives them', () => {
    const views = iterationViews(outcome.layers[0].steps!);
    views.forEach((view, k) => {
      const before = new Set(k === 0 ? [] : Array.from(views[k - 1].kept));
      const now = new Set(Array.from(view.kept));
      expect(view.entered).toBe([...now].filter((j) => !before.has(j)).length);
      expect(view.left).toBe([...before].filter((j) => !now.has(j)).length);
    });
  });
});
