/** Kernel slicing of a Cnn when a hidden layer keeps only some of its channels (or units). */
import type { Cnn, CnnDenseLayer, ConvLayer, Shape3, WeightedLayer } from './cnn';
import { activationShapes, isWeighted } from './cnn';
import type { NextConvView } from './channel-problem';
import { OptionError } from '../errors';

/** Kernel `[..., width]` (row-major, last axis = output channel) restricted to columns `kept`. */
function keepLastAxis(values: Float32Array, width: number, kept: readonly number[]): Float32Array {
  const rows = values.length / width;
  const out = new Float32Array(rows * kept.length);
  for (let r = 0; r < rows; r++) for (let k = 0; k < kept.length; k++) out[r * kept.length + k] = values[r * width + kept[k]];
  return out;
}

/**
 * Channels `kept` of channels-last activations (`values` row-major `[..., channels]`), copied in
 * JavaScript: exact, and on tfjs-wasm many times faster than tf.gather along the last axis.
 */
export function gatherChannels(values: Float32Array, channels: number, kept: readonly number[]): Float32Array {
  const rows = values.length / channels;
  const width = kept.length;
  const out = new Float32Array(rows * width);
  for (let r = 0, from = 0, to = 0; r < rows; r++, from += channels, to += width) {
    for (let k = 0; k < width; k++) out[to + k] = values[from + kept[k]];
  }
  return out;
}

/** The layer with only output channels / units `kept` (ascending): kernel slices `[..., S]` and bias `S`. */
export function keepOutputChannels<L extends WeightedLayer>(layer: L, kept: readonly number[]): L {
  const width = layer.kind === 'conv' ? layer.filters : layer.units;
  const kernel = keepLastAxis(layer.kernel, width, kept);
  const bias = Float32Array.from(kept, (c) => layer.bias[c]);
  return layer.kind === 'conv' ? { ...layer, filters: kept.length, kernel, bias } : { ...layer, units: kept.length, kernel, bias };
}

/**
 * The layer reading only input channels `kept` of an activation shaped `inputShape` (before any
 * Flatten): a conv keeps kernel slices `[:, :, S, :]`; a Dense keeps the rows `(y * w + x) * C + c`
 * of the kept channels at every position.
 */
export function keepInputChannels<L extends WeightedLayer>(layer: L, kept: readonly number[], inputShape: Shape3): L {
  const [h, w, channels] = inputShape;
  const outputs = layer.kind === 'conv' ? layer.filters : layer.units;
  const positions = layer.kind === 'conv' ? layer.kernelSize[0] * layer.kernelSize[1] : h * w;
  const kernel = new Float32Array(positions * kept.length * outputs);
  for (let p = 0; p < positions; p++) {
    for (let k = 0; k < kept.length; k++) {
      const from = (p * channels + kept[k]) * outputs;
      kernel.set(layer.kernel.subarray(from, from + outputs), (p * kept.length + k) * outputs);
    }
  }
  return layer.kind === 'conv'
    ? ({ ...layer, inChannels: kept.length, kernel, bias: layer.bias.slice() } as ConvLayer as L)
    : ({ ...layer, inputSize: positions * kept.length, kernel, bias: layer.bias.slice() } as CnnDenseLayer as L);
}

/** The hidden layers a pruner works on: each weighted layer but the last, with its next weighted layer. */
export interface HiddenStage {
  /** Index in `layers` of the pruned layer. */
  readonly layer: number;
  /** Index of the next weighted layer. */
  readonly next: number;
  /** Index of the first layer after the per-channel ops (pools) that follow `layer`: H is the output of layers `layer..hiddenEnd-1`. */
  readonly hiddenEnd: number;
  /** Shape of H, `[h, w, C]`. */
  readonly hiddenShape: Shape3;
}

export function hiddenStages(model: Cnn): HiddenStage[] {
  const shapes = activationShapes(model);
  const weighted = model.layers.flatMap((layer, i) => (isWeighted(layer) ? [i] : []));
  return weighted.slice(0, -1).map((layer, k) => {
    let hiddenEnd = layer + 1;
    while (model.layers[hiddenEnd].kind === 'maxpool' || model.layers[hiddenEnd].kind === 'avgpool') hiddenEnd++;
    return { layer, next: weighted[k + 1], hiddenEnd, hiddenShape: shapes[hiddenEnd] };
  });
}

/** The next weighted layer as a convolution over H shaped `hiddenShape` (see channel-problem.ts). */
export function nextConvView(next: WeightedLayer, hiddenShape: Shape3): NextConvView {
  if (next.kind === 'conv') {
    return { kernelSize: next.kernelSize, strides: next.strides, padding: next.padding, kernel: next.kernel, outputs: next.filters };
  }
  return { kernelSize: [hiddenShape[0], hiddenShape[1]], strides: [1, 1], padding: 'valid', kernel: next.kernel, outputs: next.units };
}

/** Checks kept sets per hidden stage against `model`: one entry per stage, each null or distinct ascending channel indices, at least one. */
export function checkKeptPerStage(model: Cnn, keptPerStage: readonly (readonly number[] | null)[]): void {
  const stages = hiddenStages(model);
  if (keptPerStage.length !== stages.length) {
    throw new OptionError(`kept channels are given for ${keptPerStage.length} hidden layers, but the network has ${stages.length}`);
  }
  stages.forEach((stage, s) => {
    const kept = keptPerStage[s];
    if (kept === null) return;
    const channels = stage.hiddenShape[2];
    const valid = kept.length > 0 && kept.every((c, k) => Number.isInteger(c) && c >= 0 && c < channels && (k === 0 || c > kept[k - 1]));
    if (!valid) throw new OptionError(`hidden layer ${s + 1} keeps [${kept.join(', ')}]: expected distinct ascending channel indices in 0..${channels - 1}, at least one`);
  });
}

/**
 * The pruned network with the original weights: hidden stage s keeps `keptPerStage[s]` (dense
 * indices, ascending; null keeps every channel), in order, as `pruneCnn` builds its selected model.
 */
export function keepChannels(model: Cnn, keptPerStage: readonly (readonly number[] | null)[]): Cnn {
  checkKeptPerStage(model, keptPerStage);
  const layers = [...model.layers];
  hiddenStages(model).forEach((stage, s) => {
    const kept = keptPerStage[s];
    if (kept === null) return;
    layers[stage.layer] = keepOutputChannels(layers[stage.layer] as WeightedLayer, kept);
    layers[stage.next] = keepInputChannels(layers[stage.next] as WeightedLayer, kept, stage.hiddenShape);
  });
  return { inputShape: model.inputShape, layers };
}
