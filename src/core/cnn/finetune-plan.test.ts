import { describe, expect, it } from 'vitest';
import type { MnistSplit } from '../data/mnist';
import { checkCnnFinetuneEpochs, cnnFinetunePlan } from './finetune-plan';

const train: MnistSplit = { count: 1000, pixels: new Uint8Array(1000 * 784), labels: Uint8Array.from({ length: 1000 }, (_, i) => i % 10) };

describe('cnnFinetunePlan (fine-tuning a pruned CNN, playground and CLI alike)', () => {
  it('runs whole epochs over every training image', () => {
    const plan = cnnFinetunePlan(3, train);
    expect(plan.epochs).toBe(3);
    expect(plan.train).toBe(train);
  });

  it('runs a fraction below 1 as one pass over that share of the images, from the first', () => {
    const plan = cnnFinetunePlan(0.25, train);
    expect(plan.epochs).toBe(1);
    expect(plan.train.count).toBe(250);
    expect(plan.train.labels).toEqual(train.labels.subarray(0, 250));
    expect(cnnFinetunePlan(0.0001, train).train.count).toBe(1);
  });

  it('refuses 1.5 epochs and negative ones in words; 0 is off', () => {
    expect(() => cnnFinetunePlan(1.5, train)).toThrow('a convolutional network fine-tunes whole epochs or one fraction below 1, got 1.5: choose 0.5 or 2, say');
    expect(() => checkCnnFinetuneEpochs(-1)).toThrow(/got -1/);
    expect(() => checkCnnFinetuneEpochs(0)).not.toThrow();
  });
});
