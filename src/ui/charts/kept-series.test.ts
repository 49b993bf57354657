import { describe, expect, it } from 'vitest';
import type { IterationView } from '../../client/worker-client';
import { churnRows, keptCount, keptMarkers, keptRows, settledAfter } from './kept-series';

const step = (iteration: number, entered: number, left: number): IterationView => ({
  iteration,
  candidates: [],
  merged: [],
  kept: [],
  relativeResidual: 0.1,
  entered,
  left,
});

describe('keptCount', () => {
  it('matches the pruner: max(1, floor(rho N + 1e-9))', () => {
    expect(keptCount(0.1, 1024)).toBe(102);
    expect(keptCount(0.15, 20)).toBe(3);
    expect(keptCount(0.57, 100)).toBe(57); // 0.57 * 100 = 56.99999999999999 in floating point
    expect(keptCount(0.001, 100)).toBe(1);
    expect(keptCount(1, 1024)).toBe(1024);
    expect(keptCount(0.29, 100)).toBe(29); // 28.999999999999996
  });
});

describe('keptRows', () => {
  it('has one row per percent 1..100 with a column per layer', () => {
    const rows = keptRows([1024, 20]);
    expect(rows).toHaveLength(100);
    expect(rows[0]).toEqual({ keepPercent: 1, layer0: 10, layer1: 1 });
    expect(rows[9]).toEqual({ keepPercent: 10, layer0: 102, layer1: 2 });
    expect(rows[14].layer1).toBe(3);
    expect(rows[99]).toEqual({ keepPercent: 100, layer0: 1024, layer1: 20 });
    expect(keptRows([])).toEqual([]);
  });
});

describe('keptMarkers', () => {
  it('marks the current ratio per layer, reusing the first ratio when only one is given', () => {
    expect(keptMarkers([1024, 512], [0.1])).toEqual([
      { layer: 0, keepPercent: 10, kept: 102, units: 1024 },
      { layer: 1, keepPercent: 10, kept: 51, units: 512 },
    ]);
    expect(keptMarkers([1024, 512], [0.1, 0.5])[1].kept).toBe(256);
    expect(keptMarkers([1024], [])).toEqual([]);
  });
});

describe('churnRows', () => {
  it('puts entered up and left down', () => {
    expect(churnRows([step(1, 10, 0), step(2, 3, 3)])).toEqual([
      { iteration: 1, entered: 10, left: 0 },
      { iteration: 2, entered: 3, left: -3 },
    ]);
    expect(churnRows(undefined)).toEqual([]);
  });

  it('finds when the kept set settled', () => {
    expect(settledAfter([step(1, 10, 0), step(2, 2, 2), step(3, 0, 0), step(4, 0, 0)])).toBe(2);
    expect(settledAfter([step(1, 10, 0), step(2, 1, 1)])).toBeNull();
    expect(settledAfter([])).toBeNull();
  });
});
