import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRUNE_METHODS } from '../core/pruning/methods';
import { SETTING_NAMES, SETTINGS } from '../core/settings';
import { DEFAULT_URL_STATE, readUrlState, writeUrlState, type UrlState } from './url-state';

/** Any value the settings table allows, per field: integers in range, reals in range. */
const number = (name: 'iterations' | 'samples' | 'seed' | 'finetuneEpochs' | 'finetuneLearningRate') => {
  const setting = SETTINGS[name];
  if (setting.integer) return fc.integer({ min: setting.min, max: setting.max });
  return fc.double({ min: setting.min, max: setting.max, noNaN: true }).filter((value) => (setting.minExclusive ? value > setting.min : true));
};

const state = fc.record<UrlState>({
  model: fc.option(fc.stringMatching(/^[\w.-]{1,20}$/), { nil: null }),
  method: fc.constantFrom(...PRUNE_METHODS),
  keep: fc.integer({ min: 1, max: 100 }),
  perLayer: fc.option(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }), { nil: null }),
  iterations: number('iterations'),
  samples: number('samples'),
  seed: number('seed'),
  refit: fc.boolean(),
  finetuneEpochs: number('finetuneEpochs'),
  finetuneLearningRate: number('finetuneLearningRate'),
});

describe('url state', () => {
  it('round-trips every valid state, per-layer ratios included', () => {
    fc.assert(
      fc.property(state, (value) => {
        expect(readUrlState(writeUrlState(value))).toEqual(value);
      }),
    );
  });

  it('writes every field of the settings table under its URL key', () => {
    const params = new URLSearchParams(writeUrlState(DEFAULT_URL_STATE));
    for (const name of SETTING_NAMES) expect(params.has(SETTINGS[name].urlKey)).toBe(true);
  });

  it('reopens a per-layer link with those ratios, not the global one', () => {
    const link = writeUrlState({ ...DEFAULT_URL_STATE, model: 'mlp-512-256-sparse', keep: 10, perLayer: [5, 50] });
    expect(new URLSearchParams(link).get('layers')).toBe('5,50');
    expect(readUrlState(link)).toMatchObject({ keep: 10, perLayer: [5, 50] });
  });

  it('keeps parameters it does not own, such as ?backend=', () => {
    const search = writeUrlState({ ...DEFAULT_URL_STATE, keep: 25 }, '?backend=webgpu');
    expect(new URLSearchParams(search).get('backend')).toBe('webgpu');
    expect(readUrlState(search).keep).toBe(25);
  });

  it('uses the defaults for malformed or out-of-range values and lists each of them', () => {
    const read = readUrlState('?keep=150&method=prune-all&refit=yes&samples=abc&model=../../etc&iterations=5000&layers=10,0');
    const { problems, ...rest } = read;
    expect(rest).toEqual(DEFAULT_URL_STATE);
    expect(problems!.map((problem) => problem.key).sort()).toEqual(['iterations', 'keep', 'layers', 'method', 'model', 'refit', 'samples']);
  });
});
