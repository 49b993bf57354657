import { describe, expect, it } from 'vitest';
import { coarseFirst, gfsMaxPercent, SWEEP_PERCENTS, sweepOrder, WIDE_FIRST_PERCENTS } from './sweep-plan';

describe('coarseFirst', () => {
  it('visits every ratio exactly once, extremes first, then midpoints', () => {
    const order = coarseFirst(SWEEP_PERCENTS);
    expect([...order].sort((a, b) => a - b)).toEqual(SWEEP_PERCENTS);
    expect(order.slice(0, 3)).toEqual([100, 1, 15]);
    expect(SWEEP_PERCENTS).toHaveLength(20);
  });
});

describe('sweep plan by layer width', () => {
  it('keeps the bisection order and GFS to 50% on networks up to 2048 units per layer', () => {
    expect(sweepOrder([1024])).toEqual(coarseFirst(SWEEP_PERCENTS));
    expect(sweepOrder([2048, 512])).toEqual(coarseFirst(SWEEP_PERCENTS));
    expect(gfsMaxPercent([1024])).toBe(50);
    expect(gfsMaxPercent([2048])).toBe(50);
  });

  it('on a wider layer starts from the landmark ratios, then every other ratio once, and stops GFS at 10%', () => {
    for (const widths of [[10000], [512, 4096]]) {
      const order = sweepOrder(widths);
      expect(order.slice(0, WIDE_FIRST_PERCENTS.length)).toEqual(WIDE_FIRST_PERCENTS);
      expect([...order].sort((a, b) => a - b)).toEqual(SWEEP_PERCENTS);
      expect(gfsMaxPercent(widths)).toBe(10);
    }
    // 10% of a 10,000-unit layer is the paper's 1,000 neurons, and the sweep has that ratio.
    expect(SWEEP_PERCENTS).toContain(gfsMaxPercent([10000]));
  });
});
