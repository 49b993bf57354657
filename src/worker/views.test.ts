import { describe, expect, it } from 'vitest';
import { randomMlp } from '../core/model/random-mlp';
import { seededUniform } from '../core/pruning/baselines';
import type { LayerProblem } from '../core/pruning/layer-problem';
import { neuronAtlas, sparsityProfile } from './views';

describe('worker views', () => {
  it('scales each neuron tile by the 98th percentile of its |weights|, as sorting would', () => {
    const dense = randomMlp([784, 12, 10], 8);
    const { kernel, units } = dense.layers[0];
    for (let i = 0; i < 784; i++) kernel[i * units + 3] = 0; // a neuron with no weights at all
    for (let i = 0; i < 784; i++) kernel[i * units + 5] = i < 5 ? 0.5 : 0; // percentile 0: scaled by the largest
    const atlas = neuronAtlas(dense, new Float64Array(units));
    for (let j = 0; j < units; j++) {
      const magnitudes = Float32Array.from({ length: 784 }, (_, i) => Math.abs(kernel[i * units + j])).sort();
      const reference = magnitudes[Math.floor(0.98 * 784)] || magnitudes[783];
      for (const i of [0, 100, 400, 783]) {
        const expected = reference > 0 ? Math.max(-1, Math.min(1, kernel[i * units + j] * (1 / reference))) : 0;
        expect(atlas.weights[j * 784 + i]).toBe(Math.fround(expected));
      }
    }
    expect(atlas.weights[5 * 784]).toBe(1);
    // Capped: the same first rows only, the full unit count and every activation sum.
    const sums = Float64Array.from({ length: units }, (_, j) => j * 1.5);
    const capped = neuronAtlas(dense, sums, 4);
    expect(capped.units).toBe(units);
    expect(capped.weights).toEqual(atlas.weights.subarray(0, 4 * 784));
    expect(capped.activationSums).toEqual(sums);
  });

  it('profiles activation magnitudes in descending order at log-spaced ranks, with the share of zeros', () => {
    const uniform = seededUniform(4);
    const hidden = Float32Array.from({ length: 5000 }, () => (uniform() < 0.7 ? 0 : uniform() * 3));
    const profile = sparsityProfile({ hidden } as LayerProblem);
    const sorted = Float32Array.from(hidden).sort().reverse();
    const zeros = hidden.filter((h) => h === 0).length;
    expect(profile.zeroFraction).toBe(zeros / hidden.length);
    profile.rank.forEach((rank, k) => expect(profile.magnitude[k]).toBe(sorted[rank - 1]));
    expect(profile.rank[0]).toBe(1);
    expect(profile.rank.at(-1)).toBe(hidden.length - zeros);
  });
});
