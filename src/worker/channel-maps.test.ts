import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../node/tf-node';
import { withoutTensorLeaks } from '../../test/helpers/tf-memory';
import { pruneCnn } from '../core/cnn/prune-cnn';
import { initialCnn } from '../core/cnn/train-cnn';
import { channelMap } from '../core/cnn/feature-maps';
import { keepChannels } from '../core/cnn/cnn-shrink';
import { channelMaps, channelMapsTransferables } from './channel-maps';

const model = initialCnn(
  [
    { kind: 'conv', filters: 8, kernelSize: 3, strides: 1, padding: 'valid' },
    { kind: 'maxpool', poolSize: 2 },
    { kind: 'conv', filters: 6, kernelSize: 3, strides: 2, padding: 'same' },
    { kind: 'flatten' },
    { kind: 'dense', units: 12 },
  ],
  5,
);
const images = Float32Array.from({ length: 200 * 784 }, (_, i) => ((i * 7919) % 256) / 255);
const digit = images.slice(3 * 784, 4 * 784);

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('channelMaps (the Channels view data)', () => {
  it('pairs each convolution\'s dense maps with the pruned network\'s, on the kept sets of a real prune', async () => {
    const outcome = await pruneCnn(model, images, { method: 'ispasp', keep: 0.5, iterations: 5, refit: true, seed: 1 });
    const kept = outcome.layers.map((layer) => layer.kept);
    // The maps' slicing of the dense network is the pruner's own selected network.
    expect(keepChannels(model, kept)).toEqual(outcome.selectedModel);
    const importance = outcome.layers.map((layer) => layer.activationSums.map((sum) => sum / 2));
    const view = await withoutTensorLeaks(() => channelMaps(model, digit, kept, { importancePerStage: importance, pruned: outcome.model }));
    expect(view.layers.map((layer) => [layer.dense.layerIndex, layer.dense.channels, layer.dense.height])).toEqual([
      [0, 8, 26],
      [2, 6, 7],
    ]);
    view.layers.forEach((layer, l) => {
      expect(layer.dense.kept.every(Boolean)).toBe(true);
      const keptFlags = Array.from({ length: layer.dense.channels }, (_, c) => kept[l].includes(c));
      expect(layer.pruned!.kept).toEqual(keptFlags);
      expect(Array.from(layer.importance!)).toEqual(importance[l]);
    });
    // Refit changes only the layer after a pruned one; the first convolution's kept maps are the dense ones.
    for (const c of kept[0]) expect(channelMap(view.layers[0].pruned!, c)).toEqual(channelMap(view.layers[0].dense, c));
    expect(view.filters).toMatchObject({ layerIndex: 0, height: 3, width: 3, channels: 8 });
  });

  it('without kept sets shows the dense network only', async () => {
    const view = await channelMaps(model, digit, null);
    expect(view.layers.map((layer) => [layer.pruned, layer.importance])).toEqual([
      [null, null],
      [null, null],
    ]);
  });

  it('rejects importance of the wrong length', async () => {
    await expect(channelMaps(model, digit, null, { importancePerStage: [[1, 2, 3], null, null] })).rejects.toMatchObject({
      name: 'OptionError',
      message: expect.stringMatching(/8 channels, but 3 importance/),
    });
  });

  it('lists every buffer for transfer, and a transferred copy keeps all values', async () => {
    const view = await channelMaps(model, digit, [[1, 4], null, null], { importancePerStage: [Array.from({ length: 8 }, (_, c) => c), null, null] });
    const expectedValues = view.layers.map((layer) => Array.from(layer.pruned!.values));
    const transfer = channelMapsTransferables(view);
    expect(transfer).toHaveLength(2 * 4 + 1 + 1);
    const copy = structuredClone(view, { transfer });
    expect(copy.layers.map((layer) => Array.from(layer.pruned!.values))).toEqual(expectedValues);
    expect(Array.from(copy.layers[0].importance!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Everything was moved, nothing copied: the originals are detached.
    expect(view.layers.every((layer) => layer.dense.values.length === 0 && layer.pruned!.sums.length === 0)).toBe(true);
    expect(view.filters!.values.length).toBe(0);
  });
});
