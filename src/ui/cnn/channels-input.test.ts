import { describe, expect, it } from 'vitest';
import type { ModelSummary, PruneView } from '../../client/worker-client';
import { channelsViewInput } from './channels-input';

const cnn = { id: 'cnn-sparse', kind: 'cnn', hiddenKinds: ['conv', 'dense'] } as unknown as ModelSummary;
const view = {
  request: { samples: 300 },
  report: { model: 'cnn-sparse' },
  layers: [
    { units: 4, kept: [1, 3], importance: [0, 1, 2, 3], activationSums: [4, 3, 2, 1] },
    { units: 3, kept: [0] },
  ],
} as unknown as PruneView;

describe('channelsViewInput', () => {
  it('gives each layer its kind, width, kept channels as indices and as a mask', () => {
    const input = channelsViewInput(cnn, view, null, null)!;
    expect(input.samples).toBe(300);
    expect(input.layers.map((layer) => [layer.kind, layer.channels, layer.keptMask])).toEqual([
      ['conv', 4, [false, true, false, true]],
      ['dense', 3, [true, false, false]],
    ]);
    expect(input.layers[0].importance).toEqual([0, 1, 2, 3]);
    expect(input.layers[1].importance).toBeUndefined();
  });

  it('is null for a Dense network, before a prune, and for another model’s result', () => {
    expect(channelsViewInput({ ...cnn, kind: 'mlp' }, view, null, null)).toBeNull();
    expect(channelsViewInput(cnn, null, null, null)).toBeNull();
    expect(channelsViewInput({ ...cnn, id: 'cnn' }, view, null, null)).toBeNull();
  });
});
