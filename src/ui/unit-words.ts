/**
 * The words a hidden layer's units go by: a convolution prunes channels, a Dense layer neurons.
 * Every readout, chart and step narration takes its nouns from here, so a CNN never reads
 * "neurons" where it keeps channels.
 */
import type { HiddenLayerKind } from '../client/worker-client';

export function unitNoun(kind: HiddenLayerKind, count = 2): string {
  const noun = kind === 'conv' ? 'channel' : 'neuron';
  return count === 1 ? noun : `${noun}s`;
}

/** "16 channels", "1 neuron", "1,024 neurons". */
export function unitCount(kind: HiddenLayerKind, count: number): string {
  return `${count.toLocaleString('en-US')} ${unitNoun(kind, count)}`;
}

/** What a network's hidden layers hold, together: "neurons", "channels", or "channels and neurons". */
export function unitsOf(kinds: readonly HiddenLayerKind[]): string {
  const conv = kinds.includes('conv');
  const dense = kinds.includes('dense') || kinds.length === 0;
  return conv && dense ? 'channels and neurons' : conv ? 'channels' : 'neurons';
}

/** The kind of hidden layer `layer` (0-based); Dense when unknown (no model yet). */
export function kindAt(kinds: readonly HiddenLayerKind[] | undefined, layer: number): HiddenLayerKind {
  return kinds?.[layer] ?? 'dense';
}
