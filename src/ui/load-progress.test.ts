import { describe, expect, it } from 'vitest';
import { loadBar, type LoadBar } from './load-progress';

describe('loadBar', () => {
  it('moves forward through the phases and within the test cache by its fraction, from 0 to 100', () => {
    let bar: LoadBar | null = null;
    const seen: number[] = [];
    for (const progress of [
      { phase: 'download' as const },
      { phase: 'test-cache' as const, fraction: 0 },
      { phase: 'test-cache' as const, fraction: 0.5 },
      { phase: 'test-cache' as const, fraction: 1 },
      { phase: 'calibration' as const },
      { phase: 'prune' as const },
      { phase: 'evaluate' as const, fraction: 1 },
    ]) {
      bar = loadBar(progress, bar);
      seen.push(bar.percent);
    }
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(100);
    seen.forEach((percent, k) => k > 0 && expect(percent).toBeGreaterThanOrEqual(seen[k - 1]));
    // The test cache is most of the bar, and each later phase moves it on.
    expect(seen[3] - seen[1]).toBeGreaterThan(50);
    expect(new Set(seen.slice(4)).size).toBe(3);
  });

  it('names the phase in words and never goes back (a second calibration pass for another sample count)', () => {
    const pruning = loadBar({ phase: 'prune' }, null);
    const again = loadBar({ phase: 'calibration' }, pruning);
    expect(again.label).toMatch(/Calibration/);
    expect(again.percent).toBe(pruning.percent);
    expect(loadBar({ phase: 'test-cache', fraction: 7 }, null).percent).toBeLessThanOrEqual(100);
  });
});
