import { describe, expect, it } from 'vitest';
import type { ModelSummary, PruneView } from '../../client/worker-client';
import { channelsViewInput } from '../cnn/channels-input';
import { channelMapsRequest } from './use-channel-maps';

const cnn = { id: 'cnn-sparse', kind: 'cnn', hiddenKinds: ['conv', 'conv', 'dense'] } as unknown as ModelSummary;
const view = {
  request: { samples: 300 },
  report: { model: 'cnn-sparse' },
  layers: [
    { units: 4, kept: [1, 3], importance: [0, 1, 2, 3] },
    { units: 3, kept: [0, 2], importance: [5, 6, 7] },
    { units: 2, kept: [1] },
  ],
} as unknown as PruneView;
const digit = { kind: 'test', index: 7 } as const;

describe('channelMapsRequest (what the Channels view asks the worker for)', () => {
  it('asks for the dense network before a prune', () => {
    expect(channelMapsRequest(null, null, digit)).toEqual({ digit, kept: null });
  });

  it('asks for the prune\'s kept sets and importance, naming the prune so its delivered network computes the maps', () => {
    const input = channelsViewInput(cnn, view, null, null);
    expect(channelMapsRequest(input, 12, digit)).toEqual({ digit, kept: [[1, 3], [0, 2], [1]], importance: [[0, 1, 2, 3], [5, 6, 7], null], serial: 12 });
  });

  it('in step mode, asks for the step\'s first-layer set (sorted) on the dense network\'s slices, the later layers as pruned', () => {
    const step = { iteration: 2, candidates: [0, 2], merged: [0, 1, 2], kept: [2, 0] };
    const request = channelMapsRequest(channelsViewInput(cnn, view, step, null), 12, digit);
    expect(request.kept).toEqual([[0, 2], [0, 2], [1]]);
    expect(request.serial).toBeUndefined();
    // A step before any set is kept shows the final sets.
    expect(channelMapsRequest(channelsViewInput(cnn, view, { ...step, kept: [] }, null), 12, digit).kept).toEqual([[1, 3], [0, 2], [1]]);
  });
});
