/**
 * The Channels view's data for one digit: every hidden convolution's feature maps in the dense
 * network (a pruned channel is drawn from these, dimmed) and in the pruned network (what the kept
 * channels really compute once the pruned ones are gone), each channel's importance when known,
 * and the first layer's filters. Plain typed arrays only, so it crosses the worker boundary as is.
 */
import type { Cnn } from '../core/cnn/cnn';
import { OptionError } from '../core/errors';
import { cnnFeatureMaps, type ChannelMapsLayer, type CnnFeatureMaps, type FirstLayerFilters, type KeptPerStage } from '../core/cnn/feature-maps';

export interface ChannelLayerMaps {
  /** The dense network's maps of this convolution. */
  readonly dense: ChannelMapsLayer;
  /** The pruned network's maps (same layer, dense numbering); null when no kept sets were given. */
  readonly pruned: ChannelMapsLayer | null;
  /** i-SpaSP importance `z_c` per dense channel of this layer, when the caller has it. */
  readonly importance: Float64Array | null;
}

export interface ChannelMapsView {
  /** One per hidden convolution, in order. */
  readonly layers: ChannelLayerMaps[];
  readonly filters: FirstLayerFilters | null;
}

export interface ChannelMapsOptions {
  /** Per hidden stage (as the kept sets): each channel's importance, or null. */
  readonly importancePerStage?: readonly (ArrayLike<number> | null)[];
  /** The delivered pruned network (e.g. with refit weights) whose channels are the kept sets. */
  readonly pruned?: Cnn;
  /** `model`'s maps for this image, computed before (a cache): used as they are, not recomputed. */
  readonly dense?: CnnFeatureMaps;
}

/**
 * Maps of `model` and, with `keptPerStage` (per hidden stage, dense channel indices, as a prune
 * report's `layers[s].kept`), of the pruned network, for one image (784 values in [0, 1]).
 */
export async function channelMaps(model: Cnn, image: Float32Array, keptPerStage: KeptPerStage | null, options: ChannelMapsOptions = {}): Promise<ChannelMapsView> {
  const dense = options.dense ?? (await cnnFeatureMaps(model, image));
  const pruned = keptPerStage ? await cnnFeatureMaps(model, image, keptPerStage, options.pruned) : null;
  const importancePerStage = options.importancePerStage;
  const layers = dense.layers.map((layer, l): ChannelLayerMaps => {
    const values = importancePerStage?.[layer.stage] ?? null;
    if (values && values.length !== layer.channels) {
      throw new OptionError(`hidden layer ${layer.stage + 1} has ${layer.channels} channels, but ${values.length} importance values were given`);
    }
    return { dense: layer, pruned: pruned?.layers[l] ?? null, importance: values ? Float64Array.from(values) : null };
  });
  return { layers, filters: dense.filters };
}

/** The distinct buffers of a view, for `Comlink.transfer(view, channelMapsTransferables(view))`. */
export function channelMapsTransferables(view: ChannelMapsView): ArrayBuffer[] {
  const arrays = view.layers.flatMap((layer) => [layer.dense.values, layer.dense.sums, layer.pruned?.values, layer.pruned?.sums, layer.importance]);
  if (view.filters) arrays.push(view.filters.values);
  const buffers = new Set<ArrayBuffer>();
  for (const array of arrays) if (array) buffers.add(array.buffer as ArrayBuffer);
  return [...buffers];
}

/** A copy with buffers of its own: cached maps stay usable after the copy's buffers are transferred. */
export function copyFeatureMaps(maps: CnnFeatureMaps): CnnFeatureMaps {
  return {
    layers: maps.layers.map((layer) => ({ ...layer, kept: [...layer.kept], values: layer.values.slice(), sums: layer.sums.slice() })),
    filters: maps.filters && { ...maps.filters, values: maps.filters.values.slice() },
  };
}
