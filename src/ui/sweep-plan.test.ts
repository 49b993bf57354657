import { describe, expect, it } from 'vitest';
import { coarseFirst, SWEEP_PERCENTS } from './sweep-plan';

describe('coarseFirst', () => {
  it('visits every ratio exactly once, extremes first, then midpoints', () => {
    const order = coarseFirst(SWEEP_PERCENTS);
    expect([...order].sort((a, b) => a - b)).toEqual(SWEEP_PERCENTS);
    expect(order.slice(0, 3)).toEqual([100, 1, 15]);
    expect(SWEEP_PERCENTS).toHaveLength(20);
  });
});
