import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRUNE_METHODS } from '../core/pruning/methods';
import { DEFAULT_URL_STATE, readUrlState, writeUrlState, type UrlState } from './url-state';

const state = fc.record<UrlState>({
  model: fc.option(fc.stringMatching(/^[\w.-]{1,20}$/), { nil: null }),
  method: fc.constantFrom(...PRUNE_METHODS),
  keep: fc.integer({ min: 1, max: 100 }),
  iterations: fc.integer({ min: 1, max: 200 }),
  samples: fc.integer({ min: 10, max: 10000 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  refit: fc.boolean(),
  finetune: fc.constantFrom(0, 0.25, 1, 2),
});

describe('url state', () => {
  it('round-trips every valid state', () => {
    fc.assert(
      fc.property(state, (value) => {
        expect(readUrlState(writeUrlState(value))).toEqual(value);
      }),
    );
  });

  it('keeps parameters it does not own, such as ?backend=', () => {
    const search = writeUrlState({ ...DEFAULT_URL_STATE, keep: 25 }, '?backend=webgpu');
    expect(new URLSearchParams(search).get('backend')).toBe('webgpu');
    expect(readUrlState(search).keep).toBe(25);
  });

  it('ignores malformed or out-of-range values', () => {
    expect(readUrlState('?keep=150&method=prune-all&refit=yes&samples=abc&model=../../etc')).toEqual(DEFAULT_URL_STATE);
  });
});
