/** What the Channels view says about a layer and a channel (pure). */
import type { ChannelLayerMaps } from '../../worker/channel-maps';
import { formatValue } from '../neurons/neuron-info';

/** Maps per row: 16 channels make two rows, 32 four. */
export const MAX_COLUMNS = 8;

export function columnsFor(channels: number): number {
  return Math.max(1, Math.min(MAX_COLUMNS, channels));
}

/** 'none' when no pruned network is shown (the dense network only). */
export type ChannelStatus = 'kept' | 'pruned' | 'none';

export function channelStatus(layer: ChannelLayerMaps, channel: number): ChannelStatus {
  if (!layer.pruned) return 'none';
  return layer.pruned.kept[channel] ? 'kept' : 'pruned';
}

/** Kept channels of a layer, or null when no pruned network is shown. */
export function keptCount(layer: ChannelLayerMaps): number | null {
  return layer.pruned ? layer.pruned.kept.filter(Boolean).length : null;
}

/**
 * One line, e.g. "Conv 2, channel 5: kept, activation sum 12.3 (dense network 14.1), importance 0.53".
 * Layers and channels are numbered as in the prune report: layers from 1, channels from 0.
 */
export function describeChannel(layer: ChannelLayerMaps, layerNumber: number, channel: number): string {
  const status = channelStatus(layer, channel);
  const denseSum = layer.dense.sums[channel];
  const parts: string[] = [];
  if (status === 'kept') {
    const sum = layer.pruned!.sums[channel];
    const differs = Math.abs(sum - denseSum) > 1e-6 * Math.max(1, Math.abs(denseSum));
    parts.push(`activation sum ${formatValue(sum)}${differs ? ` (dense network ${formatValue(denseSum)})` : ''}`);
  } else {
    parts.push(`activation sum ${status === 'pruned' ? 'in the dense network ' : ''}${formatValue(denseSum)}`);
  }
  const importance = layer.importance?.[channel];
  if (importance !== undefined && Number.isFinite(importance)) parts.push(`importance ${formatValue(importance)}`);
  const head = `Conv ${layerNumber}, channel ${channel}${status === 'none' ? '' : `: ${status}`}`;
  return [head, ...parts].join(', ');
}

/** The accessible name of a layer's grid. */
export function describeLayer(layer: ChannelLayerMaps, layerNumber: number): string {
  const { channels, height, width } = layer.dense;
  const kept = keptCount(layer);
  const counts = kept === null ? '' : `, ${kept} kept, ${channels - kept} pruned`;
  return `Conv ${layerNumber}: ${channels} feature maps of ${height} by ${width}${counts}`;
}
