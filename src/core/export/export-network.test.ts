import * as tf from '@tensorflow/tfjs';
import type { onnx as Onnx } from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  argmaxAccuracy,
  maxAbsDifference,
  parseSafetensors,
  runOnnx,
  safetensorsDifferences,
  torchStateDictBytes,
} from '../../../test/helpers/exported-files';
import { randomMlp } from '../../../test/helpers/random-mlp';
import { initNodeBackend } from '../../node/tf-node';
import type { Mlp } from '../model/mlp';
import { mlpToLayersModel } from '../model/tfjs-convert';
import type { PruneReport } from '../report';
import { exportNetwork } from './export-network';
import { onnx } from './onnx-proto';
import { seededUniform } from '../pruning/baselines';

/** A report as the CLI writes it for a 784-(40)-(20)-10 network pruned to 784-12-6-10. */
const report: PruneReport = {
  model: 'models/test/model.json',
  method: 'ispasp',
  keep: [0.3, 0.3],
  iterations: 20,
  samples: 200,
  seed: 7,
  refit: true,
  finetuneEpochs: 0.5,
  finetuneLearningRate: 0.001,
  backend: 'wasm',
  architecture: { dense: [784, 40, 20, 10], pruned: [784, 12, 6, 10] },
  layers: [
    { units: 40, keepRatio: 0.3, keptCount: 12, kept: [0, 1, 2, 3, 5, 8, 13, 21, 22, 30, 34, 39], residuals: [0.5], relativeResidual: 0.5 },
    { units: 20, keepRatio: 0.3, keptCount: 6, kept: [1, 4, 9, 10, 16, 19], residuals: [0.4], relativeResidual: 0.4 },
  ],
  accuracy: { dense: 0.9, pruned: 0.8, raw: 0.7, refit: 0.75, finetuned: 0.8 },
  params: { dense: 0, pruned: 0 },
  macs: { dense: 0, pruned: 0 },
  timingsMs: { load: 1, prune: 1, refit: 1, evaluate: 1, total: 4 },
  createdAt: '2026-11-30T20:00:00.000Z',
};

const decode = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes);
const dimsOf = (info: Onnx.IValueInfoProto) => info.type!.tensorType!.shape!.dim!.map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)));

function images(count: number, seed: number): Float32Array {
  const uniform = seededUniform(seed);
  return Float32Array.from({ length: count * 784 }, () => (uniform() < 0.8 ? 0 : uniform()));
}

function tfjsOutputs(mlp: Mlp, inputs: Float32Array, count: number): Float32Array {
  const model = mlpToLayersModel(mlp);
  try {
    return tf.tidy(() => (model.predict(tf.tensor2d(inputs, [count, 784])) as tf.Tensor).dataSync() as Float32Array);
  } finally {
    model.dispose();
  }
}

beforeAll(async () => {
  await initNodeBackend('cpu');
});

describe('ONNX export', () => {
  const softmaxNet = randomMlp([784, 12, 6, 10], 5, { output: 'softmax' });

  it('declares opset 13 or later, the producer, input [N, 784] and an output named for what it holds', () => {
    const model = decode(exportNetwork(softmaxNet, report, 'onnx'));
    expect(Number(model.opsetImport.find((o) => !o.domain)!.version)).toBeGreaterThanOrEqual(13);
    expect(Number(model.irVersion)).toBeGreaterThanOrEqual(7);
    expect(model.producerName).toBe('spasp-playground');
    expect(model.producerVersion).toMatch(/^\d+\.\d+\.\d+/);
    const graph = model.graph as Onnx.GraphProto;
    expect(graph.input.map((i) => i.name)).toEqual(['input']);
    expect(dimsOf(graph.input[0])).toEqual(['N', 784]);
    expect(graph.output.map((o) => o.name)).toEqual(['probabilities']);
    expect(dimsOf(graph.output[0])).toEqual(['N', 10]);
    expect(graph.node.map((n) => n.opType)).toEqual(['Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm', 'Softmax']);
    for (const init of graph.initializer) expect(init.dataType).toBe(onnx.TensorProto.DataType.FLOAT);
    expect(graph.initializer.map((i) => `${i.name}:${i.dims!.join('x')}`)).toEqual(['0.weight:12x784', '0.bias:12', '2.weight:6x12', '2.bias:6', '4.weight:10x6', '4.bias:10']);

    const linear = decode(exportNetwork(randomMlp([784, 12, 10], 5), report, 'onnx'));
    const linearGraph = linear.graph as Onnx.GraphProto;
    expect(linearGraph.output.map((o) => o.name)).toEqual(['logits']);
    expect(linearGraph.node.map((n) => n.opType)).toEqual(['Gemm', 'Relu', 'Gemm']);
  });

  it('keeps the pruning settings in metadata_props', () => {
    const props = Object.fromEntries(decode(exportNetwork(softmaxNet, report, 'onnx')).metadataProps.map((p) => [p.key, p.value]));
    expect(props).toMatchObject({
      method: 'ispasp',
      keep: '[0.3,0.3]',
      iterations: '20',
      samples: '200',
      seed: '7',
      refit: 'true',
      finetune_epochs: '0.5',
      finetune_learning_rate: '0.001',
      architecture: '784-12-6-10',
      source_architecture: '784-40-20-10',
      source_model: 'models/test/model.json',
      output: 'probabilities',
      torch_module: 'Sequential(Linear(784, 12), ReLU(), Linear(12, 6), ReLU(), Linear(6, 10), Softmax(dim=1))',
    });
    expect(JSON.parse(props.kept)).toEqual(report.layers.map((l) => l.kept));
    expect(JSON.parse(props.test_accuracy)).toEqual(report.accuracy);
  });

  it('computes in ONNX Runtime what tfjs computes, probabilities and logits alike', async () => {
    const count = 300;
    const inputs = images(count, 11);
    for (const network of [softmaxNet, randomMlp([784, 30, 10], 9)]) {
      const run = await runOnnx(exportNetwork(network, report, 'onnx'), inputs, count, 128);
      const expected = tfjsOutputs(network, inputs, count);
      expect(run.inputNames).toEqual(['input']);
      expect(run.outputs.length).toBe(count * 10);
      expect(maxAbsDifference(run.outputs, expected)).toBeLessThanOrEqual(1e-5);
      const labels = Array.from({ length: count }, (_, n) => {
        let best = 0;
        for (let c = 1; c < 10; c++) if (expected[n * 10 + c] > expected[n * 10 + best]) best = c;
        return best;
      });
      expect(argmaxAccuracy(run.outputs, 10, labels)).toBe(1);
    }
  });
});

describe('safetensors export', () => {
  it('holds nn.Linear weights [out, in] and biases at Sequential positions 0, 2, 4, byte for byte', () => {
    const network = randomMlp([784, 12, 6, 10], 3, { output: 'softmax' });
    const file = parseSafetensors(exportNetwork(network, report, 'safetensors'));
    expect(file.headerLength % 8).toBe(0);
    expect(safetensorsDifferences(file, torchStateDictBytes(network.layers))).toEqual([]);
    // A hand-checked element: weight from input 5 to neuron 3 of the second layer is 2.weight[3, 5].
    const w = new DataView(file.tensors.find((t) => t.name === '2.weight')!.bytes.slice().buffer);
    expect(w.getFloat32((3 * 12 + 5) * 4, true)).toBe(network.layers[1].kernel[5 * 6 + 3]);
  });

  it('keeps architecture and settings in __metadata__, all strings', () => {
    const file = parseSafetensors(exportNetwork(randomMlp([784, 12, 6, 10], 3), report, 'safetensors'));
    for (const value of Object.values(file.metadata)) expect(typeof value).toBe('string');
    expect(file.metadata).toMatchObject({
      architecture: '784-12-6-10',
      torch_module: 'Sequential(Linear(784, 12), ReLU(), Linear(12, 6), ReLU(), Linear(6, 10))',
      output: 'logits',
      method: 'ispasp',
      keep: '[0.3,0.3]',
    });
  });

  it('fails the parser on a corrupted file (the reader is strict)', () => {
    const bytes = exportNetwork(randomMlp([784, 4, 10], 3), report, 'safetensors');
    expect(() => parseSafetensors(bytes.subarray(0, bytes.byteLength - 4))).toThrow(/end at byte/);
  });
});
