import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend, tf } from '../../node/tf-node';
import type { Mlp } from './mlp';
import { randomMlp } from './random-mlp';
import { layersModelToMlp, mlpToLayersModel } from './tfjs-convert';

/** Deterministic weights so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The forward pass in plain loops, independent of tfjs. */
function referenceForward(mlp: Mlp, input: Float32Array): number[] {
  let x = Array.from(input);
  for (const layer of mlp.layers) {
    const y: number[] = [];
    for (let j = 0; j < layer.units; j++) {
      let sum = layer.bias[j];
      for (let i = 0; i < layer.inputSize; i++) sum += x[i] * layer.kernel[i * layer.units + j];
      y.push(layer.activation === 'relu' ? Math.max(0, sum) : sum);
    }
    if (layer.activation === 'softmax') {
      const max = Math.max(...y);
      const exp = y.map((v) => Math.exp(v - max));
      const total = exp.reduce((a, b) => a + b, 0);
      x = exp.map((v) => v / total);
    } else {
      x = y;
    }
  }
  return x;
}

async function expectRejected(run: () => unknown, fragment: string): Promise<void> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(Error);
  expect((caught as Error).name).toBe('ModelFormatError');
  expect((caught as Error).message).toContain(fragment);
  expect((caught as Error).message).not.toContain('\n');
}

/** Converts a tfjs model built by `build`, always disposing it. */
async function convert(build: () => tf.LayersModel): Promise<Mlp> {
  const model = build();
  try {
    return await layersModelToMlp(model);
  } finally {
    model.dispose();
  }
}

function denseStack(sizes: number[], activations: string[], extra: Record<string, unknown>[] = []): tf.Sequential {
  const model = tf.sequential();
  sizes.slice(1).forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: activations[i] as 'relu',
        name: `dense_${i + 1}`,
        ...(i === 0 ? { inputShape: [sizes[0]] } : {}),
        ...extra[i],
      }),
    );
  });
  return model;
}

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('mlpToLayersModel', () => {
  it.each([
    ['1 hidden, softmax', [784, 32, 10], 'softmax'],
    ['4 hidden, linear', [784, 24, 20, 16, 12, 10], 'linear'],
  ] as const)('predicts like the plain-JS forward pass (%s)', (_label, sizes, output) => {
    const mlp = randomMlp([...sizes], 7, { output: output });
    const next = rng(99);
    const inputs = Float32Array.from({ length: 3 * 784 }, () => next());
    const before = tf.memory().numTensors;
    const model = mlpToLayersModel(mlp);
    const got = tf.tidy(() => (model.predict(tf.tensor2d(inputs, [3, 784])) as tf.Tensor).arraySync() as number[][]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (let n = 0; n < 3; n++) {
      const want = referenceForward(mlp, inputs.subarray(n * 784, (n + 1) * 784));
      got[n].forEach((v, j) => expect(v).toBeCloseTo(want[j], 5));
    }
  });

  it('round-trips through layersModelToMlp bit-exactly', async () => {
    const mlp = randomMlp([784, 40, 30, 10], 3, { output: 'softmax' });
    const back = await convert(() => mlpToLayersModel(mlp));
    expect(back.layers.map((l) => [l.inputSize, l.units, l.activation])).toEqual(
      mlp.layers.map((l) => [l.inputSize, l.units, l.activation]),
    );
    back.layers.forEach((layer, i) => {
      expect(new Uint32Array(layer.kernel.buffer)).toEqual(new Uint32Array(mlp.layers[i].kernel.buffer));
      expect(new Uint32Array(layer.bias.buffer)).toEqual(new Uint32Array(mlp.layers[i].bias.buffer));
    });
  });

  it('accepts small non-MNIST models, which only tfjs inference needs', async () => {
    const model = mlpToLayersModel(randomMlp([5, 3, 2], 1, { output: 'linear' }));
    expect(model.outputs[0].shape).toEqual([null, 2]);
    model.dispose();
  });

  it('rejects a kernel whose length does not match its shape', async () => {
    const mlp = randomMlp([784, 8, 10], 1, { output: 'linear' });
    const broken: Mlp = { layers: [{ ...mlp.layers[0], kernel: new Float32Array(10) }, mlp.layers[1]] };
    await expectRejected(() => mlpToLayersModel(broken), 'layer dense_1 kernel has 10 values');
  });

  it('rejects layers that do not chain', async () => {
    const a = randomMlp([784, 8, 10], 1, { output: 'linear' }).layers;
    const b = randomMlp([784, 6, 10], 1, { output: 'linear' }).layers;
    await expectRejected(() => mlpToLayersModel({ layers: [a[0], b[1]] }), 'layer dense_2 takes 6 inputs but layer dense_1 gives 8');
  });
});

describe('layersModelToMlp', () => {
  it('accepts a leading Flatten from [28,28] and [28,28,1]', async () => {
    for (const inputShape of [[28, 28], [28, 28, 1]]) {
      const mlp = await convert(() => {
        const model = tf.sequential();
        model.add(tf.layers.flatten({ inputShape }));
        model.add(tf.layers.dense({ units: 8, activation: 'relu' }));
        model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
        return model;
      });
      expect(mlp.layers.map((l) => l.inputSize)).toEqual([784, 8]);
    }
  });

  it('accepts a functional model that is a straight chain', async () => {
    const mlp = await convert(() => {
      const input = tf.input({ shape: [784] });
      const hidden = tf.layers.dense({ units: 8, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
      const output = tf.layers.dense({ units: 10 }).apply(hidden) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: output });
    });
    expect(mlp.layers.map((l) => [l.units, l.activation])).toEqual([[8, 'relu'], [10, 'linear']]);
  });

  it('rejects a functional model with a branch', async () => {
    await expectRejected(() => convert(() => {
      const input = tf.input({ shape: [784] });
      const a = tf.layers.dense({ units: 8, activation: 'relu', name: 'a' }).apply(input) as tf.SymbolicTensor;
      const b = tf.layers.dense({ units: 8, activation: 'relu', name: 'b' }).apply(input) as tf.SymbolicTensor;
      const sum = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor;
      const output = tf.layers.dense({ units: 10 }).apply(sum) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: output });
    }), 'not fed by the layer before it alone');
  });

  it('rejects a Conv2D layer, naming it', async () => {
    await expectRejected(() => convert(() => {
      const model = tf.sequential();
      model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 2, kernelSize: 3, name: 'conv' }));
      model.add(tf.layers.flatten());
      model.add(tf.layers.dense({ units: 10 }));
      return model;
    }), 'layer conv has type Conv2D');
  });

  it('rejects a Dropout layer', async () => {
    await expectRejected(() => convert(() => {
      const model = denseStack([784, 8, 10], ['relu', 'linear']);
      model.add(tf.layers.dropout({ rate: 0.5, name: 'drop' }));
      return model;
    }), 'layer drop has type Dropout');
  });

  it('rejects unsupported activations', async () => {
    await expectRejected(
      () => convert(() => denseStack([784, 8, 8, 10], ['relu', 'tanh', 'softmax'])),
      'hidden layer dense_2 uses activation tanh; only relu is supported on hidden layers',
    );
    await expectRejected(
      () => convert(() => denseStack([784, 8, 10], ['relu', 'sigmoid'])),
      'output layer dense_2 uses activation sigmoid',
    );
  });

  it('rejects hidden layer counts outside 1..4 and wrong input/output sizes', async () => {
    await expectRejected(() => convert(() => denseStack([784, 8, 8, 8, 8, 8, 10], Array(5).fill('relu').concat('linear'))),
      'the model has 5 hidden Dense layers; 1 to 4 are supported');
    await expectRejected(() => convert(() => denseStack([784, 10], ['softmax'])), 'the model has 0 hidden Dense layers');
    await expectRejected(() => convert(() => denseStack([100, 8, 10], ['relu', 'linear'])), 'the model takes 100 inputs');
    await expectRejected(() => convert(() => denseStack([784, 8, 5], ['relu', 'linear'])), 'the model has 5 outputs');
  });

  it('rejects a Dense applied to an unflattened image', async () => {
    await expectRejected(() => convert(() => {
      const model = tf.sequential();
      model.add(tf.layers.dense({ inputShape: [28, 28], units: 8, activation: 'relu' }));
      model.add(tf.layers.dense({ units: 10 }));
      return model;
    }), 'the model input shape is [28,28]');
  });

  it('rejects a layer without bias', async () => {
    await expectRejected(
      () => convert(() => denseStack([784, 8, 10], ['relu', 'linear'], [{}, { useBias: false }])),
      'layer dense_2 has no bias',
    );
  });

  it.each([NaN, Infinity])('rejects a %s weight, naming layer and tensor', async (bad) => {
    await expectRejected(() => convert(() => {
      const model = denseStack([784, 8, 10], ['relu', 'linear']);
      const bias = new Float32Array(10);
      bias[3] = bad;
      tf.tidy(() => model.layers[1].setWeights([model.layers[1].getWeights()[0].clone(), tf.tensor1d(bias)]));
      return model;
    }), `layer dense_2 bias has a non-finite weight (${bad}) at index 3`);
  });
});
