import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialCnn } from '../core/cnn/train-cnn';
import { normalizedImages } from '../core/data/mnist';
import type { PruneReport } from '../core/report';
import { saveCnnFiles } from './cnn-files';
import { loadMnistSplit } from './mnist-files';
import { runPruneCapturing } from '../../test/helpers/run-prune';
import { initNodeBackend } from './tf-node';

let dir: string;
let cnnPath: string;

// 28x28x1 -> conv 3x3/2 same (14x14x4) -> max pool 2 (7x7x4) -> conv 3x3 valid (5x5x6) -> flatten (150) -> dense 8 -> dense 10.
const cnn = initialCnn(
  [
    { kind: 'conv', filters: 4, kernelSize: 3, strides: 2, padding: 'same' },
    { kind: 'maxpool', poolSize: 2 },
    { kind: 'conv', filters: 6, kernelSize: 3, strides: 1, padding: 'valid' },
    { kind: 'flatten' },
    { kind: 'dense', units: 8 },
  ],
  5,
);

beforeAll(async () => {
  await initNodeBackend('wasm');
  dir = await mkdtemp(path.join(tmpdir(), 'spasp-cnn-cli-'));
  cnnPath = (await saveCnnFiles(cnn, path.join(dir, 'cnn'), { name: 'cnn' })).modelJsonPath;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (...argv: string[]) => runPruneCapturing(argv);

/** Loads a model.json + its one weight file with plain tf.loadLayersModel and scores it on the test images. */
async function reloadedAccuracy(outDir: string): Promise<number> {
  const modelJson = JSON.parse(await readFile(path.join(outDir, 'model.json'), 'utf8'));
  const weights = await readFile(path.join(outDir, modelJson.weightsManifest[0].paths[0]));
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) }),
  );
  const test = await loadMnistSplit('test');
  const images = normalizedImages(test);
  let correct = 0;
  for (let start = 0; start < test.count; start += 1000) {
    const predicted = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(images.subarray(start * 784, (start + 1000) * 784), [1000, 28, 28, 1])) as tf.Tensor, 1).dataSync());
    predicted.forEach((p, i) => (correct += p === test.labels[start + i] ? 1 : 0));
  }
  model.dispose();
  return correct / test.count;
}

describe('prune CLI on a CNN', () => {
  it('prunes the shipped cnn-sparse to 25% of every layer; the written model reloads at the reported accuracy', async () => {
    const reportPath = path.join(dir, 'shipped.json');
    const outDir = path.join(dir, 'shipped');
    const { code, stderr } = await run('--model', 'public/models/cnn-sparse/model.json', '--keep', '0.25', '--report', reportPath, '--out', outDir);
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as PruneReport;
    expect(report.layers.map(({ kind, channels, keptCount }) => ({ kind, channels, keptCount }))).toEqual([
      { kind: 'conv', channels: 16, keptCount: 4 },
      { kind: 'conv', channels: 32, keptCount: 8 },
      { kind: 'dense', channels: 64, keptCount: 16 },
    ]);
    expect(await reloadedAccuracy(outDir)).toBe(report.accuracy.pruned);
  }, 300_000);

  it('prunes every hidden conv and Dense layer and writes a model tf.loadLayersModel reloads at the reported accuracy', async () => {
    const reportPath = path.join(dir, 'report.json');
    const outDir = path.join(dir, 'out');
    const { code, stdout, stderr } = await run('--model', cnnPath, '--keep', '0.5', '--samples', '200', '--refit', '--report', reportPath, '--out', outDir);
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    expect(stdout.join('\n')).toMatch(/layer 1 \(conv\) kept 2 \/ 4/);
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as PruneReport;
    expect(report.layers.map(({ kind, channels, keptCount }) => ({ kind, channels, keptCount }))).toEqual([
      { kind: 'conv', channels: 4, keptCount: 2 },
      { kind: 'conv', channels: 6, keptCount: 3 },
      { kind: 'dense', channels: 8, keptCount: 4 },
    ]);
    expect(report.architecture).toEqual({ dense: [784, 4, 6, 8, 10], pruned: [784, 2, 3, 4, 10] });
    // Hand counts: kernels and biases of conv 3x3x1x4, conv 3x3x4x6, dense 150x8, dense 8x10 and their halves.
    expect(report.params).toEqual({ dense: 40 + 222 + 1208 + 90, pruned: 20 + 57 + 304 + 50 });
    expect(report.layers.every((layer) => layer.refit && layer.refit.after <= layer.refit.before)).toBe(true);

    expect(await reloadedAccuracy(outDir)).toBe(report.accuracy.pruned);
  });

  it('fine-tunes for a fraction of an epoch, as the playground does: one pass over that share of the training images', async () => {
    const reportPath = path.join(dir, 'fraction.json');
    const { code, stdout, stderr } = await run('--model', cnnPath, '--keep', '0.5', '--samples', '200', '--finetune-epochs', '0.01', '--report', reportPath);
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    expect(stdout.join('\n')).toMatch(/finetune epoch 1\/1: loss/);
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as PruneReport;
    expect(report.accuracy.finetuned).toEqual(expect.any(Number));
  }, 120_000);

  it('rejects a keep list of the wrong length and fine-tuning for 1.5 epochs with one line', async () => {
    const wrong = await run('--model', cnnPath, '--keep', '0.5,0.5');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toEqual(['error: 2 keep ratios given for 3 hidden layers: give one, or one per hidden layer']);
    const fraction = await run('--model', cnnPath, '--keep', '0.5', '--samples', '50', '--finetune-epochs', '1.5');
    expect(fraction.code).toBe(2);
    expect(fraction.stderr).toEqual(['error: a convolutional network fine-tunes whole epochs or one fraction below 1, got 1.5: choose 0.5 or 2, say']);
  });
});
