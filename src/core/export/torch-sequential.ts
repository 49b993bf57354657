/**
 * The pruned network as PyTorch would hold it: the modules of an `nn.Sequential` and their
 * parameters under `nn.Linear` names and layout. Both export formats are written from this one
 * description, so the safetensors names and the ONNX initializers always agree.
 *
 * Positions count every module, activations included: `Linear, ReLU, Linear, ReLU, Linear` puts
 * the Linear layers at 0, 2 and 4, exactly where `nn.Sequential` numbers them in `state_dict()`.
 */
import type { DenseLayer, Mlp } from '../model/mlp';

/** Parameters in PyTorch layout: row-major over `shape`. */
export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export type TorchModule =
  | {
      readonly kind: 'linear';
      readonly position: number;
      readonly inFeatures: number;
      readonly outFeatures: number;
      /** `[outFeatures, inFeatures]`, as `nn.Linear.weight`. */
      readonly weight: NamedTensor;
      readonly bias: NamedTensor;
    }
  | { readonly kind: 'relu'; readonly position: number }
  | { readonly kind: 'softmax'; readonly position: number };

/** What the network's last module gives: the ONNX output is named after it. */
export type OutputKind = 'logits' | 'probabilities';

/** `[inputSize, units]` (tfjs) to `[units, inputSize]` (PyTorch). */
function transposeKernel(layer: DenseLayer): Float32Array {
  const { inputSize, units, kernel } = layer;
  const weight = new Float32Array(units * inputSize);
  for (let i = 0; i < inputSize; i++) {
    const row = i * units;
    for (let j = 0; j < units; j++) weight[j * inputSize + i] = kernel[row + j];
  }
  return weight;
}

function denseModules(layer: DenseLayer, position: number): TorchModule[] {
  const linear: TorchModule = {
    kind: 'linear',
    position,
    inFeatures: layer.inputSize,
    outFeatures: layer.units,
    weight: { name: `${position}.weight`, shape: [layer.units, layer.inputSize], data: transposeKernel(layer) },
    bias: { name: `${position}.bias`, shape: [layer.units], data: layer.bias.slice() },
  };
  switch (layer.activation) {
    case 'relu':
      return [linear, { kind: 'relu', position: position + 1 }];
    case 'softmax':
      return [linear, { kind: 'softmax', position: position + 1 }];
    case 'linear':
      return [linear];
  }
}

/**
 * The modules in order. Layers are Dense today; convolution and pooling layers become further
 * cases of this loop (an `nn.Conv2d` weight is `[out, in, kh, kw]`, pooling has no parameters).
 */
export function torchSequential(network: Mlp): TorchModule[] {
  const modules: TorchModule[] = [];
  for (const layer of network.layers) modules.push(...denseModules(layer, modules.length));
  return modules;
}

export function stateDict(modules: readonly TorchModule[]): NamedTensor[] {
  return modules.flatMap((module) => (module.kind === 'linear' ? [module.weight, module.bias] : []));
}

export function outputKind(modules: readonly TorchModule[]): OutputKind {
  return modules[modules.length - 1]?.kind === 'softmax' ? 'probabilities' : 'logits';
}

/** `Sequential(Linear(784, 102), ReLU(), Linear(102, 10))`: what to build in PyTorch to load the weights. */
export function torchModuleText(modules: readonly TorchModule[]): string {
  const text = modules.map((module) => {
    switch (module.kind) {
      case 'linear':
        return `Linear(${module.inFeatures}, ${module.outFeatures})`;
      case 'relu':
        return 'ReLU()';
      case 'softmax':
        return 'Softmax(dim=1)';
    }
  });
  return `Sequential(${text.join(', ')})`;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The values as little-endian float32 bytes (both formats store them so), in a fresh buffer. */
export function float32LittleEndian(values: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return bytes;
}
