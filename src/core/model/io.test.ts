import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend, tf } from '../../node/tf-node';
import { type ModelJson, loadMlpFromArtifacts, loadMlpFromFiles, parseModelJson, saveMlpToArtifacts, userMetadataOf } from './io';
import type { Mlp } from './mlp';
import { randomMlp } from './random-mlp';
import { expectModelFormatError } from '../../../test/helpers/expect-errors';

/** The forward pass in plain loops, independent of tfjs. */
function referenceForward(mlp: Mlp, input: ArrayLike<number>): number[] {
  let x = Array.from(input);
  for (const layer of mlp.layers) {
    const y = Array.from({ length: layer.units }, (_, j) => {
      let sum = layer.bias[j];
      for (let i = 0; i < layer.inputSize; i++) sum += x[i] * layer.kernel[i * layer.units + j];
      return layer.activation === 'relu' ? Math.max(0, sum) : sum;
    });
    const max = Math.max(...y);
    const total = y.reduce((a, v) => a + Math.exp(v - max), 0);
    x = layer.activation === 'softmax' ? y.map((v) => Math.exp(v - max) / total) : y;
  }
  return x;
}

/** model.json + bytes for an arbitrary tfjs model, as tfjs writes them; disposes the model. */
async function artifactsOf(model: tf.LayersModel): Promise<{ modelJson: Record<string, unknown>; weightData: ArrayBuffer }> {
  let result: { modelJson: Record<string, unknown>; weightData: ArrayBuffer } | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    result = {
      modelJson: { modelTopology: a.modelTopology, format: a.format, weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs }] },
      weightData: tf.io.concatenateArrayBuffers(a.weightData ?? []),
    };
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  model.dispose();
  return result!;
}

function denseModel(sizes: number[], activations: string[]): tf.Sequential {
  const model = tf.sequential();
  sizes.slice(1).forEach((units, i) => {
    model.add(tf.layers.dense({
      units, activation: activations[i] as 'relu', name: `dense_${i + 1}`, ...(i === 0 ? { inputShape: [sizes[0]] } : {}),
    }));
  });
  return model;
}

function manifestWeights(modelJson: object): Record<string, unknown>[] {
  return (modelJson as { weightsManifest: { weights: Record<string, unknown>[] }[] }).weightsManifest[0].weights;
}

function expectBitExact(a: Mlp, b: Mlp): void {
  expect(b.layers.map((l) => [l.inputSize, l.units, l.activation])).toEqual(a.layers.map((l) => [l.inputSize, l.units, l.activation]));
  a.layers.forEach((layer, i) => {
    expect(new Uint32Array(b.layers[i].kernel.buffer)).toEqual(new Uint32Array(layer.kernel.buffer));
    expect(new Uint32Array(b.layers[i].bias.buffer)).toEqual(new Uint32Array(layer.bias.buffer));
  });
}

const small = randomMlp([784, 16, 10], 11, { output: 'softmax' });

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('saveMlpToArtifacts', () => {
  it('writes the model.json fields tfjs writes, with our weight file name and metadata', async () => {
    const plain = await saveMlpToArtifacts(small);
    expect(plain.weightsFileName).toBe('weights.bin');
    expect(plain.modelJson.format).toBe('layers-model');
    expect(plain.modelJson.generatedBy).toMatch(/^TensorFlow\.js tfjs-layers v4\./);
    expect(plain.modelJson.convertedBy).toBeNull();
    expect(plain.modelJson.userDefinedMetadata).toBeUndefined();
    expect(plain.modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(plain.modelJson.weightsManifest[0].weights.map((w) => w.name)).toEqual(
      ['dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias'],
    );
    expect(plain.weightData.byteLength).toBe((784 * 16 + 16 + 16 * 10 + 10) * 4);

    const named = await saveMlpToArtifacts(small, { name: 'pruned 50%', metadata: { pruning: { keep: 0.5 } } });
    expect(named.weightsFileName).toBe('pruned_50_.weights.bin');
    expect(named.modelJson.weightsManifest[0].paths).toEqual(['pruned_50_.weights.bin']);
    expect(userMetadataOf(JSON.parse(JSON.stringify(named.modelJson)))).toEqual({ pruning: { keep: 0.5 } });
  });

  it.each([
    ['1 hidden, softmax', [784, 16, 10], 'softmax'],
    ['4 hidden, linear', [784, 20, 18, 14, 12, 10], 'linear'],
  ] as const)('writes files plain tf.loadLayersModel reads, predicting like the original (%s)', async (_l, sizes, output) => {
    const mlp = randomMlp([...sizes], 5, { output: output });
    const { modelJson, weightData } = await saveMlpToArtifacts(mlp);
    const json = parseModelJson(JSON.stringify(modelJson)) as ModelJson;
    const model = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData,
    }));
    const inputs = Array.from({ length: 2 * 784 }, (_, i) => ((i * 7919) % 256) / 255);
    const got = tf.tidy(() => (model.predict(tf.tensor2d(inputs, [2, 784])) as tf.Tensor).arraySync() as number[][]);
    model.dispose();
    for (let n = 0; n < 2; n++) {
      const want = referenceForward(mlp, inputs.slice(n * 784, (n + 1) * 784));
      got[n].forEach((v, j) => expect(v).toBeCloseTo(want[j], 5));
    }
    expectBitExact(mlp, await loadMlpFromArtifacts(json, weightData));
  });

  it('refuses an Mlp it could not load back', async () => {
    await expectModelFormatError(saveMlpToArtifacts(randomMlp([100, 8, 10], 1, { output: 'linear' })), 'the model takes 100 inputs');
  });

  it('leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const { modelJson, weightData } = await saveMlpToArtifacts(small, { metadata: { a: 1 } });
    await loadMlpFromArtifacts(modelJson, weightData);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('loadMlpFromArtifacts / loadMlpFromFiles', () => {
  it('accepts split shards as a Map, a record, by base name, and Buffer-like views', async () => {
    const { modelJson, weightData } = await saveMlpToArtifacts(small);
    const split = { ...modelJson, weightsManifest: [{ ...modelJson.weightsManifest[0], paths: ['dir/a.bin', 'dir/b.bin'] }] };
    const a = weightData.slice(0, 1000);
    const b = weightData.slice(1000);
    expectBitExact(small, await loadMlpFromFiles(split, new Map([['dir/a.bin', a], ['dir/b.bin', b]])));
    expectBitExact(small, await loadMlpFromFiles(split, { 'a.bin': a, 'b.bin': b }));
    // A view inside a bigger buffer, as Node's pooled Buffers are.
    const padded = new Uint8Array(weightData.byteLength + 16);
    padded.set(new Uint8Array(weightData), 8);
    expectBitExact(small, await loadMlpFromArtifacts(modelJson, padded.subarray(8, 8 + weightData.byteLength)));
  });

  it('reads a functional model saved by tfjs', async () => {
    const input = tf.input({ shape: [784] });
    const hidden = tf.layers.dense({ units: 8, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 10, activation: 'softmax' }).apply(hidden) as tf.SymbolicTensor;
    const { modelJson, weightData } = await artifactsOf(tf.model({ inputs: input, outputs: output }));
    const mlp = await loadMlpFromArtifacts(modelJson, weightData);
    expect(mlp.layers.map((l) => [l.inputSize, l.units, l.activation])).toEqual([[784, 8, 'relu'], [8, 10, 'softmax']]);
  });

  it('reads a Keras-style topology: model_config wrapper, explicit InputLayer, training_config', async () => {
    const { modelJson, weightData } = await saveMlpToArtifacts(small);
    const topology = JSON.parse(JSON.stringify(modelJson.modelTopology)) as {
      config: { layers: { config: Record<string, unknown> }[] };
    };
    delete topology.config.layers[0].config.batch_input_shape;
    topology.config.layers.unshift({ class_name: 'InputLayer', config: { batch_input_shape: [null, 784], dtype: 'float32', name: 'in' } } as never);
    const keras = {
      ...modelJson,
      modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: topology, training_config: { loss: 'nonsense' } },
    };
    expectBitExact(small, await loadMlpFromArtifacts(keras, weightData));
  });

  it('rejects unsupported model structures', async () => {
    const conv = tf.sequential();
    conv.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 2, kernelSize: 3, name: 'conv' }));
    conv.add(tf.layers.flatten());
    conv.add(tf.layers.dense({ units: 10 }));
    const cases: [tf.LayersModel, string][] = [
      [conv, 'layer conv has type Conv2D'],
      [denseModel([784, 8, 8, 10], ['relu', 'tanh', 'linear']), 'hidden layer dense_2 uses activation tanh; only relu is supported'],
      [denseModel([784, 8, 8, 8, 8, 8, 10], ['relu', 'relu', 'relu', 'relu', 'relu', 'linear']), 'the model has 5 hidden Dense layers'],
      [denseModel([100, 8, 10], ['relu', 'linear']), 'the model takes 100 inputs'],
      [denseModel([784, 8, 5], ['relu', 'linear']), 'the model has 5 outputs'],
    ];
    for (const [model, fragment] of cases) {
      const { modelJson, weightData } = await artifactsOf(model);
      const before = tf.memory().numTensors;
      await expectModelFormatError(loadMlpFromArtifacts(modelJson, weightData), fragment);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('rejects weight data 4 bytes short or 4 bytes long', async () => {
    const { modelJson, weightData } = await saveMlpToArtifacts(small);
    const n = weightData.byteLength;
    await expectModelFormatError(loadMlpFromArtifacts(modelJson, weightData.slice(0, n - 4)),
      `weight data is ${n - 4} bytes but the manifest needs ${n}: the .bin file is truncated or belongs to another model`);
    const long = new Uint8Array(n + 4);
    long.set(new Uint8Array(weightData));
    await expectModelFormatError(loadMlpFromArtifacts(modelJson, long), `weight data is ${n + 4} bytes but the manifest needs only ${n}`);
  });

  it.each([NaN, Infinity, -Infinity])('rejects a %s weight, naming layer and tensor', async (bad) => {
    const { modelJson, weightData } = await saveMlpToArtifacts(small);
    const floats = new Float32Array(weightData.slice(0));
    floats[784 * 16 + 5] = bad; // dense_1/bias[5]
    await expectModelFormatError(loadMlpFromArtifacts(modelJson, floats.buffer), `layer dense_1 bias has a non-finite weight (${bad}) at index 5`);
  });

  it('rejects invalid JSON and a model.json that is not a layers model', async () => {
    expect(() => parseModelJson('{"modelTopology": ', 'my/model.json')).toThrow(/^my\/model\.json is not valid JSON: /);
    const { modelJson, weightData } = await saveMlpToArtifacts(small);
    const { weightsManifest: _w, ...noManifest } = modelJson;
    await expectModelFormatError(loadMlpFromArtifacts(noManifest, weightData), 'model.json has no weightsManifest');
    const { modelTopology: _t, ...noTopology } = modelJson;
    await expectModelFormatError(loadMlpFromArtifacts(noTopology, weightData), 'model.json has no modelTopology');
    await expectModelFormatError(loadMlpFromArtifacts([modelJson], weightData), 'model.json must hold a JSON object');
    await expectModelFormatError(loadMlpFromArtifacts({ ...modelJson, format: 'graph-model' }, weightData), 'is a tfjs graph model');
  });

  it('rejects int32 weights', async () => {
    const { modelJson, weightData } = await saveMlpToArtifacts(small);
    const int32 = JSON.parse(JSON.stringify(modelJson)) as ModelJson;
    manifestWeights(int32)[1].dtype = 'int32';
    await expectModelFormatError(loadMlpFromArtifacts(int32, weightData), 'weight dense_1/bias has dtype int32; only float32 weights are supported');
    // Quantization does not make a non-float32 dtype acceptable.
    manifestWeights(int32)[1].quantization = { dtype: 'uint8', min: 0, scale: 1 };
    await expectModelFormatError(loadMlpFromArtifacts(int32, weightData), 'weight dense_1/bias has dtype int32; only float32 weights are supported');
  });

  describe('quantized weights (tfjs converter format)', () => {
    /** Manifest of `small` with every tensor given `quantization`, and the tensor sizes in order. */
    function quantizedJson(quantization: (w: number) => Record<string, unknown>): { json: ModelJson; sizes: number[] } {
      const json = JSON.parse(JSON.stringify(plainJson)) as ModelJson;
      const weights = manifestWeights(json);
      weights.forEach((weight, w) => (weight.quantization = quantization(w)));
      return { json, sizes: weights.map((weight) => (weight.shape as number[]).reduce((a, b) => a * b, 1)) };
    }

    /** The loaded tensors in manifest order: kernel, bias, kernel, bias. */
    const tensorsOf = (mlp: Mlp) => mlp.layers.flatMap((layer) => [layer.kernel, layer.bias]);

    let plainJson: ModelJson;
    beforeAll(async () => {
      plainJson = (await saveMlpToArtifacts(small)).modelJson;
    });

    it('reads uint8 and uint16 codes as code * scale + min, per tensor', async () => {
      for (const [dtype, bytes] of [['uint8', 1], ['uint16', 2]] as const) {
        // Different min and scale per tensor, so a mix-up between tensors shows.
        const params = (w: number) => ({ min: -1 - w, scale: (w + 1) / 255 });
        const { json, sizes } = quantizedJson((w) => ({ dtype, ...params(w) }));
        const codesOf = (w: number, i: number) => (i * 7 + w) % (dtype === 'uint8' ? 256 : 65536);
        const parts = sizes.map((size, w) => {
          const codes = dtype === 'uint8' ? new Uint8Array(size) : new Uint16Array(size);
          for (let i = 0; i < size; i++) codes[i] = codesOf(w, i);
          return new Uint8Array(codes.buffer);
        });
        const data = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0));
        parts.reduce((at, part) => (data.set(part, at), at + part.byteLength), 0);
        expect(data.byteLength).toBe((784 * 16 + 16 + 16 * 10 + 10) * bytes);
        const mlp = await loadMlpFromArtifacts(json, data);
        tensorsOf(mlp).forEach((values, w) => {
          const { min, scale } = params(w);
          const want = Float32Array.from({ length: sizes[w] }, (_, i) => codesOf(w, i) * scale + min);
          expect(values).toEqual(want);
        });
      }
    });

    it('reads float16 bit patterns, subnormals included', async () => {
      // Hand-decoded: 0x3c00 = 1, 0xc000 = -2, 0x7bff = 65504, 0x3555 = 1365/4096, 0x0001 = 2^-24 (smallest subnormal), 0x8000 = -0.
      const patterns = [0x3c00, 0xc000, 0x7bff, 0x3555, 0x0001, 0x8000];
      const values = [1, -2, 65504, 1365 / 4096, 2 ** -24, -0];
      const { json, sizes } = quantizedJson(() => ({ dtype: 'float16' }));
      const total = sizes.reduce((a, b) => a + b, 0);
      const bits = Uint16Array.from({ length: total }, (_, i) => patterns[i % patterns.length]);
      const mlp = await loadMlpFromArtifacts(json, bits.buffer);
      let offset = 0;
      for (const tensor of tensorsOf(mlp)) {
        tensor.forEach((value, i) => {
          if (value !== values[(offset + i) % values.length]) expect.fail(`value ${offset + i} is ${value}`);
        });
        offset += tensor.length;
      }
    });

    it('checks the byte count against the quantized size', async () => {
      const n = 784 * 16 + 16 + 16 * 10 + 10;
      const { json } = quantizedJson(() => ({ dtype: 'uint8', min: 0, scale: 1 }));
      await expectModelFormatError(loadMlpFromArtifacts(json, new Uint8Array(n - 1)), `weight data is ${n - 1} bytes but the manifest needs ${n}`);
      await expectModelFormatError(loadMlpFromArtifacts(json, new Uint8Array(4 * n)), `weight data is ${4 * n} bytes but the manifest needs only ${n}`);
      // Quantized and plain tensors mixed: the kernel in float16, the rest float32.
      const mixed = JSON.parse(JSON.stringify(plainJson)) as ModelJson;
      manifestWeights(mixed)[0].quantization = { dtype: 'float16' };
      const needed = 784 * 16 * 2 + (n - 784 * 16) * 4;
      await expectModelFormatError(loadMlpFromArtifacts(mixed, new Uint8Array(needed + 2)), `the manifest needs only ${needed}`);
      const mlp = await loadMlpFromArtifacts(mixed, new Uint8Array(needed));
      expect(mlp.layers[0].kernel.length).toBe(784 * 16);
    });

    it.each([
      [{ dtype: 'int8', min: 0, scale: 1 }, 'weight dense_1/kernel is quantized as "int8"; only uint8, uint16 and float16 quantization are supported'],
      [{ min: 0, scale: 1 }, 'weight dense_1/kernel is quantized as undefined; only uint8, uint16 and float16'],
      [{ dtype: 'uint8', scale: 0.1 }, 'weight dense_1/kernel is uint8-quantized but its min (undefined) and scale (0.1) are not both finite numbers'],
      [{ dtype: 'uint16', min: -1 }, 'weight dense_1/kernel is uint16-quantized but its min (-1) and scale (undefined)'],
      [{ dtype: 'uint8', min: '0', scale: 1 }, 'weight dense_1/kernel is uint8-quantized but its min ("0")'],
      ['uint8', 'weight dense_1/kernel has a quantization entry that is not an object'],
    ])('rejects quantization %j with one line', async (quantization, message) => {
      const json = JSON.parse(JSON.stringify(plainJson)) as ModelJson;
      manifestWeights(json)[0].quantization = quantization;
      await expectModelFormatError(loadMlpFromArtifacts(json, new Uint8Array(1 << 16)), message);
    });
  });

  it('names a missing shard file', async () => {
    const { modelJson, weightData } = await saveMlpToArtifacts(small, { name: 'm' });
    await expectModelFormatError(loadMlpFromFiles(modelJson, { 'other.bin': weightData }), 'weight file m.weights.bin listed in model.json was not provided');
  });

  it('turns tfjs failures into one line and leaks nothing', async () => {
    const { modelJson, weightData } = await saveMlpToArtifacts(small);
    const before = tf.memory().numTensors;
    // Same byte count, but the kernel no longer fits the layer.
    const reshaped = JSON.parse(JSON.stringify(modelJson)) as ModelJson;
    manifestWeights(reshaped)[0].shape = [16, 784];
    await expectModelFormatError(loadMlpFromArtifacts(reshaped, weightData), 'weight dense_1/kernel has shape [16,784] in the manifest but the topology needs [784,16]');
    // Refused from the JSON: tfjs would build the first Dense layer's variables before it met it.
    const unknown = JSON.parse(JSON.stringify(modelJson)) as { modelTopology: { config: { layers: unknown[] } } };
    unknown.modelTopology.config.layers.push({ class_name: 'NoSuchLayer', config: { name: 'odd' } });
    await expectModelFormatError(loadMlpFromArtifacts(unknown, weightData), 'layer odd has type NoSuchLayer; only Dense layers');
    expect(tf.memory().numTensors).toBe(before);
  });
});
