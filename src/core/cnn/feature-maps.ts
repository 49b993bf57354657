/**
 * What every hidden convolution of a Cnn computes for one image: each channel's feature map
 * (post-ReLU, before any pooling: the map the layer itself produces) and its sum, for the dense
 * network or for a pruned one. A pruned network removes its pruned channels from the next layer's
 * input, so the maps of later layers change with the kept sets; these are the maps the pruned
 * network really computes, reported in the dense network's channel numbering with pruned channels
 * absent (zeros, `kept` false). Plain typed arrays: one buffer per layer, cheap to transfer.
 */
import * as tf from '@tensorflow/tfjs';
import { DataFormatError, OptionError } from '../errors';
import { readValues } from '../tensor-read';
import type { Cnn, ConvLayer } from './cnn';
import { activationShapes } from './cnn';
import { applyLayer } from './cnn-forward';
import { checkKeptPerStage, hiddenStages, keepChannels } from './cnn-shrink';

/** Per hidden stage (the order of a prune report's layers): the dense channel indices kept, ascending; null keeps all. */
export type KeptPerStage = readonly (readonly number[] | null)[];

export interface ChannelMapsLayer {
  /** Index of the convolution in the model's layer list. */
  readonly layerIndex: number;
  /** Its hidden stage: the entry of the kept sets (and of a prune report's layers) that prunes it. */
  readonly stage: number;
  readonly height: number;
  readonly width: number;
  /** Channels of the dense network's layer. */
  readonly channels: number;
  /** Per dense channel: whether the network computes it. */
  readonly kept: readonly boolean[];
  /** Channel-major `[channels, height, width]`; a pruned channel's map is all zeros. */
  readonly values: Float32Array;
  /** Each channel's map summed over positions (0 for a pruned channel). */
  readonly sums: Float64Array;
}

/** The first convolution's kernels, one image per output channel. */
export interface FirstLayerFilters {
  readonly layerIndex: number;
  readonly height: number;
  readonly width: number;
  readonly inChannels: number;
  readonly channels: number;
  /** Channel-major `[channels, height, width, inChannels]`. */
  readonly values: Float32Array;
}

export interface CnnFeatureMaps {
  /** One per hidden convolution, in order. */
  readonly layers: ChannelMapsLayer[];
  /** Null when the first weighted layer is not a convolution. */
  readonly filters: FirstLayerFilters | null;
}

/** Channel `channel`'s `[height, width]` map (a view, not a copy), or null when it is pruned. */
export function channelMap(layer: ChannelMapsLayer, channel: number): Float32Array | null {
  if (!layer.kept[channel]) return null;
  const size = layer.height * layer.width;
  return layer.values.subarray(channel * size, (channel + 1) * size);
}

/** The first convolution's kernels regrouped channel-major (the tfjs layout has the output channel last). */
export function firstLayerFilters(model: Cnn): FirstLayerFilters | null {
  const layerIndex = model.layers.findIndex((layer) => layer.kind === 'conv' || layer.kind === 'dense');
  const layer = model.layers[layerIndex];
  if (!layer || layer.kind !== 'conv') return null;
  const [height, width] = layer.kernelSize;
  const { inChannels, filters: channels, kernel } = layer;
  const perChannel = height * width * inChannels;
  const values = new Float32Array(channels * perChannel);
  for (let p = 0; p < perChannel; p++) for (let c = 0; c < channels; c++) values[c * perChannel + p] = kernel[p * channels + c];
  return { layerIndex, height, width, inChannels, channels, values };
}

/**
 * The feature maps of `model` for one image (`h * w * c` values, row-major, the scale the model
 * was trained on: MNIST pixels in [0, 1]). With `keptPerStage` they are the pruned network's:
 * `pruned` when given (a network with exactly those channels, e.g. refit weights), else `model`
 * with the kept slices of its weights. No tensor outlives the call.
 */
export async function cnnFeatureMaps(model: Cnn, image: Float32Array, keptPerStage: KeptPerStage | null = null, pruned?: Cnn): Promise<CnnFeatureMaps> {
  const [height, width, depth] = model.inputShape;
  if (image.length !== height * width * depth) {
    throw new DataFormatError(`the image has ${image.length} values; the network reads ${height}x${width}x${depth} = ${height * width * depth}`);
  }
  const stages = hiddenStages(model);
  const convStages = stages.flatMap((stage, s) => (model.layers[stage.layer].kind === 'conv' ? [{ stage: s, layerIndex: stage.layer }] : []));
  const network = keptPerStage === null ? model : (pruned ?? keepChannels(model, keptPerStage));
  const keptOf = (s: number): readonly number[] | null => keptPerStage?.[s] ?? null;
  if (pruned && keptPerStage) {
    checkKeptPerStage(model, keptPerStage);
    checkPrunedNetwork(model, pruned, convStages, keptPerStage);
  }
  const filters = firstLayerFilters(model);
  if (convStages.length === 0) return { layers: [], filters };

  const networkShapes = activationShapes(network);
  const lastConv = convStages[convStages.length - 1].layerIndex;
  const isConvStage = new Set(convStages.map((conv) => conv.layerIndex));
  // One read for all layers: each conv output transposed to channel-major and flattened, concatenated.
  const flat = await readValues(() => {
    let activations = tf.tensor4d(image, [1, height, width, depth]);
    const parts: tf.Tensor[] = [];
    for (let i = 0; i <= lastConv; i++) {
      activations = applyLayer(activations, network.layers[i]);
      if (isConvStage.has(i)) parts.push(tf.reshape(tf.transpose(activations, [0, 3, 1, 2]), [-1]));
    }
    return parts.length === 1 ? parts[0] : tf.concat(parts);
  });

  let offset = 0;
  const layers = convStages.map(({ stage, layerIndex }): ChannelMapsLayer => {
    const [mapHeight, mapWidth, computed] = networkShapes[layerIndex + 1];
    const channels = (model.layers[layerIndex] as ConvLayer).filters;
    const size = mapHeight * mapWidth;
    const keptChannels = keptOf(stage) ?? Array.from({ length: channels }, (_, c) => c);
    const values = new Float32Array(channels * size);
    const sums = new Float64Array(channels);
    const kept = new Array<boolean>(channels).fill(false);
    for (let k = 0; k < computed; k++) {
      const channel = keptChannels[k];
      const map = flat.subarray(offset + k * size, offset + (k + 1) * size);
      values.set(map, channel * size);
      let sum = 0;
      for (let p = 0; p < size; p++) sum += map[p];
      sums[channel] = sum;
      kept[channel] = true;
    }
    offset += computed * size;
    return { layerIndex, stage, height: mapHeight, width: mapWidth, channels, kept, values, sums };
  });
  return { layers, filters };
}

function checkPrunedNetwork(model: Cnn, pruned: Cnn, convStages: readonly { stage: number; layerIndex: number }[], keptPerStage: KeptPerStage): void {
  const sameLayout = pruned.layers.length === model.layers.length && pruned.layers.every((layer, i) => layer.kind === model.layers[i].kind);
  if (!sameLayout) throw new OptionError('the pruned network does not have the dense network\'s layers; pass the network that the kept sets came from');
  for (const { stage, layerIndex } of convStages) {
    const expected = keptPerStage[stage]?.length ?? (model.layers[layerIndex] as ConvLayer).filters;
    const actual = (pruned.layers[layerIndex] as ConvLayer).filters;
    if (actual !== expected) throw new OptionError(`layer ${layerIndex} of the pruned network has ${actual} channels, but ${expected} are kept`);
  }
}
