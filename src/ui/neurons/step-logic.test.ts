import { describe, expect, it } from 'vitest';
import { nextStep, stepCaption } from './step-logic';

describe('nextStep', () => {
  it('advances null -> 0 -> 1 ... and stays at the last iteration', () => {
    expect(nextStep(null, 3)).toBe(0);
    expect(nextStep(0, 3)).toBe(1);
    expect(nextStep(2, 3)).toBe(2);
    expect(nextStep(7, 3)).toBe(2);
    expect(nextStep(null, 0)).toBeNull();
  });

  it('captions the iteration', () => {
    expect(stepCaption(0, 20)).toBe('Iteration 1 of 20: 2s candidates (Ω), merged set, kept set.');
    expect(stepCaption(null, 20)).toMatch(/final kept set after 20 iterations/);
    expect(stepCaption(null, 0)).toMatch(/not iterative/);
  });
});
