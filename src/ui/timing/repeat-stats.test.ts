import { describe, expect, it } from 'vitest';
import { ratioSpread, spread } from './repeat-stats';

describe('spread', () => {
  it('gives median, min and max of the runs', () => {
    expect(spread([5, 1, 3])).toEqual({ runs: 3, median: 3, min: 1, max: 5 });
    expect(spread([4, 1, 3, 2])).toEqual({ runs: 4, median: 2.5, min: 1, max: 4 });
  });

  it('ignores non-finite values and is null without runs', () => {
    expect(spread([Number.NaN, 2])).toEqual({ runs: 1, median: 2, min: 2, max: 2 });
    expect(spread([])).toBeNull();
  });
});

describe('ratioSpread', () => {
  it('bounds the speed-up by the slowest and fastest runs', () => {
    const fast = { runs: 3, median: 10, min: 5, max: 20 };
    const slow = { runs: 3, median: 1000, min: 900, max: 1200 };
    expect(ratioSpread(slow, fast)).toEqual({ median: 100, min: 45, max: 240 });
  });

  it('is null when a fast run took no measurable time', () => {
    expect(ratioSpread({ runs: 1, median: 5, min: 5, max: 5 }, { runs: 1, median: 0, min: 0, max: 0 })).toBeNull();
  });
});
