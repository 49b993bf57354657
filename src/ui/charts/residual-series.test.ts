import { describe, expect, it } from 'vitest';
import { isSinglePoint, residualMax, residualRows, residualSummary } from './residual-series';

describe('residualRows', () => {
  it('numbers iterations from 1 with one column per layer', () => {
    expect(residualRows([{ residuals: [0.5, 0.4, 0.45] }, { residuals: [0.3] }])).toEqual([
      { iteration: 1, layer0: 0.5, layer1: 0.3 },
      { iteration: 2, layer0: 0.4 },
      { iteration: 3, layer0: 0.45 },
    ]);
    expect(residualRows([])).toEqual([]);
    expect(residualRows([{ residuals: [] }])).toEqual([]);
  });

  it('drops non-finite values', () => {
    expect(residualRows([{ residuals: [Number.NaN, 0.2] }])).toEqual([{ iteration: 1 }, { iteration: 2, layer0: 0.2 }]);
  });
});

describe('residual helpers', () => {
  it('detects non-iterative methods', () => {
    expect(isSinglePoint([{ residuals: [0.3] }, { residuals: [0.2] }])).toBe(true);
    expect(isSinglePoint([{ residuals: [0.3, 0.2] }])).toBe(false);
  });

  it('rounds the y maximum up to a tenth', () => {
    expect(residualMax([{ residuals: [0.31, 0.2] }])).toBe(0.4);
    expect(residualMax([{ residuals: [0.3] }])).toBe(0.3);
    expect(residualMax([])).toBe(0.1);
  });

  it('summarises first, last and lowest residual', () => {
    expect(residualSummary([{ residuals: [0.5, 0.3, 0.35] }])).toBe(
      'Relative residual per i-SpaSP iteration, layer 1: 0.5 after iteration 1, 0.35 after iteration 3, lowest 0.3.',
    );
    expect(residualSummary([])).toBe('No residuals yet.');
  });
});
