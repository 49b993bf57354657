import { describe, expect, it } from 'vitest';
import { enteredAt, speedupPoint, timingsAt } from './derive';

const step = (iteration: number, kept: number[]) => ({ iteration, kept, candidates: [], merged: [], relativeResidual: 0, entered: 0, left: 0 });

describe('enteredAt', () => {
  it('records the last iteration each kept neuron joined, and forgets neurons that left', () => {
    expect(enteredAt(5, [step(1, [0, 1]), step(2, [1, 2]), step(3, [1, 2]), step(4, [0, 2])])).toEqual([4, null, 2, null, null]);
  });

  it('is all null without iterations', () => {
    expect(enteredAt(3, undefined)).toEqual([null, null, null]);
  });
});

describe('timingsAt', () => {
  const points = [
    { method: 'ispasp' as const, keep: 0.1, raw: 0.9, pruneMs: 5 },
    { method: 'ispasp' as const, keep: 0.5, raw: 0.9, pruneMs: 7 },
    { method: 'gfs' as const, keep: 0.1, raw: 0.9, pruneMs: 900 },
    { method: 'topk' as const, keep: 0.5, raw: 0.9, pruneMs: 3 },
  ];

  it('times every method at the one swept ratio nearest the slider, never mixing ratios', () => {
    expect(timingsAt(points, 0.45, ['ispasp', 'topk', 'gfs'])).toEqual({
      keep: 0.5,
      timings: [
        { method: 'ispasp', ms: 7, keep: 0.5 },
        { method: 'topk', ms: 3, keep: 0.5 },
      ],
      missing: ['gfs'],
    });
    expect(timingsAt(points, 0.12, ['ispasp', 'topk', 'gfs']).timings.map((t) => t.method)).toEqual(['ispasp', 'gfs']);
  });

  it("picks among i-SpaSP's ratios while the sweep fills in", () => {
    const early = [
      { method: 'gfs' as const, keep: 0.02, raw: 0.5, pruneMs: 90 },
      { method: 'ispasp' as const, keep: 0.5, raw: 0.9, pruneMs: 7 },
    ];
    expect(timingsAt(early, 0.1, ['ispasp', 'gfs'])).toEqual({ keep: 0.5, timings: [{ method: 'ispasp', ms: 7, keep: 0.5 }], missing: ['gfs'] });
  });

  it('is empty before the sweep has points', () => {
    expect(timingsAt([], 0.1, ['ispasp'])).toEqual({ keep: null, timings: [], missing: [] });
  });
});

describe('speedupPoint', () => {
  const point = (method: 'ispasp' | 'gfs' | 'topk', keep: number, pruneMs: number) => ({ method, keep, raw: 0.9, pruneMs });
  const points = [point('ispasp', 0.05, 150), point('ispasp', 0.1, 200), point('ispasp', 0.6, 260), point('topk', 0.1, 90), point('gfs', 0.05, 18_000), point('gfs', 0.1, 37_000)];

  it('compares at the ratio nearest the slider where GFS has a point', () => {
    expect(speedupPoint(points, 0.06)).toEqual({ keep: 0.05, ispaspMs: 150, gfsMs: 18_000 });
    expect(speedupPoint(points, 0.09)).toEqual({ keep: 0.1, ispaspMs: 200, gfsMs: 37_000 });
  });

  it('past the largest ratio GFS was swept to, compares there rather than across ratios', () => {
    expect(speedupPoint(points, 0.6)).toEqual({ keep: 0.1, ispaspMs: 200, gfsMs: 37_000 });
  });

  it('is null until both methods have a point at one ratio', () => {
    expect(speedupPoint([point('ispasp', 0.1, 200), point('gfs', 0.05, 18_000)], 0.1)).toBeNull();
    expect(speedupPoint([], 0.5)).toBeNull();
  });
});
