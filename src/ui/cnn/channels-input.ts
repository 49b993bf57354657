/**
 * What the page knows about a convolutional network's channels after a prune, in one typed value
 * (pure): per hidden layer its kind, width, kept channels (as indices and as a mask), activation
 * sums and importance, plus the step mode's sets and the digit on the pad. The kept-channel list
 * below the step controls draws it, and so can any view of the channels (feature maps per layer):
 * `channelsViewInput` is its one source.
 */
import type { HiddenLayerKind, ModelSummary, PruneView } from '../../client/worker-client';
import type { StepSets } from '../neurons/neuron-info';

export interface ChannelsLayerInput {
  /** 0-based hidden layer. */
  readonly layer: number;
  readonly kind: HiddenLayerKind;
  /** Channels (conv) or neurons (Dense) of the dense network's layer. */
  readonly channels: number;
  /** Kept indices, ascending. */
  readonly kept: readonly number[];
  /** `keptMask[c]`: channel c is kept. */
  readonly keptMask: readonly boolean[];
  /** Per channel, over the calibration images and positions (the layer's input already pruned). */
  readonly activationSums?: readonly number[];
  /** Per channel: the importance z at the kept set. */
  readonly importance?: readonly number[];
}

export interface ChannelsViewInput {
  readonly modelId: string;
  /** The calibration images the sums and importance are over. */
  readonly samples: number;
  readonly layers: readonly ChannelsLayerInput[];
  /** Step mode: the first hidden layer's sets at the step shown; null for the final result. */
  readonly step: StepSets | null;
  /** The digit on the pad (784 values in [0, 1]), or null. */
  readonly pixels: Float32Array | null;
}

/** Null unless a convolutional network is open and pruned. */
export function channelsViewInput(model: ModelSummary | null, view: PruneView | null, step: StepSets | null, pixels: Float32Array | null): ChannelsViewInput | null {
  if (!model || model.kind !== 'cnn' || !view || view.report.model !== model.id) return null;
  return {
    modelId: model.id,
    samples: view.request.samples,
    layers: view.layers.map((layer, index) => {
      const mask = new Array<boolean>(layer.units).fill(false);
      for (const c of layer.kept) mask[c] = true;
      return {
        layer: index,
        kind: model.hiddenKinds[index] ?? 'dense',
        channels: layer.units,
        kept: layer.kept,
        keptMask: mask,
        ...(layer.activationSums && { activationSums: layer.activationSums }),
        ...(layer.importance && { importance: layer.importance }),
      };
    }),
    step,
    pixels,
  };
}
