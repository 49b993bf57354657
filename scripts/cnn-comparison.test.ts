import { beforeAll, describe, expect, it } from 'vitest';
import { cnnAccuracy } from '../src/core/cnn/cnn-forward';
import { initialCnn } from '../src/core/cnn/train-cnn';
import { initNodeBackend } from '../src/node/tf-node';
import { bandDigits } from '../test/helpers/band-digits';
import { cnnComparisonTable, compareCnnPruning, type CnnComparisonRow } from './cnn-comparison';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

const digits = bandDigits(200);
const { pixels, labels } = digits;
const images = Float32Array.from(pixels, (p) => p / 255);
const model = initialCnn(
  [
    { kind: 'conv', filters: 8, kernelSize: 3, strides: 2, padding: 'valid' },
    { kind: 'maxpool', poolSize: 4 },
    { kind: 'flatten' },
    { kind: 'dense', units: 12 },
  ],
  3,
);
const finetune = { epochs: 1, batchSize: 50, learningRate: 1e-3, activationL1: 0, seed: 1 };
const data = { calibration: images.subarray(0, 100 * 784), testImages: images, testLabels: labels, finetuneSplit: digits };

describe('the CNN pruning comparison', () => {
  it('measures every method at every ratio, in order, on networks of the kept sizes', async () => {
    const rows = await compareCnnPruning(model, data, { methods: ['ispasp', 'random', 'gfs'], keepRatios: [0.25, 0.5], iterations: 5, timingRepeats: 2, seed: 0, finetune });
    expect(rows.map((r) => `${r.keep} ${r.method}`)).toEqual(['0.25 ispasp', '0.25 random', '0.25 gfs', '0.5 ispasp', '0.5 random', '0.5 gfs']);
    for (const r of rows) {
      const channels = r.keep === 0.25 ? [2, 3] : [4, 6];
      expect(r.kept).toEqual(channels);
      expect(r.keptChannels.map((kept) => kept.length)).toEqual(channels);
      // conv 3x3x1 -> c1, 3x3 map after the pool (13 -> 3), Dense 9 c1 -> c2, Dense c2 -> 10.
      expect(r.params).toBe(9 * channels[0] + channels[0] + 9 * channels[0] * channels[1] + channels[1] + channels[1] * 10 + 10);
      for (const accuracy of [r.rawAccuracy, r.refitAccuracy, r.finetunedAccuracy]) expect(accuracy).toBeGreaterThanOrEqual(0);
      expect(r.pruneMs).toBeGreaterThan(0);
    }
  });

  it('keeping every channel leaves the raw network the dense one', async () => {
    const [row] = await compareCnnPruning(model, data, { methods: ['topk'], keepRatios: [1], iterations: 5, timingRepeats: 1, seed: 0, finetune });
    expect(row.kept).toEqual([8, 12]);
    expect(row.rawAccuracy).toBe(await cnnAccuracy(model, images, labels));
    expect(row.lastResidual).toBeLessThan(1e-6);
  });

  it('the table has a line per row with the measured figures', () => {
    const row = { method: 'gfs', keep: 0.25, kept: [4, 8, 16], keptChannels: [], params: 3722, pruneMs: 123.4, refitMs: 12_345, lastResidual: 0.51234, rawAccuracy: 0.4735, refitAccuracy: 0.9532, finetunedAccuracy: 0.98, finetuneMs: 1 } satisfies CnnComparisonRow;
    const lines = cnnComparisonTable([row, { ...row, method: 'ispasp', keep: 0.5 }]).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('| 25% | 4-8-16 | 3,722 | GFS | 47.35% | 95.32% | 98.00% | 0.123 s | 12.3 s | 0.5123 |');
    expect(lines[3]).toMatch(/^\| 50% \| 4-8-16 \| 3,722 \| i-SpaSP \|/);
  });
});
