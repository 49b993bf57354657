/**
 * The acceptance run of the exports: the CLI prunes shipped models and writes ONNX, safetensors,
 * the tfjs model and the report in one go; ONNX Runtime must score the ONNX file at exactly the
 * reported accuracy with outputs within 1e-4 of tfjs's, and the safetensors file must hold the
 * tfjs weights byte for byte in PyTorch layout.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizedImages, type MnistSplit } from '../src/core/data/mnist';
import type { PruneReport } from '../src/core/report';
import { loadMnistSplit } from '../src/node/mnist-files';
import { runPruneCommand } from '../src/node/prune-command';
import { initNodeBackend } from '../src/node/tf-node';
import {
  argmaxAccuracy,
  loadTfjsFiles,
  maxAbsDifference,
  parseSafetensors,
  runOnnx,
  safetensorsDifferences,
  tfjsDenseWeights,
  tfjsOutputs,
  torchStateDictBytes,
  type TfjsDense,
} from './helpers/exported-files';

let dir: string;
let test: MnistSplit;
let images: Float32Array;

beforeAll(async () => {
  await initNodeBackend('wasm');
  dir = await mkdtemp(path.join(tmpdir(), 'spasp-export-'));
  test = await loadMnistSplit('test');
  images = normalizedImages(test);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The tfjs model the CLI wrote with --out: its Dense weights, and with `predict` its outputs on the test images. */
async function loadTfjsOut(outDir: string, predict: boolean): Promise<{ outputs?: Float32Array; layers: TfjsDense[] }> {
  const modelJson = JSON.parse(await readFile(path.join(outDir, 'model.json'), 'utf8'));
  const model = await loadTfjsFiles(path.join(outDir, 'model.json'), path.join(outDir, modelJson.weightsManifest[0].paths[0]));
  const result = { layers: tfjsDenseWeights(model), ...(predict && { outputs: tfjsOutputs(model, images, test.count) }) };
  model.dispose();
  return result;
}

async function pruneAndExport(name: string, ...args: string[]) {
  const files = { onnx: path.join(dir, `${name}.onnx`), safetensors: path.join(dir, `${name}.safetensors`), report: path.join(dir, `${name}.json`), out: path.join(dir, name) };
  const stderr: string[] = [];
  const code = await runPruneCommand(
    [...args, '--onnx', files.onnx, '--safetensors', files.safetensors, '--report', files.report, '--out', files.out],
    { stdout: () => undefined, stderr: (line) => stderr.push(line) },
  );
  expect(stderr).toEqual([]);
  expect(code).toBe(0);
  const report = JSON.parse(await readFile(files.report, 'utf8')) as PruneReport;
  return { files, report };
}

describe('exported ONNX and safetensors files', () => {
  it('mlp-1024-sparse at keep 0.1: ONNX Runtime scores exactly the reported accuracy; safetensors holds the tfjs weights', async () => {
    const { files, report } = await pruneAndExport('sparse', '--model', 'public/models/mlp-1024-sparse/model.json', '--keep', '0.1');
    const run = await runOnnx(new Uint8Array(await readFile(files.onnx)), images, test.count);
    expect(run.inputNames).toEqual(['input']);
    expect(run.outputNames).toEqual(['logits']); // the shipped models end in a linear layer
    expect(argmaxAccuracy(run.outputs, 10, test.labels)).toBe(report.accuracy.pruned);
    const tfjs = await loadTfjsOut(files.out, true);
    const difference = maxAbsDifference(run.outputs, tfjs.outputs!);
    console.log(`mlp-1024-sparse keep 0.1: accuracy ${report.accuracy.pruned}, ONNX Runtime vs tfjs max abs difference ${difference.toExponential(2)}`);
    expect(difference).toBeLessThanOrEqual(1e-4);

    const safetensors = parseSafetensors(new Uint8Array(await readFile(files.safetensors)));
    expect(safetensors.tensors.map((t) => `${t.name}:${t.shape.join('x')}`)).toEqual(['0.weight:102x784', '0.bias:102', '2.weight:10x102', '2.bias:10']);
    expect(safetensorsDifferences(safetensors, torchStateDictBytes(tfjs.layers))).toEqual([]);
    expect(safetensors.metadata).toMatchObject({ method: 'ispasp', keep: '0.1', architecture: '784-102-10', output: 'logits' });
    expect(await readdir(dir)).not.toContainEqual(expect.stringMatching(/\.tmp$/));
  }, 120_000);

  it('mlp-512-256-sparse with refit: the delivered (refit) network, two hidden layers', async () => {
    const { files, report } = await pruneAndExport('deep', '--model', 'public/models/mlp-512-256-sparse/model.json', '--keep', '0.25,0.5', '--refit', '--samples', '500');
    const run = await runOnnx(new Uint8Array(await readFile(files.onnx)), images, test.count);
    expect(report.accuracy.refit).toBe(report.accuracy.pruned);
    expect(argmaxAccuracy(run.outputs, 10, test.labels)).toBe(report.accuracy.pruned);
    // Outputs against tfjs are compared above (a tfjs pass over 10,000 images costs ~20 s here); the weights suffice.
    const tfjs = await loadTfjsOut(files.out, false);
    const safetensors = parseSafetensors(new Uint8Array(await readFile(files.safetensors)));
    expect(safetensors.tensors.map((t) => `${t.name}:${t.shape.join('x')}`)).toEqual(['0.weight:128x784', '0.bias:128', '2.weight:128x128', '2.bias:128', '4.weight:10x128', '4.bias:10']);
    expect(safetensorsDifferences(safetensors, torchStateDictBytes(tfjs.layers))).toEqual([]);
    expect(safetensors.metadata).toMatchObject({ refit: 'true', keep: '[0.25,0.5]' });
  }, 120_000);
});
