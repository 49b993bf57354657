/**
 * The networks in public/models/ (written by `npm run train-models`): each loads, scores on the
 * 10,000 MNIST test images what public/models/index.json says, and the default one meets the
 * figures the playground promises.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizedImages, type MnistSplit } from '../src/core/data/mnist';
import { accuracy } from '../src/core/metrics';
import { layerSizes } from '../src/core/model/mlp';
import { hiddenZeroFractions } from '../src/core/train/hidden-sparsity';
import { loadMnistSplit } from '../src/node/mnist-files';
import { loadMlpFileWithMetadata } from '../src/node/model-files';
import { initNodeBackend } from '../src/node/tf-node';

const MODELS_DIR = path.resolve('public/models');
const MAX_BYTES = 12 * 1024 * 1024;

interface Entry {
  id: string;
  title: string;
  description: string;
  sizes: number[];
  path: string;
  testAccuracy: number;
  hiddenZeroFraction: number;
  hiddenZeroFractionPerLayer?: number[];
  training: Record<string, unknown>;
}

let entries: Entry[];
let test: MnistSplit;
let testImages: Float32Array;

beforeAll(async () => {
  await initNodeBackend('wasm');
  const manifest = JSON.parse(await readFile(path.join(MODELS_DIR, 'index.json'), 'utf8')) as { models: Entry[] };
  entries = manifest.models;
  test = await loadMnistSplit('test');
  testImages = normalizedImages(test);
});

describe('shipped models', () => {
  it('index.json lists the required models, the default first, each with the fields the app reads', () => {
    expect(Array.isArray(entries)).toBe(true);
    expect(entries[0].id).toBe('mlp-1024-sparse');
    const ids = entries.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ['mlp-1024-sparse', 'mlp-1024', 'mlp-512-256-sparse']) expect(ids).toContain(id);
    for (const entry of entries) {
      for (const key of ['id', 'title', 'description', 'path'] as const) {
        expect(typeof entry[key], `${entry.id}.${key}`).toBe('string');
        expect(entry[key].length, `${entry.id}.${key}`).toBeGreaterThan(0);
      }
      expect(entry.description, `${entry.id}: one-line description`).not.toMatch(/\n/);
      expect(entry.path).toBe(`${entry.id}/model.json`);
      expect(entry.sizes[0]).toBe(784);
      expect(entry.sizes.at(-1)).toBe(10);
      expect(typeof entry.training).toBe('object');
      for (const key of ['hiddenWidths', 'epochs', 'batchSize', 'learningRate', 'optimizer', 'activationL1', 'seed']) {
        expect(entry.training, `${entry.id}.training.${key}`).toHaveProperty(key);
      }
    }
    const byId = Object.fromEntries(entries.map((entry) => [entry.id, entry]));
    expect(byId['mlp-1024-sparse'].sizes).toEqual([784, 1024, 10]);
    expect(byId['mlp-1024-sparse'].training.activationL1).toBeGreaterThan(0);
    expect(byId['mlp-1024'].sizes).toEqual([784, 1024, 10]);
    expect(byId['mlp-1024'].training.activationL1).toBe(0);
    expect(byId['mlp-512-256-sparse'].sizes).toEqual([784, 512, 256, 10]);
    expect(byId['mlp-512-256-sparse'].training.activationL1).toBeGreaterThan(0);
  });

  it('all shipped files together take at most 12 MB', async () => {
    let total = (await stat(path.join(MODELS_DIR, 'index.json'))).size;
    for (const entry of entries) {
      const modelJsonPath = path.join(MODELS_DIR, entry.path);
      const modelJson = JSON.parse(await readFile(modelJsonPath, 'utf8')) as { weightsManifest: { paths: string[] }[] };
      total += (await stat(modelJsonPath)).size;
      for (const shard of modelJson.weightsManifest.flatMap((group) => group.paths)) {
        total += (await stat(path.join(path.dirname(modelJsonPath), shard))).size;
      }
    }
    expect(total).toBeLessThanOrEqual(MAX_BYTES);
  });

  it.each(['mlp-1024-sparse', 'mlp-1024', 'mlp-512-256-sparse'])(
    '%s loads and scores on the test set what the manifest says',
    async (id) => {
      const entry = entries.find((candidate) => candidate.id === id)!;
      const { mlp } = await loadMlpFileWithMetadata(path.join(MODELS_DIR, entry.path));
      expect(layerSizes(mlp)).toEqual(entry.sizes);
      const measured = accuracy(mlp, testImages, test.labels);
      const zeros = hiddenZeroFractions(mlp, testImages, test.count);
      expect(Math.abs(measured - entry.testAccuracy)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(zeros.overall - entry.hiddenZeroFraction)).toBeLessThanOrEqual(1e-6);
      if (entry.hiddenZeroFractionPerLayer) {
        zeros.perLayer.forEach((value, l) => expect(Math.abs(value - entry.hiddenZeroFractionPerLayer![l])).toBeLessThanOrEqual(1e-6));
      }
      if (id === 'mlp-1024-sparse') {
        expect(measured).toBeGreaterThanOrEqual(0.975);
        expect(zeros.overall).toBeGreaterThanOrEqual(0.85);
      } else {
        expect(measured).toBeGreaterThanOrEqual(0.97);
      }
    },
  );
});
