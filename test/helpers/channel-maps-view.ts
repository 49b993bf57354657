/** A small hand-made Channels view for the UI tests (two conv layers, the first pruned to channels 0 and 2). */
import type { ChannelMapsLayer } from '../../src/core/cnn/feature-maps';
import type { ChannelMapsView } from '../../src/worker/channel-maps';

function mapsLayer(layerIndex: number, stage: number, side: number, channels: number, kept: readonly number[] | null, offset: number): ChannelMapsLayer {
  const size = side * side;
  const values = new Float32Array(channels * size);
  const sums = new Float64Array(channels);
  const keptFlags = Array.from({ length: channels }, (_, c) => kept === null || kept.includes(c));
  for (let c = 0; c < channels; c++) {
    if (!keptFlags[c]) continue;
    for (let p = 0; p < size; p++) values[c * size + p] = (c + p + offset) % 4;
    sums[c] = values.subarray(c * size, (c + 1) * size).reduce((a, b) => a + b, 0);
  }
  return { layerIndex, stage, height: side, width: side, channels, kept: keptFlags, values, sums };
}

/** Conv 1: 4 channels of 3x3 (kept 0, 2); conv 2: 3 channels of 2x2 (all kept, values shifted by pruning); filters 2x2. */
export function testChannelMaps(pruned = true): ChannelMapsView {
  return {
    layers: [
      {
        dense: mapsLayer(0, 0, 3, 4, null, 0),
        pruned: pruned ? mapsLayer(0, 0, 3, 4, [0, 2], 0) : null,
        importance: pruned ? Float64Array.from([0.5, -0.25, 2, 0]) : null,
      },
      { dense: mapsLayer(2, 1, 2, 3, null, 0), pruned: pruned ? mapsLayer(2, 1, 2, 3, null, 1) : null, importance: null },
    ],
    filters: { layerIndex: 0, height: 2, width: 2, inChannels: 1, channels: 4, values: Float32Array.from({ length: 16 }, (_, k) => (k % 5) - 2) },
  };
}
