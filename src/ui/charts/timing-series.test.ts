import { describe, expect, it } from 'vitest';
import { decadeTicks, formatRatio, MIN_MS, speedupSentence, timingBars, timingDomain, timingSummary } from './timing-series';

describe('timingBars', () => {
  it('orders by method, keeps the last timing, clamps tiny values for the log axis', () => {
    const bars = timingBars([
      { method: 'gfs', ms: 5000 },
      { method: 'ispasp', ms: 40 },
      { method: 'ispasp', ms: 50 },
      { method: 'random', ms: 0 },
      { method: 'topk', ms: Number.NaN },
    ]);
    expect(bars.map((bar) => bar.method)).toEqual(['ispasp', 'random', 'gfs']);
    expect(bars[0]).toMatchObject({ ms: 50, measured: 50, text: '50 ms', label: 'i-SpaSP' });
    expect(bars[1]).toMatchObject({ ms: MIN_MS, measured: 0 });
    expect(bars[2].text).toBe('5.00 s');
  });

  it('domain spans whole decades with room above the tallest bar', () => {
    const bars = timingBars([
      { method: 'ispasp', ms: 3 },
      { method: 'gfs', ms: 600 },
    ]);
    expect(timingDomain(bars)).toEqual([1, 1000]);
    expect(decadeTicks([1, 1000])).toEqual([1, 10, 100, 1000]);
    expect(timingDomain([])).toEqual([1, 10]);
    expect(timingSummary(bars)).toBe('Prune time per method, log scale: i-SpaSP 3.0 ms, GFS 600 ms.');
  });
});

describe('speedupSentence', () => {
  it('says how much faster i-SpaSP is than GFS', () => {
    expect(speedupSentence([{ method: 'ispasp', ms: 20 }, { method: 'gfs', ms: 740 }])).toBe('i-SpaSP is 37× faster than GFS on this machine.');
    expect(speedupSentence([{ method: 'ispasp', ms: 20 }, { method: 'gfs', ms: 48 }])).toBe('i-SpaSP is 2.4× faster than GFS on this machine.');
  });

  it('names the kept count it compares at', () => {
    expect(speedupSentence([{ method: 'ispasp', ms: 230 }, { method: 'gfs', ms: 37_000 }], 'ispasp', 'gfs', 'at 1,000 kept neurons')).toBe(
      'i-SpaSP is 161× faster than GFS at 1,000 kept neurons on this machine.',
    );
  });

  it('reverses when GFS is faster, and says when they are about equal', () => {
    expect(speedupSentence([{ method: 'ispasp', ms: 30 }, { method: 'gfs', ms: 10 }])).toBe('GFS is 3.0× faster than i-SpaSP on this machine.');
    expect(speedupSentence([{ method: 'ispasp', ms: 100 }, { method: 'gfs', ms: 102 }])).toMatch(/about as long/);
  });

  it('is null unless both were timed', () => {
    expect(speedupSentence([{ method: 'ispasp', ms: 20 }])).toBeNull();
    expect(speedupSentence([{ method: 'ispasp', ms: 0 }, { method: 'gfs', ms: 10 }])).toBeNull();
    expect(speedupSentence([])).toBeNull();
  });

  it('formats ratios', () => {
    expect(formatRatio(1234.5)).toBe('1,235×');
    expect(formatRatio(12.4)).toBe('12×');
    expect(formatRatio(1.26)).toBe('1.3×');
  });
});
