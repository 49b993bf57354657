import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend, tf } from '../../node/tf-node';
import { expectModelFormatError } from '../../../test/helpers/expect-errors';
import { loadMlpFromArtifacts, saveMlpToArtifacts } from './io';
import type { Mlp } from './mlp';
import { encodeFloat16, encodeUint8, float16Bits, quantizeWeights } from './quantize';
import { randomMlp } from './random-mlp';

/** float16 bits -> value through tfjs's own decoder (the one every tfjs model load uses). */
function decodeFloat16(bits: Uint16Array): Float32Array {
  const decoded = tf.io.decodeWeights(bits.buffer as ArrayBuffer, [
    { name: 'w', shape: [bits.length], dtype: 'float32', quantization: { dtype: 'float16' } },
  ]);
  try {
    return decoded.w.dataSync() as Float32Array;
  } finally {
    tf.dispose(decoded);
  }
}

/** Values spread over float16's normal and subnormal ranges and beyond, all float32. */
function sampleValues(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return Float32Array.from({ length: count }, () => (next() < 0.5 ? -1 : 1) * 2 ** (next() * 46 - 30) * (1 + next()));
}

const FLOAT_EPS = 2 ** -23;

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('float16Bits', () => {
  const vectors: [number, number][] = [
    [1, 0x3c00],
    [-2, 0xc000],
    [0, 0x0000],
    [-0, 0x8000],
    [65504, 0x7bff], // the largest finite float16
    [2 ** -14, 0x0400], // 6.103515625e-5, the smallest normal
    [6.1e-5, 0x03ff], // just below it: subnormal, 6.1e-5 * 2^24 = 1023.41 -> 1023
    [2 ** -24, 0x0001], // the smallest subnormal
    [1e-8, 0x0000], // 1e-8 * 2^24 = 0.168: nearer zero than 2^-24
    [-1e-8, 0x8000],
    [2 ** -25, 0x0000], // halfway between 0 and 2^-24: ties to the even one, zero
    [3 * 2 ** -25, 0x0002], // halfway between 1 and 2 units of 2^-24: ties to 2
    [0.1, 0x2e66], // 1.6 * 2^-4: exponent 11, mantissa 0.6 * 1024 = 614.4 -> 614 = 0x266
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and 1 + 2^-10: ties to even (1)
    [1 + 3 * 2 ** -11, 0x3c02], // halfway between 1 + 2^-10 and 1 + 2^-9: ties to even
    [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just past halfway: up
    [65519, 0x7bff], // below the halfway point to 65536
    [65520, 0x7c00], // halfway to 65536, mantissa odd: rounds up, past the range: inf
    [1e5, 0x7c00],
    [-1e5, 0xfc00],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
  ];
  it.each(vectors.map(([value, bits]) => [value, `0x${bits.toString(16).padStart(4, '0')}`]))('%s -> %s', (value, hex) => {
    expect(`0x${float16Bits(value as number).toString(16).padStart(4, '0')}`).toBe(hex);
  });

  it('gives a NaN pattern for NaN', () => {
    const bits = float16Bits(NaN);
    expect(bits & 0x7c00).toBe(0x7c00);
    expect(bits & 0x3ff).not.toBe(0);
  });

  it('round-trips every finite float16 value exactly (tfjs decodes, we encode)', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const values = decodeFloat16(all);
    const back = encodeFloat16(values);
    for (let bits = 0; bits < 65536; bits++) {
      if ((bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0) continue; // NaNs
      if (back[bits] !== bits) expect.fail(`0x${bits.toString(16)} (${values[bits]}) came back as 0x${back[bits].toString(16)}`);
    }
  });

  it('picks the nearest float16, relative error at most 2^-11 on normal numbers', () => {
    const values = sampleValues(20000, 7);
    const bits = encodeFloat16(values);
    const decoded = decodeFloat16(bits);
    // The neighbours one step either side in magnitude, to check nothing is nearer.
    const magnitude = (b: number) => b & 0x7fff;
    const below = decodeFloat16(bits.map((b) => (magnitude(b) === 0 ? b : b - 1)));
    const above = decodeFloat16(bits.map((b) => (magnitude(b) >= 0x7bff ? b : b + 1)));
    let normals = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const a = Math.abs(v);
      if (a > 65504) {
        // Past the largest finite value and at least halfway to 2^16: inf; in between: 65504.
        expect(Math.abs(decoded[i])).toBe(a >= 65520 ? Infinity : 65504);
        continue;
      }
      const error = Math.abs(decoded[i] - v);
      expect(error).toBeLessThanOrEqual(Math.abs(below[i] - v));
      expect(error).toBeLessThanOrEqual(Math.abs(above[i] - v));
      if (a >= 2 ** -14) {
        normals++;
        expect(error / a).toBeLessThanOrEqual(2 ** -11);
      } else {
        // Subnormals are evenly spaced 2^-24 apart.
        expect(error).toBeLessThanOrEqual(2 ** -25);
      }
    }
    expect(normals).toBeGreaterThan(5000);
  });
});

describe('encodeUint8', () => {
  it('is exact on the grid min + k * scale and puts min at 0 and max at 255', () => {
    // min -1, max -1 + 255/128: scale is exactly 2^-7 and every grid value is a float32.
    const values = Float32Array.from({ length: 256 }, (_, k) => -1 + ((k * 37) % 256) / 128);
    const { values: codes, min, scale } = encodeUint8(values);
    expect(min).toBe(-1);
    expect(scale).toBe(2 ** -7);
    codes.forEach((code, i) => expect(code).toBe((i * 37) % 256));
    codes.forEach((code, i) => expect(Math.fround(code * scale + min)).toBe(values[i]));
  });

  it('keeps every value within scale / 2 of its code', () => {
    const values = sampleValues(5000, 3).map((v) => Math.max(-3, Math.min(5, v)));
    const { values: codes, min, scale } = encodeUint8(values);
    const max = values.reduce((m, v) => Math.max(m, v), -Infinity);
    expect(min).toBe(values.reduce((m, v) => Math.min(m, v), Infinity));
    expect(scale).toBe((max - min) / 255);
    codes.forEach((code, i) => {
      const decoded = Math.fround(code * scale + min);
      expect(Math.abs(decoded - values[i])).toBeLessThanOrEqual(scale / 2 + Math.abs(values[i]) * FLOAT_EPS);
    });
  });

  it('stores a constant tensor exactly and refuses non-finite values', () => {
    const constant = encodeUint8(new Float32Array(10).fill(0.3));
    expect(Array.from(constant.values)).toEqual(new Array(10).fill(0));
    expect(Math.fround(0 * constant.scale + constant.min)).toBe(Math.fround(0.3));
    expect(encodeUint8(new Float32Array(0)).values.length).toBe(0);
    expect(() => encodeUint8(Float32Array.of(1, NaN))).toThrow('cannot quantize a non-finite value (NaN) at index 1');
  });
});

describe('saveMlpToArtifacts with quantization', () => {
  const mlp = randomMlp([784, 24, 12, 10], 9, { output: 'softmax' });
  const params = 784 * 24 + 24 + 24 * 12 + 12 + 12 * 10 + 10;
  const tensorsOf = (model: Mlp) => model.layers.flatMap((layer) => [layer.kernel, layer.bias]);

  /** The model as plain tf.loadLayersModel reads the files; its weights in manifest order. */
  async function loadWithTfjs(modelJson: { modelTopology: object; weightsManifest: tf.io.WeightsManifestConfig }, weightData: ArrayBuffer) {
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData }),
    );
    try {
      return model.getWeights().map((w) => w.dataSync() as Float32Array);
    } finally {
      model.dispose();
    }
  }

  it('without quantization writes the float32 weights unchanged', async () => {
    const { modelJson, weightData } = await saveMlpToArtifacts(mlp);
    expect(weightData.byteLength).toBe(params * 4);
    expect(modelJson.weightsManifest[0].weights.every((w) => w.quantization === undefined)).toBe(true);
    const joined = new Float32Array(weightData);
    let offset = 0;
    for (const tensor of tensorsOf(mlp)) {
      expect(new Uint32Array(joined.slice(offset, offset + tensor.length).buffer)).toEqual(new Uint32Array(tensor.slice().buffer));
      offset += tensor.length;
    }
  });

  it('float16: half the bytes, within 2^-11 relative error, through our loader and through tfjs', async () => {
    const { modelJson, weightData } = await saveMlpToArtifacts(mlp, { quantization: 'float16' });
    expect(weightData.byteLength).toBe(params * 2);
    for (const spec of modelJson.weightsManifest[0].weights) {
      expect(spec.dtype).toBe('float32');
      expect(spec.quantization).toEqual({ dtype: 'float16' });
    }
    const json = JSON.parse(JSON.stringify(modelJson)) as typeof modelJson;
    const ours = tensorsOf(await loadMlpFromArtifacts(json, weightData));
    const theirs = await loadWithTfjs(json, weightData);
    tensorsOf(mlp).forEach((original, t) => {
      expect(ours[t]).toEqual(theirs[t]);
      original.forEach((v, i) => {
        const error = Math.abs(ours[t][i] - v);
        if (Math.abs(v) >= 2 ** -14) {
          if (error > Math.abs(v) * 2 ** -11) expect.fail(`tensor ${t} value ${i}: ${v} -> ${ours[t][i]}`);
        } else if (error > 2 ** -25) {
          expect.fail(`tensor ${t} value ${i}: ${v} -> ${ours[t][i]}`);
        }
      });
    });
  });

  it('uint8: a quarter of the bytes, min and scale per tensor, within scale / 2 through our loader and through tfjs', async () => {
    const { modelJson, weightData } = await saveMlpToArtifacts(mlp, { quantization: 'uint8' });
    expect(weightData.byteLength).toBe(params);
    const json = JSON.parse(JSON.stringify(modelJson)) as typeof modelJson;
    const specs = json.weightsManifest[0].weights;
    const ours = tensorsOf(await loadMlpFromArtifacts(json, weightData));
    const theirs = await loadWithTfjs(json, weightData);
    tensorsOf(mlp).forEach((original, t) => {
      const min = original.reduce((m, v) => Math.min(m, v), Infinity);
      const max = original.reduce((m, v) => Math.max(m, v), -Infinity);
      expect(specs[t].dtype).toBe('float32');
      expect(specs[t].quantization).toEqual({ dtype: 'uint8', min, scale: (max - min) / 255 });
      const scale = (max - min) / 255;
      expect(ours[t]).toEqual(theirs[t]);
      // The extremes are codes 0 and 255: min comes back exactly.
      expect(ours[t][original.indexOf(min)]).toBe(min);
      original.forEach((v, i) => {
        if (Math.abs(ours[t][i] - v) > scale / 2 + Math.abs(v) * FLOAT_EPS) expect.fail(`tensor ${t} value ${i}: ${v} -> ${ours[t][i]}`);
      });
    });
  });

  it('predicts like the float32 model through plain tfjs (float16: to about 3 digits)', async () => {
    const { modelJson, weightData } = await saveMlpToArtifacts(mlp, { quantization: 'float16' });
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData }),
    );
    const reference = await tf.loadLayersModel(tf.io.fromMemory(await (async () => {
      const plain = await saveMlpToArtifacts(mlp);
      return { modelTopology: plain.modelJson.modelTopology, weightSpecs: plain.modelJson.weightsManifest[0].weights, weightData: plain.weightData };
    })()));
    const inputs = Array.from({ length: 3 * 784 }, (_, i) => ((i * 7919) % 256) / 255);
    const [got, want] = tf.tidy(() => [model, reference].map((m) => (m.predict(tf.tensor2d(inputs, [3, 784])) as tf.Tensor).arraySync() as number[][]));
    model.dispose();
    reference.dispose();
    got.forEach((row, n) => row.forEach((p, j) => expect(Math.abs(p - want[n][j])).toBeLessThan(2e-3)));
  });

  it('refuses a weight past float16 range, an unknown quantization, and leaks no tensors', async () => {
    const big: Mlp = { layers: mlp.layers.map((layer, l) => (l === 1 ? { ...layer, bias: layer.bias.map((b, j) => (j === 3 ? 70000 : b)) } : layer)) };
    await expectModelFormatError(saveMlpToArtifacts(big, { quantization: 'float16' }), "weight dense_2/bias holds 70000 at index 3, beyond float16's range");
    // uint8 has no range limit: its scale follows the tensor.
    expect((await saveMlpToArtifacts(big, { quantization: 'uint8' })).weightData.byteLength).toBe(params);
    const error = await saveMlpToArtifacts(mlp, { quantization: 'int4' as never }).catch((e: unknown) => e as Error);
    expect((error as Error).name).toBe('OptionError');
    expect((error as Error).message).toBe('quantization must be one of float16, uint8, got "int4"');
    const before = tf.memory().numTensors;
    for (const quantization of ['float16', 'uint8'] as const) {
      const { modelJson, weightData } = await saveMlpToArtifacts(mlp, { quantization });
      await loadMlpFromArtifacts(modelJson, weightData);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('quantizeWeights', () => {
  it('refuses specs that are not plain float32 or do not match the data', () => {
    const spec = { name: 'w', shape: [2], dtype: 'float32' as const };
    expect(() => quantizeWeights([{ ...spec, dtype: 'int32' }], new ArrayBuffer(8), 'uint8')).toThrow('weight w is not plain float32');
    expect(() => quantizeWeights([{ ...spec, quantization: { dtype: 'float16' } }], new ArrayBuffer(8), 'uint8')).toThrow('weight w is not plain float32');
    expect(() => quantizeWeights([spec], new ArrayBuffer(4), 'float16')).toThrow('weight w runs past the end of the weight data');
    expect(() => quantizeWeights([spec], new ArrayBuffer(12), 'float16')).toThrow('the weight data has 4 bytes that no weight spec describes');
  });
});
