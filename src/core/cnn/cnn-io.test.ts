import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tf-node';
import { expectModelFormatError } from '../../../test/helpers/expect-errors';
import { withoutTensorLeaks } from '../../../test/helpers/tf-memory';
import type { Cnn, WeightedLayer } from './cnn';
import { cnnLogits } from './cnn-forward';
import { loadCnnFromArtifacts, saveCnnToArtifacts } from './cnn-io';
import { initialCnn } from './train-cnn';

const small: Cnn = initialCnn(
  [
    { kind: 'conv', filters: 4, kernelSize: 3, strides: 2, padding: 'same' },
    { kind: 'maxpool', poolSize: 2 },
    { kind: 'conv', filters: 6, kernelSize: 3, strides: 1, padding: 'valid' },
    { kind: 'avgpool', poolSize: 2 },
    { kind: 'flatten' },
    { kind: 'dense', units: 5 },
  ],
  3,
);

function images(count: number): Float32Array {
  return Float32Array.from({ length: count * 784 }, (_, i) => ((i * 7919) % 256) / 255);
}

/** Saves any tfjs model as model.json + one weight buffer, the way tfjs writes files. */
async function artifactsOf(model: tf.LayersModel): Promise<{ modelJson: Record<string, unknown>; weightData: ArrayBuffer }> {
  let result: { modelJson: Record<string, unknown>; weightData: ArrayBuffer } | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      result = {
        modelJson: { modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['w.bin'], weights: artifacts.weightSpecs }] },
        weightData: tf.io.concatenateArrayBuffers([artifacts.weightData as ArrayBuffer]),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  return result!;
}

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('CNN model files', () => {
  it('saves a CNN that plain tf.loadLayersModel reloads with the same outputs', async () => {
    const saved = await saveCnnToArtifacts(small, { name: 'small' });
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: saved.modelJson.modelTopology, weightSpecs: saved.modelJson.weightsManifest[0].weights, weightData: saved.weightData }),
    );
    const x = tf.tensor4d(images(8), [8, 28, 28, 1]);
    const fromTfjs = (model.predict(x) as tf.Tensor).dataSync();
    const ours = cnnLogits(small, x);
    const expected = ours.dataSync();
    fromTfjs.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    tf.dispose([x, ours]);
    model.dispose();
  });

  it('round-trips the exact weights, and float16 within 2^-11', async () => {
    const saved = await saveCnnToArtifacts(small);
    const loaded = await withoutTensorLeaks(() => loadCnnFromArtifacts(saved.modelJson, saved.weightData));
    expect(loaded.layers.map((l) => l.kind)).toEqual(small.layers.map((l) => l.kind));
    loaded.layers.forEach((layer, i) => {
      if ('kernel' in layer) expect(Array.from(layer.kernel)).toEqual(Array.from((small.layers[i] as WeightedLayer).kernel));
    });
    const half = await saveCnnToArtifacts(small, { quantization: 'float16' });
    expect(half.weightData.byteLength).toBe(saved.weightData.byteLength / 2);
    const loadedHalf = await loadCnnFromArtifacts(half.modelJson, half.weightData);
    const kernel = (loadedHalf.layers[0] as WeightedLayer).kernel;
    (small.layers[0] as WeightedLayer).kernel.forEach((v, k) => expect(Math.abs(kernel[k] - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 1e-7));
  });

  it('accepts 784 inputs reshaped to 28x28x1', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.reshape({ inputShape: [784], targetShape: [28, 28, 1] }),
        tf.layers.conv2d({ filters: 2, kernelSize: 5, strides: 3, activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10 }),
      ],
    });
    const { modelJson, weightData } = await artifactsOf(model);
    const cnn = await loadCnnFromArtifacts(modelJson, weightData);
    expect(cnn.inputShape).toEqual([28, 28, 1]);
    expect(cnn.layers.map((l) => l.kind)).toEqual(['conv', 'flatten', 'dense']);
  });

  const rejected: [string, () => tf.LayersModel, string][] = [
    ['a Dropout layer', () => tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 2, kernelSize: 3, activation: 'relu' }), tf.layers.dropout({ rate: 0.5 }), tf.layers.flatten(), tf.layers.dense({ units: 10 })] }), 'type Dropout'],
    ['a sigmoid hidden conv', () => tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 2, kernelSize: 3, activation: 'sigmoid' }), tf.layers.flatten(), tf.layers.dense({ units: 10 })] }), 'activation sigmoid'],
    ['a dilated conv', () => tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 2, kernelSize: 3, dilationRate: 2, activation: 'relu' }), tf.layers.flatten(), tf.layers.dense({ units: 10 })] }), 'dilated'],
    ['a 32x32 input', () => tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [32, 32, 1], filters: 2, kernelSize: 3, activation: 'relu' }), tf.layers.flatten(), tf.layers.dense({ units: 10 })] }), 'input shape'],
    ['7 outputs', () => tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 2, kernelSize: 3, activation: 'relu' }), tf.layers.flatten(), tf.layers.dense({ units: 7 })] }), 'Dense layer of 10 outputs'],
  ];
  it.each(rejected)('refuses %s with one line', async (_, build, fragment) => {
    const { modelJson, weightData } = await artifactsOf(build());
    const before = tf.memory().numTensors;
    await expectModelFormatError(loadCnnFromArtifacts(modelJson, weightData), fragment);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses oversized layers from the JSON alone, before tfjs builds anything', async () => {
    const saved = await saveCnnToArtifacts(small);
    const json = JSON.parse(JSON.stringify(saved.modelJson));
    json.modelTopology.config.layers[0].config.filters = 100000;
    // The weight bytes no longer match either; the size check must speak first.
    await expectModelFormatError(loadCnnFromArtifacts(json, saved.weightData), 'filters 100000');
  });
});
