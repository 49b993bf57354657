import { describe, expect, it } from 'vitest';
import { sparsityDomains, sparsityPoints, sparsitySummary } from './sparsity-series';

describe('sparsityPoints', () => {
  it('keeps positive, finite pairs sorted by rank', () => {
    const profile = { rank: [10, 1, 100, 1000], magnitude: [2, 5, 0, Number.NaN], zeroFraction: 0.6 };
    expect(sparsityPoints(profile)).toEqual([
      { rank: 1, magnitude: 5 },
      { rank: 10, magnitude: 2 },
    ]);
    expect(sparsityPoints(null)).toEqual([]);
  });

  it('log domains cover whole decades', () => {
    expect(sparsityDomains([{ rank: 1, magnitude: 5 }, { rank: 300, magnitude: 0.02 }])).toEqual({ x: [1, 1000], y: [0.01, 10] });
    expect(sparsityDomains([])).toEqual({ x: [1, 10], y: [0.1, 1] });
  });

  it('summarises the decay and the zero fraction', () => {
    const profile = { rank: [1, 10], magnitude: [5, 0.5], zeroFraction: 0.625 };
    expect(sparsitySummary(profile, sparsityPoints(profile))).toContain('62.5% of the first hidden layer');
    expect(sparsitySummary(null, [])).toBe('No sparsity profile yet.');
  });
});
