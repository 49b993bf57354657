import { describe, expect, it } from 'vitest';
import { decadeDomain, formatKeep, formatMs, formatMsTick, formatPercent, linearTicks, logTicks, niceFloor125, symmetricTicks, toPercent, trimNumber } from './format';

describe('format', () => {
  it('formats percentages and keep ratios', () => {
    expect(formatPercent(0.9759)).toBe('97.6%');
    expect(formatKeep(0.1)).toBe('10%');
    expect(formatKeep(0.005)).toBe('0.5%');
    expect(toPercent(0.07)).toBe(7);
    expect(trimNumber(7.000000000001)).toBe('7');
  });

  it('formats durations', () => {
    expect(formatMs(0.42)).toBe('0.42 ms');
    expect(formatMs(3)).toBe('3.0 ms');
    expect(formatMs(12.3)).toBe('12 ms');
    expect(formatMs(1530)).toBe('1.53 s');
    expect(formatMs(95000)).toBe('95.0 s');
  });

  it('builds log ticks and domains', () => {
    expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(logTicks(0.5, 2)).toEqual([0.5, 1, 2]);
    expect(niceFloor125(0.4)).toBe(0.2);
    expect(niceFloor125(7)).toBe(5);
    expect(niceFloor125(1)).toBe(1);
    expect(decadeDomain(3, 600)).toEqual([1, 1000]);
    expect(decadeDomain(10, 10)).toEqual([10, 100]);
  });
});

describe('axis ticks', () => {
  it('builds symmetric ticks for diverging bars', () => {
    expect(symmetricTicks(102)).toEqual([-100, -50, 0, 50, 100]);
    expect(symmetricTicks(7)).toEqual([-6, -4, -2, 0, 2, 4, 6]);
    expect(symmetricTicks(1)).toEqual([-1, 0, 1]);
    expect(symmetricTicks(0)).toEqual([0]);
  });

  it('formats log-axis millisecond ticks compactly', () => {
    expect([0.1, 1, 10, 100, 1000, 10000].map(formatMsTick)).toEqual(['0.1 ms', '1 ms', '10 ms', '100 ms', '1 s', '10 s']);
  });
});

describe('linearTicks', () => {
  it('steps by 1-2-5 values from zero', () => {
    expect(linearTicks(0.6)).toEqual([0, 0.2, 0.4, 0.6]);
    expect(linearTicks(0.5)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(linearTicks(1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks(0)).toEqual([0]);
  });
});
