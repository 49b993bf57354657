/**
 * Conversion between the plain-data `Mlp` and tfjs LayersModels. Everything a model file can get
 * wrong is reported here as one ModelFormatError line, so the UI and the CLI show the same words.
 */
import * as tf from '@tensorflow/tfjs';
import { ModelFormatError } from '../errors';
import { type Activation, type DenseLayer, type Mlp, MAX_HIDDEN_LAYERS, MNIST_CLASSES, MNIST_INPUT_SIZE } from './mlp';

/** A Dense layer before its activation is known to be one we support; `name` is for messages. */
interface NamedDense extends DenseShape {
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
}

/** Input shapes a leading Flatten may turn into 784 values; anything else would change the meaning of a pixel. */
export const FLATTENABLE_INPUTS = ['28,28', '28,28,1', '784'];

/** The sizes and activation of a Dense layer, without its weights (all a topology declares). */
export interface DenseShape {
  readonly name: string;
  readonly inputSize: number;
  readonly units: number;
  readonly activation: string;
}

function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * The checks a topology alone allows: chained sizes and activations; with `mnist`, also the
 * 784-in / 10-out / 1..4-hidden shape this project needs. Run on model.json before tfjs builds
 * anything, and again on the loaded weights by `checkDenseStack`.
 */
export function checkDenseShapes(layers: readonly DenseShape[], mnist: boolean): void {
  if (layers.length === 0) throw new ModelFormatError('the model has no Dense layers');
  const hidden = layers.length - 1;
  if (mnist && (hidden < 1 || hidden > MAX_HIDDEN_LAYERS)) {
    throw new ModelFormatError(
      `the model has ${hidden} hidden Dense layer${hidden === 1 ? '' : 's'}; 1 to ${MAX_HIDDEN_LAYERS} are supported`,
    );
  }
  const first = layers[0];
  if (mnist && first.inputSize !== MNIST_INPUT_SIZE) {
    throw new ModelFormatError(
      `the model takes ${first.inputSize} inputs; MNIST models take ${MNIST_INPUT_SIZE} (28x28 pixels)`,
    );
  }
  const last = layers[layers.length - 1];
  if (mnist && last.units !== MNIST_CLASSES) {
    throw new ModelFormatError(
      `the model has ${last.units} outputs; MNIST models have ${MNIST_CLASSES} (one per digit)`,
    );
  }
  layers.forEach((layer, index) => {
    const isOutput = index === layers.length - 1;
    if (!Number.isInteger(layer.inputSize) || !Number.isInteger(layer.units) || layer.inputSize < 1 || layer.units < 1) {
      throw new ModelFormatError(`layer ${layer.name} has ${layer.inputSize} inputs and ${layer.units} units`);
    }
    if (index > 0 && layer.inputSize !== layers[index - 1].units) {
      throw new ModelFormatError(
        `layer ${layer.name} takes ${layer.inputSize} inputs but layer ${layers[index - 1].name} gives ${layers[index - 1].units}`,
      );
    }
    if (!isOutput && layer.activation !== 'relu') {
      throw new ModelFormatError(
        `hidden layer ${layer.name} uses activation ${layer.activation}; only relu is supported on hidden layers`,
      );
    }
    if (isOutput && layer.activation !== 'linear' && layer.activation !== 'softmax') {
      throw new ModelFormatError(
        `output layer ${layer.name} uses activation ${layer.activation}; only linear or softmax is supported on the output layer`,
      );
    }
  });
}

/** `checkDenseShapes` plus what only the weights can show: buffer lengths and finite values. */
export function checkDenseStack(layers: readonly NamedDense[], mnist: boolean): void {
  checkDenseShapes(layers, mnist);
  for (const layer of layers) {
    if (layer.kernel.length !== layer.inputSize * layer.units) {
      throw new ModelFormatError(
        `layer ${layer.name} kernel has ${layer.kernel.length} values; [${layer.inputSize},${layer.units}] needs ${layer.inputSize * layer.units}`,
      );
    }
    if (layer.bias.length !== layer.units) {
      throw new ModelFormatError(`layer ${layer.name} bias has ${layer.bias.length} values; it needs ${layer.units}`);
    }
    checkFinite(layer.name, 'kernel', layer.kernel);
    checkFinite(layer.name, 'bias', layer.bias);
  }
}

function checkFinite(layerName: string, tensorName: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new ModelFormatError(
        `layer ${layerName} ${tensorName} has a non-finite weight (${values[i]}) at index ${i}`,
      );
    }
  }
}

/**
 * A Sequential model with the exact weights of `mlp`; the caller disposes it. Checks that the
 * layers fit together but not the MNIST sizes, so small test models can run through tfjs too.
 */
export function mlpToLayersModel(mlp: Mlp, name = 'mlp'): tf.Sequential {
  const named = mlp.layers.map((layer, i) => ({ ...layer, name: `dense_${i + 1}` }));
  checkDenseStack(named, false);
  const model = tf.sequential({ name });
  try {
    named.forEach((layer, i) => {
      model.add(
        tf.layers.dense({
          name: layer.name,
          units: layer.units,
          activation: layer.activation,
          useBias: true,
          // Default initialisers, not zeros: the saved topology names them, and a file that is
          // later re-initialised for training must not start from all-zero (symmetric) weights.
          ...(i === 0 ? { inputShape: [layer.inputSize] } : {}),
        }),
      );
    });
    // setWeights assigns by reference-counted data, so the temporaries can go with the tidy.
    tf.tidy(() => {
      model.setWeights(
        named.flatMap((layer) => [
          tf.tensor2d(layer.kernel, [layer.inputSize, layer.units], 'float32'),
          tf.tensor1d(layer.bias, 'float32'),
        ]),
      );
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

async function readDense(layer: tf.layers.Layer): Promise<NamedDense> {
  const config = layer.getConfig();
  if (config.useBias === false) {
    throw new ModelFormatError(`layer ${layer.name} has no bias (use_bias false); only Dense layers with a bias are supported`);
  }
  const weights = layer.getWeights();
  if (weights.length !== 2) {
    throw new ModelFormatError(`layer ${layer.name} has ${weights.length} weight tensors; a Dense layer needs kernel and bias`);
  }
  const [kernel, bias] = weights;
  if (kernel.rank !== 2 || bias.rank !== 1) {
    throw new ModelFormatError(
      `layer ${layer.name} has kernel shape ${formatShape(kernel.shape)} and bias shape ${formatShape(bias.shape)}; expected [inputs,units] and [units]`,
    );
  }
  for (const [label, tensor] of [['kernel', kernel], ['bias', bias]] as const) {
    if (tensor.dtype !== 'float32') {
      throw new ModelFormatError(`layer ${layer.name} ${label} has dtype ${tensor.dtype}; only float32 is supported`);
    }
  }
  return {
    name: layer.name,
    inputSize: kernel.shape[0] as number,
    units: kernel.shape[1] as number,
    // Copies: the cpu backend hands out its own buffer, which dies with the model.
    kernel: new Float32Array((await kernel.data()) as Float32Array),
    bias: new Float32Array((await bias.data()) as Float32Array),
    activation: String(config.activation),
  };
}

/** Functional models are accepted only as a straight chain, which is then the same as a Sequential. */
function checkLinearChain(model: tf.LayersModel): void {
  const layers = model.layers;
  layers.forEach((layer, i) => {
    if (i === 0) return;
    const nodes = layer.inboundNodes;
    const from = nodes.length === 1 ? nodes[0].inboundLayers : [];
    if (from.length !== 1 || from[0] !== layers[i - 1]) {
      throw new ModelFormatError(
        `layer ${layer.name} is not fed by the layer before it alone; only a straight chain of layers is supported`,
      );
    }
  });
  if (model.outputLayers[0] !== layers[layers.length - 1]) {
    throw new ModelFormatError('the model output is not its last layer; only a straight chain of layers is supported');
  }
}

/** Reads a loaded tfjs model into an `Mlp`, rejecting anything this project cannot prune exactly. */
export async function layersModelToMlp(model: tf.LayersModel): Promise<Mlp> {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new ModelFormatError(
      `the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; only one of each is supported`,
    );
  }
  if (!(model instanceof tf.Sequential)) checkLinearChain(model);

  const dense: NamedDense[] = [];
  let flattened = false;
  for (const layer of model.layers) {
    const type = layer.getClassName();
    if (type === 'InputLayer') continue;
    if (type === 'Flatten' && dense.length === 0) {
      flattened = true;
      continue;
    }
    if (type !== 'Dense') {
      const where = type === 'Flatten' ? ' after a Dense layer' : '';
      throw new ModelFormatError(
        `layer ${layer.name} has type ${type}${where}; only Dense layers (with an optional leading InputLayer or Flatten) are supported`,
      );
    }
    dense.push(await readDense(layer));
  }

  const inputShape = model.inputs[0].shape.slice(1);
  const shapeKey = inputShape.join(',');
  if (flattened ? !FLATTENABLE_INPUTS.includes(shapeKey) : inputShape.length !== 1) {
    throw new ModelFormatError(
      `the model input shape is ${formatShape(inputShape)}; expected [${MNIST_INPUT_SIZE}], or [28,28] / [28,28,1] followed by a Flatten layer`,
    );
  }
  checkDenseStack(dense, true);
  return {
    layers: dense.map(
      (layer): DenseLayer => ({
        inputSize: layer.inputSize,
        units: layer.units,
        kernel: layer.kernel,
        bias: layer.bias,
        activation: layer.activation as Activation,
      }),
    ),
  };
}
