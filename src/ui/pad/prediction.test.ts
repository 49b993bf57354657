import { describe, expect, it } from 'vitest';
import { agree, argmax, formatProbability, predictionRows, verdict } from './prediction';

const probs = (best: number, p: number) => Array.from({ length: 10 }, (_, i) => (i === best ? p : (1 - p) / 9));

describe('prediction', () => {
  it('finds the argmax (first on ties)', () => {
    expect(argmax([0.1, 0.7, 0.2])).toBe(1);
    expect(argmax([0.5, 0.5])).toBe(0);
    expect(argmax([])).toBe(-1);
    expect(argmax([Number.NaN, 0.2])).toBe(1);
  });

  it('states each verdict', () => {
    expect(verdict('dense', probs(7, 0.98))).toBe('dense says 7 (98%)');
    expect(verdict('pruned', probs(7, 0.914))).toBe('pruned says 7 (91%)');
    expect(verdict('pruned', undefined)).toBe('pruned: no answer');
    expect(formatProbability(0.9996)).toBe('>99.9%');
    expect(formatProbability(0.996)).toBe('99.6%');
    expect(formatProbability(0.004)).toBe('<1%');
  });

  it('builds ten rows in percent and compares the answers', () => {
    const prediction = { dense: probs(3, 0.9), pruned: probs(5, 0.6) };
    const rows = predictionRows(prediction);
    expect(rows).toHaveLength(10);
    expect(rows[3]).toMatchObject({ digit: '3', dense: 90 });
    expect(rows[5].pruned).toBeCloseTo(60, 6);
    expect(agree(prediction)).toBe(false);
    expect(agree({ dense: probs(1, 0.9), pruned: probs(1, 0.5) })).toBe(true);
    expect(agree(null)).toBeNull();
    expect(predictionRows(null).every((row) => row.dense === 0 && row.pruned === 0)).toBe(true);
  });
});
