import { describe, expect, it } from 'vitest';
import type { SweepPoint } from '../../client/worker-client';
import { accuracyDomain, accuracyRows, accuracySeries, accuracySummary, accuracyTicks, keepDomain } from './accuracy-series';

const p = (method: SweepPoint['method'], keep: number, raw: number, refit?: number): SweepPoint => ({ method, keep, raw, refit, pruneMs: 1 });

describe('accuracySeries', () => {
  it('groups by method in PRUNE_METHODS order and sorts by keep', () => {
    const series = accuracySeries([p('gfs', 0.5, 0.9), p('ispasp', 0.1, 0.8), p('ispasp', 0.02, 0.5), p('gfs', 0.05, 0.6)], 'raw');
    expect(series.map((s) => s.method)).toEqual(['ispasp', 'gfs']);
    expect(series[0].points).toEqual([
      { keepPercent: 2, accuracy: 50 },
      { keepPercent: 10, accuracy: 80 },
    ]);
    expect(series[1].points.map((q) => q.keepPercent)).toEqual([5, 50]);
  });

  it('rounds away float error in percentages', () => {
    const [series] = accuracySeries([p('topk', 0.07, 0.9759)], 'raw');
    expect(series.points[0]).toEqual({ keepPercent: 7, accuracy: 97.59 });
  });

  it('uses refit values in refit mode and skips points without one', () => {
    const series = accuracySeries([p('ispasp', 0.1, 0.8, 0.9), p('ispasp', 0.2, 0.85), p('random', 0.1, 0.3)], 'refit');
    expect(series).toEqual([{ method: 'ispasp', points: [{ keepPercent: 10, accuracy: 90 }] }]);
  });

  it('lets a later point replace an earlier one and drops non-finite values', () => {
    const series = accuracySeries([p('ispasp', 0.1, 0.8), p('ispasp', 0.1, 0.82), p('ispasp', 0.2, Number.NaN)], 'raw');
    expect(series[0].points).toEqual([{ keepPercent: 10, accuracy: 82 }]);
  });

  it('is empty for no points', () => {
    expect(accuracySeries([], 'raw')).toEqual([]);
    expect(accuracySummary([], null, 'raw')).toMatch(/No sweep/);
  });
});

describe('accuracyRows', () => {
  it('merges methods into rows by keep, leaving gaps', () => {
    const rows = accuracyRows(accuracySeries([p('ispasp', 0.1, 0.8), p('gfs', 0.1, 0.82), p('gfs', 0.05, 0.7)], 'raw'));
    expect(rows).toEqual([
      { keepPercent: 5, gfs: 70 },
      { keepPercent: 10, ispasp: 80, gfs: 82 },
    ]);
  });
});

describe('domains', () => {
  it('spans 1-100% unless data or slider is lower', () => {
    expect(keepDomain([], 10)).toEqual([1, 100]);
    expect(keepDomain(accuracySeries([p('ispasp', 0.004, 0.2)], 'raw'), 10)).toEqual([0.2, 100]);
    expect(keepDomain([], 0.5)).toEqual([0.5, 100]);
  });

  it('y starts at a multiple of 10 below the lowest accuracy', () => {
    expect(accuracyDomain(accuracySeries([p('random', 0.01, 0.23)], 'raw'), 97.6)).toEqual([20, 100]);
    expect(accuracyDomain([], 97.6)).toEqual([90, 100]);
    expect(accuracyDomain([], null)).toEqual([90, 100]);
    expect(accuracyTicks([20, 100])).toEqual([20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(accuracyTicks([90, 100])).toEqual([90, 95, 100]);
  });
});

describe('accuracySummary', () => {
  it('names each method and the dense accuracy', () => {
    const text = accuracySummary(accuracySeries([p('ispasp', 0.01, 0.5), p('ispasp', 1, 0.97)], 'raw'), 97.6, 'raw');
    expect(text).toContain('i-SpaSP from 50% at 1% kept to 97% at 100% kept');
    expect(text).toContain('Dense network: 97.6%');
  });
});
