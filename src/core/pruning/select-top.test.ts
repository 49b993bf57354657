import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keptCount, selectAscending, selectPositionsAscending, topIndices, unionSorted } from './select-top';

/** The rule spelled out: sort by score descending, then index ascending; take k; report ascending. */
function naiveTop(scores: number[], k: number, candidates: number[]): number[] {
  return [...candidates]
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, k)
    .sort((a, b) => a - b);
}

describe('topIndices', () => {
  it('breaks ties toward the lower index', () => {
    expect(topIndices([1, 3, 3, 2, 3], 2)).toEqual([1, 2]);
    expect(topIndices([5, 5, 5], 1)).toEqual([0]);
    expect(topIndices([0, 1, 0, 1], 3)).toEqual([0, 1, 3]);
  });

  it('agrees with the naive rule on random scores with many ties', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 40 }),
        fc.nat(45),
        fc.func(fc.boolean()),
        (scores, k, inPool) => {
          const all = scores.map((_, i) => i);
          expect(topIndices(scores, k)).toEqual(naiveTop(scores, k, all));
          const pool = all.filter((i) => inPool(i));
          expect(topIndices(scores, k, pool)).toEqual(naiveTop(scores, k, pool));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('topIndices on real-valued scores', () => {
  it('agrees with the naive rule on doubles, infinities and NaN (ranked as -Infinity)', () => {
    const ranked = (x: number) => (Number.isNaN(x) ? -Infinity : x);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double(), fc.constantFrom(0, -0, 1, Infinity, -Infinity, NaN)), { minLength: 1, maxLength: 60 }),
        fc.nat(70),
        (scores, k) => {
          const all = scores.map((_, i) => i);
          const keys = scores.map(ranked);
          const naive = [...all]
            .sort((a, b) => (keys[b] > keys[a] ? 1 : keys[b] < keys[a] ? -1 : a - b))
            .slice(0, k)
            .sort((a, b) => a - b);
          expect(topIndices(scores, k)).toEqual(naive);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('selectAscending', () => {
  it('returns what a sort would put at each position', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 80 }), fc.nat(), (values, at) => {
        const position = at % values.length;
        const sorted = Float64Array.from(values).sort();
        // == not toBe: a sort orders -0 before 0, selection treats them as equal.
        expect(selectAscending(Float64Array.from(values), position) === sorted[position]).toBe(true);
      }),
      { numRuns: 500 },
    );
    // Many equal values and sorted or reversed input, where a naive pivot degrades.
    const many = Float64Array.from({ length: 5000 }, (_, i) => i % 3);
    expect(selectAscending(many, 2500)).toBe(1);
    expect(selectAscending(Float64Array.from({ length: 5000 }, (_, i) => 5000 - i), 0)).toBe(1);
  });
});

describe('selectPositionsAscending', () => {
  it('returns what a sort would put at each asked position, in the order asked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 120 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
        (values, picks) => {
          const positions = picks.map((p) => p % values.length);
          const sorted = Float64Array.from(values).sort();
          expect(selectPositionsAscending(Float64Array.from(values), positions)).toEqual(positions.map((p) => sorted[p]));
        },
      ),
      { numRuns: 500 },
    );
    const big = Float32Array.from({ length: 100_000 }, (_, i) => Math.fround(Math.sin(i) * 1000));
    const sorted = big.slice().sort();
    const positions = [99_999, 0, 50_000, 12_345, 99_998];
    expect(selectPositionsAscending(big, positions)).toEqual(positions.map((p) => sorted[p]));
  });
});

describe('unionSorted', () => {
  it('merges ascending lists without duplicates', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(50)), fc.uniqueArray(fc.nat(50)), (a, b) => {
        const sa = [...a].sort((x, y) => x - y);
        const sb = [...b].sort((x, y) => x - y);
        expect(unionSorted(sa, sb)).toEqual([...new Set([...a, ...b])].sort((x, y) => x - y));
      }),
    );
  });
});

describe('keptCount', () => {
  it('is max(1, floor(rho * N + 1e-9))', () => {
    expect(keptCount(0.1, 1024)).toBe(102);
    expect(keptCount(0.15, 20)).toBe(3); // 0.15 * 20 = 2.9999999999999996 in floating point
    expect(keptCount(0.001, 10)).toBe(1);
    expect(keptCount(1, 7)).toBe(7);
  });
});
