import { describe, expect, it } from 'vitest';
import { DEFAULT_URL_STATE } from '../client/url-state';
import type { PruneView } from '../client/worker-client';
import { errorOf, initialState, reducer } from './store';

const view = { report: { model: 'm' }, layers: [], accuracy: { delivered: 0.5 } } as unknown as PruneView;

describe('errors in the store', () => {
  it('an import error stays through the next prune; a prune error goes when a prune works', () => {
    let state = reducer(initialState(DEFAULT_URL_STATE), { type: 'error', source: 'model', error: 'bad model.json' });
    state = reducer(state, { type: 'error', source: 'prune', error: 'refit needs more samples' });
    state = reducer(state, { type: 'pruned', view });
    expect(errorOf(state.errors, 'model')?.message).toBe('bad model.json');
    expect(errorOf(state.errors, 'prune')).toBeUndefined();
  });

  it('a newer error of the same source replaces the older one; dismissing clears only that source', () => {
    let state = reducer(initialState(DEFAULT_URL_STATE), { type: 'error', source: 'export', error: 'first' });
    state = reducer(state, { type: 'error', source: 'train', error: 'out of memory' });
    state = reducer(state, { type: 'error', source: 'export', error: 'second' });
    expect(state.errors.map((error) => error.message)).toEqual(['out of memory', 'second']);
    state = reducer(state, { type: 'error', source: 'export', error: null });
    expect(state.errors.map((error) => error.message)).toEqual(['out of memory']);
  });

  it('switching models clears the old results at once', () => {
    let state = reducer(initialState(DEFAULT_URL_STATE), { type: 'pruned', view });
    state = reducer(state, { type: 'sweep-point', point: { method: 'ispasp', keep: 0.1, raw: 0.5, pruneMs: 1 } });
    state = reducer(state, { type: 'model-switching' });
    expect(state.prune.view).toBeNull();
    expect(state.sweep.points).toEqual([]);
    expect(state.model).toBeNull();
  });
});

describe('full-test accuracy after a quick result', () => {
  const quick = { ...view, serial: 7, accuracy: { delivered: 0.5, subset: { images: 1000, of: 10000 } } } as unknown as PruneView;
  const full = { ...view, serial: 7, layers: [], accuracy: { delivered: 0.52 } } as unknown as PruneView;

  it('replaces the result on screen with the same serial, and never a newer one', () => {
    let state = reducer(initialState(DEFAULT_URL_STATE), { type: 'pruned', view: quick });
    state = reducer(state, { type: 'accuracy-completed', view: full });
    expect(state.prune.view?.accuracy.delivered).toBe(0.52);
    // The layers the charts draw stay the same objects: only the figures changed.
    expect(state.prune.view?.layers).toBe(quick.layers);
    const newer = { ...quick, serial: 8 } as PruneView;
    state = reducer(state, { type: 'pruned', view: newer });
    state = reducer(state, { type: 'accuracy-completed', view: full });
    expect(state.prune.view).toBe(newer);
  });
});
