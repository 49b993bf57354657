import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tf-node';
import { withoutTensorLeaks } from '../../../test/helpers/tf-memory';
import type { Cnn, ConvLayer } from './cnn';
import { applyLayer } from './cnn-forward';
import { keepChannels } from './cnn-shrink';
import { channelMap, cnnFeatureMaps, firstLayerFilters, type KeptPerStage } from './feature-maps';
import { initialCnn } from './train-cnn';

/**
 * A 4x4 input, two 2x2 valid convolutions of two channels each, Flatten, Dense 2. With the image
 * x[y][x] = 4y + x every map below is worked out by hand:
 * - conv 1, channel 0 sums the 2x2 patch (4 (4i + j) + 10) minus 20: [[0,0,0],[6,10,14],[22,26,30]], sum 108;
 *   channel 1 is x[i][j+1] - x[i][j] + 0.5 = 1.5 everywhere, sum 13.5.
 * - conv 2, channel 0 sums conv-1 channel 0 over the patch minus 40: patches 16, 24, 64, 80 -> [[0,0],[24,40]], sum 64;
 *   channel 1 is half that patch sum plus the channel-1 patch sum (6) minus 2: [[12,16],[36,44]], sum 108.
 */
const conv1: ConvLayer = {
  kind: 'conv',
  kernelSize: [2, 2],
  strides: [1, 1],
  padding: 'valid',
  inChannels: 1,
  filters: 2,
  // [ky, kx, in, out]: channel 0 all ones; channel 1 -1 at (0,0), +1 at (0,1).
  kernel: Float32Array.from([1, -1, 1, 1, 1, 0, 1, 0]),
  bias: Float32Array.from([-20, 0.5]),
  activation: 'relu',
};
const conv2: ConvLayer = {
  kind: 'conv',
  kernelSize: [2, 2],
  strides: [1, 1],
  padding: 'valid',
  inChannels: 2,
  filters: 2,
  // Per kernel position [in0 -> out0, in0 -> out1, in1 -> out0, in1 -> out1].
  kernel: Float32Array.from([1, 0.5, 0, 1, 1, 0.5, 0, 1, 1, 0.5, 0, 1, 1, 0.5, 0, 1]),
  bias: Float32Array.from([-40, -2]),
  activation: 'relu',
};
const tiny: Cnn = {
  inputShape: [4, 4, 1],
  layers: [
    conv1,
    conv2,
    { kind: 'flatten' },
    { kind: 'dense', inputSize: 8, units: 2, kernel: Float32Array.from({ length: 16 }, (_, k) => ((k % 5) - 2) / 4), bias: new Float32Array(2), activation: 'linear' },
  ],
};
const tinyImage = Float32Array.from({ length: 16 }, (_, k) => k);

const mapOf = (maps: Awaited<ReturnType<typeof cnnFeatureMaps>>, layer: number, channel: number) => {
  const map = channelMap(maps.layers[layer], channel);
  return map && Array.from(map);
};

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('CNN feature maps on a hand-computed network', () => {
  it('gives the dense network\'s maps and sums, channel-major, in the layer\'s own shape', async () => {
    const maps = await withoutTensorLeaks(() => cnnFeatureMaps(tiny, tinyImage));
    expect(maps.layers.map((layer) => [layer.layerIndex, layer.stage, layer.height, layer.width, layer.channels])).toEqual([
      [0, 0, 3, 3, 2],
      [1, 1, 2, 2, 2],
    ]);
    expect(mapOf(maps, 0, 0)).toEqual([0, 0, 0, 6, 10, 14, 22, 26, 30]);
    expect(mapOf(maps, 0, 1)).toEqual(Array(9).fill(1.5));
    expect(mapOf(maps, 1, 0)).toEqual([0, 0, 24, 40]);
    expect(mapOf(maps, 1, 1)).toEqual([12, 16, 36, 44]);
    expect(Array.from(maps.layers[0].sums)).toEqual([108, 13.5]);
    expect(Array.from(maps.layers[1].sums)).toEqual([64, 108]);
    expect(maps.layers.every((layer) => layer.kept.every(Boolean))).toBe(true);
  });

  it('prunes a first-layer channel out of the second layer\'s input', async () => {
    // Without conv-1 channel 0, conv-2 channel 0 is relu(-40) = 0 and channel 1 is relu(6 - 2) = 4.
    const maps = await withoutTensorLeaks(() => cnnFeatureMaps(tiny, tinyImage, [[1], null]));
    expect(mapOf(maps, 0, 0)).toBeNull();
    expect(maps.layers[0].kept).toEqual([false, true]);
    expect(mapOf(maps, 0, 1)).toEqual(Array(9).fill(1.5));
    expect(mapOf(maps, 1, 0)).toEqual([0, 0, 0, 0]);
    expect(mapOf(maps, 1, 1)).toEqual([4, 4, 4, 4]);
    expect(Array.from(maps.layers[0].sums)).toEqual([0, 13.5]);
    expect(Array.from(maps.layers[0].values.subarray(0, 9))).toEqual(Array(9).fill(0));
  });

  it('keeps later channels in dense numbering', async () => {
    // Without conv-1 channel 1 (the constant 1.5), conv-2 channel 1 is half the patch sum minus 2.
    const maps = await cnnFeatureMaps(tiny, tinyImage, [[0], [1]]);
    expect(mapOf(maps, 1, 0)).toBeNull();
    expect(mapOf(maps, 1, 1)).toEqual([6, 10, 30, 38]);
    expect(Array.from(maps.layers[1].sums)).toEqual([0, 84]);
  });

  it('reads a given pruned network (refit weights) instead of slicing the dense one', async () => {
    const sliced = keepChannels(tiny, [[1], null]);
    const refit: Cnn = { ...sliced, layers: sliced.layers.map((layer, i) => (i === 1 ? { ...(layer as ConvLayer), bias: Float32Array.from([1, 2]) } : layer)) };
    const maps = await cnnFeatureMaps(tiny, tinyImage, [[1], null], refit);
    // Conv 2 on the constant 1.5 channel alone: 0 * 6 + 1 and 1 * 6 + 2.
    expect(mapOf(maps, 1, 0)).toEqual([1, 1, 1, 1]);
    expect(mapOf(maps, 1, 1)).toEqual([8, 8, 8, 8]);
  });

  it('returns the first layer\'s kernels channel-major', () => {
    const filters = firstLayerFilters(tiny)!;
    expect([filters.layerIndex, filters.height, filters.width, filters.inChannels, filters.channels]).toEqual([0, 2, 2, 1, 2]);
    expect(Array.from(filters.values)).toEqual([1, 1, 1, 1, -1, 1, 0, 0]);
  });

  it('rejects a wrong image size and kept sets that do not fit, with one-line messages', async () => {
    await expect(cnnFeatureMaps(tiny, new Float32Array(15))).rejects.toMatchObject({ name: 'DataFormatError', message: expect.stringMatching(/15 values.*16/) });
    await expect(cnnFeatureMaps(tiny, tinyImage, [[1]])).rejects.toMatchObject({ name: 'OptionError' });
    await expect(cnnFeatureMaps(tiny, tinyImage, [[1, 0], null])).rejects.toMatchObject({ name: 'OptionError' });
    await expect(cnnFeatureMaps(tiny, tinyImage, [[2], null])).rejects.toMatchObject({ name: 'OptionError' });
    await expect(cnnFeatureMaps(tiny, tinyImage, [[], null])).rejects.toMatchObject({ name: 'OptionError' });
    await expect(cnnFeatureMaps(tiny, tinyImage, [[0], null], tiny)).rejects.toMatchObject({ name: 'OptionError', message: expect.stringMatching(/2 channels, but 1/) });
  });
});

describe('CNN feature maps on the shipped architecture', () => {
  // The shipped CNNs' layout (conv 16 valid, max pool, conv 32 valid, max pool, Dense 64, Dense 10), random weights.
  const model = initialCnn(
    [
      { kind: 'conv', filters: 16, kernelSize: 3, strides: 1, padding: 'valid' },
      { kind: 'maxpool', poolSize: 2 },
      { kind: 'conv', filters: 32, kernelSize: 3, strides: 1, padding: 'valid' },
      { kind: 'maxpool', poolSize: 2 },
      { kind: 'flatten' },
      { kind: 'dense', units: 64 },
    ],
    7,
  );
  // A blob of ink, values in [0, 1] like the pad's and the test images' pixels.
  const image = Float32Array.from({ length: 784 }, (_, p) => Math.max(0, 1 - Math.hypot((p % 28) - 13, Math.floor(p / 28) - 15) / 9));
  const kept: KeptPerStage = [
    [0, 2, 3, 5, 8, 9, 13],
    Array.from({ length: 12 }, (_, k) => 2 * k + 1),
    Array.from({ length: 20 }, (_, k) => 3 * k),
  ];

  /** The dense network with the pruned channels zeroed after each ReLU: pruning is exactly that. */
  async function maskedMaps(keptSets: KeptPerStage): Promise<Float32Array[]> {
    const outputs = tf.tidy(() => {
      let x = tf.tensor4d(image, [1, 28, 28, 1]);
      const convOutputs: tf.Tensor[] = [];
      let stage = 0;
      model.layers.forEach((layer) => {
        x = applyLayer(x, layer);
        if (layer.kind !== 'conv' && layer.kind !== 'dense') return;
        const set = keptSets[stage++];
        if (set && stage <= keptSets.length) {
          const channels = x.shape[3];
          x = tf.mul(x, tf.tensor1d(Array.from({ length: channels }, (_, c) => (set.includes(c) ? 1 : 0)))) as tf.Tensor4D;
        }
        if (layer.kind === 'conv') convOutputs.push(tf.transpose(x, [0, 3, 1, 2]));
      });
      return convOutputs;
    });
    const values = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(outputs);
    return values;
  }

  it('reports 26x26 and 11x11 maps before pooling, equal to the dense forward pass', async () => {
    const maps = await withoutTensorLeaks(() => cnnFeatureMaps(model, image));
    expect(maps.layers.map((layer) => [layer.height, layer.width, layer.channels])).toEqual([
      [26, 26, 16],
      [11, 11, 32],
    ]);
    const expected = await maskedMaps([null, null, null]);
    maps.layers.forEach((layer, l) => layer.values.forEach((v, k) => expect(v).toBeCloseTo(expected[l][k], 4)));
    expect(maps.filters).toMatchObject({ height: 3, width: 3, inChannels: 1, channels: 16 });
  });

  it('gives the pruned network\'s maps: those of the dense network with the pruned channels zeroed', async () => {
    const [dense, pruned] = await Promise.all([cnnFeatureMaps(model, image), cnnFeatureMaps(model, image, kept)]);
    const expected = await maskedMaps(kept);
    pruned.layers.forEach((layer, l) => layer.values.forEach((v, k) => expect(v).toBeCloseTo(expected[l][k], 4)));
    pruned.layers.forEach((layer, l) => {
      const keptSet = kept[l]!;
      for (let c = 0; c < layer.channels; c++) {
        const map = channelMap(layer, c);
        expect(map === null).toBe(!keptSet.includes(c));
        // Sums equal the map sums (0 for a pruned channel).
        const sum = map ? map.reduce((a, b) => a + b, 0) : 0;
        expect(layer.sums[c]).toBeCloseTo(sum, 3);
      }
    });
    // First-layer kept maps do not depend on pruning; later ones do.
    for (const c of kept[0]!) expect(channelMap(pruned.layers[0], c)).toEqual(channelMap(dense.layers[0], c));
    const changed = kept[1]!.some((c) => channelMap(pruned.layers[1], c)!.some((v, p) => Math.abs(v - channelMap(dense.layers[1], c)![p]) > 1e-4));
    expect(changed).toBe(true);
  });
});
