/**
 * The worker API on the shipped convolutional network: listed and opened from the manifest's
 * `cnnModels`, pruned by channels exactly as the engine prunes it, scored first on the first
 * 1,000 test images and then on all of them, swept, exported in tfjs format (ONNX refused).
 * Expectations come from the engine run directly (pruneCnn, cnnAccuracy), not from stored figures,
 * so they hold for whatever weights public/models ships.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cnnAccuracy } from '../core/cnn/cnn-forward';
import { loadCnnFromArtifacts } from '../core/cnn/cnn-io';
import { pruneCnn } from '../core/cnn/prune-cnn';
import { normalizedImages } from '../core/data/mnist';
import { loadCnnFile } from '../node/cnn-files';
import { loadMnist } from '../node/mnist-files';
import { initNodeBackend } from '../node/tf-node';
import { cnnFeatureMaps } from '../core/cnn/feature-maps';
import { createPlaygroundApi, type PlaygroundApi } from './api';
import { memoryPersistence } from './persistence';

const CNN = 'cnn-sparse';
let api: PlaygroundApi;

beforeAll(async () => {
  await initNodeBackend('wasm');
  api = createPlaygroundApi({
    fetchBytes: async (file) => new Uint8Array(await readFile(path.join('public', file))),
    activateBackend: async () => ({ name: 'wasm', adapter: null, reason: 'test', forced: false, label: 'WASM' }),
    persistence: memoryPersistence(),
  });
  await api.init(null);
});

const request = { method: 'ispasp' as const, keep: 0.25, iterations: 20, samples: 300, seed: 0, refit: false, finetuneEpochs: 0, finetuneLearningRate: 0.001 };

describe('playground worker api, convolutional network', () => {
  it('lists the shipped CNNs and opens one with its layers, kinds and dense accuracy', { timeout: 60_000 }, async () => {
    const models = await api.listModels();
    expect(models.filter((entry) => entry.kind === 'cnn').map((entry) => entry.id)).toEqual(expect.arrayContaining(['cnn-sparse', 'cnn']));
    const summary = await api.loadModel(CNN);
    const dense = await loadCnnFile(`public/models/${CNN}/model.json`);
    const { test } = await loadMnist();
    expect(summary.kind).toBe('cnn');
    expect(summary.hiddenKinds).toEqual(['conv', 'conv', 'dense']);
    expect(summary.sizes).toEqual([784, 16, 32, 64, 10]);
    expect(summary.denseAccuracy).toBe(await cnnAccuracy(dense, normalizedImages(test), test.labels));
    await expect(api.neurons(300)).rejects.toThrow(/channels, not neurons/);
  });

  it('prunes channels as the engine does, scores the first 1,000 test images, then all of them', { timeout: 120_000 }, async () => {
    await api.loadModel(CNN);
    const before = (await api.memory()).numTensors;
    const view = await api.prune({ ...request, refit: true });
    const dense = await loadCnnFile(`public/models/${CNN}/model.json`);
    const { train, test } = await loadMnist();
    const outcome = await pruneCnn(dense, normalizedImages(train, 300), { ...request, refit: true });
    expect(view.layers.map((layer) => layer.kept)).toEqual(outcome.layers.map((layer) => layer.kept));
    expect(view.layers.map((layer) => [layer.units, layer.keptCount])).toEqual([[16, 4], [32, 8], [64, 16]]);
    expect(view.layers[0].iterations).toHaveLength(20);
    expect(view.layers[0].importance).toHaveLength(16);
    const images = normalizedImages(test);
    expect(view.accuracy.subset).toEqual({ images: 1000, of: 10000 });
    expect(view.accuracy.raw).toBe(await cnnAccuracy(outcome.selectedModel, images.subarray(0, 1000 * 784), test.labels.subarray(0, 1000)));
    const full = await api.completeAccuracy(view.serial);
    expect(full?.accuracy.subset).toBeUndefined();
    expect(full?.accuracy.raw).toBe(await cnnAccuracy(outcome.selectedModel, images, test.labels));
    expect(full?.accuracy.refit).toBe(await cnnAccuracy(outcome.model, images, test.labels));
    expect(full?.report.accuracy.pruned).toBe(full?.accuracy.refit);
    expect(full?.report.layers.map((layer) => layer.kind)).toEqual(['conv', 'conv', 'dense']);
    // A second prune at another ratio reuses the cached first-layer problem and leaks nothing.
    await api.prune({ ...request, keep: 0.5 });
    expect(await api.completeAccuracy(view.serial)).toBeNull();
    // Back at 25%: every stage's activations and problem come from the caches, and nothing differs.
    const again = await api.prune({ ...request, refit: true });
    expect(again.layers.map((layer) => [layer.kept, layer.relativeResidual, layer.residuals])).toEqual(view.layers.map((layer) => [layer.kept, layer.relativeResidual, layer.residuals]));
    expect(again.accuracy).toEqual(view.accuracy);
    expect((await api.memory()).numTensors).toBe(before);
  });

  it('exports the delivered network as a tfjs model that scores the accuracy shown; ONNX is refused in words', { timeout: 120_000 }, async () => {
    await api.loadModel(CNN);
    const view = await api.prune({ ...request, method: 'topk', keep: [0.5, 0.5, 0.25] });
    const files = await api.exportPruned();
    expect(files.baseName).toBe('cnn-sparse-topk-keep50-50-25-T20-n300-seed0');
    const exported = await loadCnnFromArtifacts(JSON.parse(files.modelJson), files.weights);
    const { test } = await loadMnist();
    const full = await api.completeAccuracy(view.serial);
    expect(await cnnAccuracy(exported, normalizedImages(test), test.labels)).toBe(full?.accuracy.delivered);
    expect(JSON.parse(files.reportJson).accuracy.pruned).toBe(full?.accuracy.delivered);
    await expect(api.exportNetworkAs('onnx')).rejects.toThrow(/ONNX export covers Dense networks only/);
  });

  it('sweeps every method on the first 1,000 test images, each point what a prune at that ratio scores', { timeout: 120_000 }, async () => {
    await api.loadModel(CNN);
    const points = await api.sweep({ methods: ['ispasp', 'gfs', 'random'], keeps: [0.5, 0.25], iterations: 20, samples: 300, seed: 0, refit: false }, () => undefined);
    expect(points.map((point) => `${point.method}@${point.keep}`)).toEqual(['ispasp@0.5', 'gfs@0.5', 'random@0.5', 'ispasp@0.25', 'gfs@0.25', 'random@0.25']);
    expect(points.every((point) => point.subset?.images === 1000)).toBe(true);
    const gfs = await api.prune({ ...request, method: 'gfs', keep: 0.25 });
    expect(points.find((point) => point.method === 'gfs' && point.keep === 0.25)!.raw).toBe(gfs.accuracy.raw);
    expect(gfs.layers[0].additions?.order).toHaveLength(4);
  });

  it('imports a convolutional model.json with its weights for the visit; a missing weight file is refused in one line', { timeout: 60_000 }, async () => {
    const folder = `public/models/${CNN}`;
    const json = await readFile(path.join(folder, 'model.json'));
    const shard = JSON.parse(json.toString()).weightsManifest[0].paths[0] as string;
    const bytes = await readFile(path.join(folder, shard));
    const asBuffer = (data: Buffer) => data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    await expect(api.importModel([{ name: 'model.json', bytes: asBuffer(json) }])).rejects.toThrow(`weight file ${shard} listed in model.json was not provided`);
    const summary = await api.importModel([
      { name: 'model.json', bytes: asBuffer(json) },
      { name: shard, bytes: asBuffer(bytes) },
    ]);
    expect(summary).toMatchObject({ kind: 'cnn', source: 'imported', hiddenKinds: ['conv', 'conv', 'dense'], sizes: [784, 16, 32, 64, 10] });
    expect(summary.notSaved).toMatch(/for this visit only/);
    const view = await api.prune(request);
    expect(view.layers.map((layer) => layer.keptCount)).toEqual([4, 8, 16]);
  });

  it('hands over to a Dense network and back: prunes, views and exports follow the open model', { timeout: 60_000 }, async () => {
    await api.loadModel(CNN);
    await api.prune(request);
    const dense = await api.loadModel('mlp-32-sparse');
    expect(dense).toMatchObject({ kind: 'mlp', hiddenKinds: ['dense'] });
    const view = await api.prune(request);
    expect(view.accuracy.subset).toBeUndefined();
    expect((await api.neurons(300)).units).toBe(32);
    expect((await api.exportNetworkAs('onnx')).fileName).toMatch(/\.onnx$/);
    await api.loadModel(CNN);
    expect((await api.prune(request)).layers.map((layer) => layer.keptCount)).toEqual([4, 8, 16]);
  });

  it('fine-tunes a pruned CNN for a fraction of an epoch and scores it on all test images; 1.5 epochs are refused in words', { timeout: 120_000 }, async () => {
    await api.loadModel(CNN);
    const view = await api.prune({ ...request, keep: 0.5, finetuneEpochs: 0.01 });
    expect(view.accuracy.deliveredKind).toBe('finetuned');
    expect(view.accuracy.subset).toBeUndefined();
    expect(view.accuracy.delivered).toBe(view.accuracy.finetuned);
    expect(view.timingsMs.finetune).toBeGreaterThan(0);
    await expect(api.prune({ ...request, finetuneEpochs: 1.5 })).rejects.toThrow(/whole epochs or one fraction below 1/);
  });

  it('predicts a digit with the dense and the pruned network', { timeout: 60_000 }, async () => {
    await api.loadModel(CNN);
    await api.prune(request);
    const image = await api.testImage(0);
    const prediction = await api.predict(image.pixels);
    expect(prediction.dense).toHaveLength(10);
    expect(prediction.dense.indexOf(Math.max(...prediction.dense))).toBe(image.label);
    expect(prediction.pruned.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const profile = await api.sparsity(300);
    expect(profile.zeroFraction).toBeGreaterThan(0);
  });

  it('offers the first test image of each class and computes its feature maps: dense, kept slices, or the delivered refit network', { timeout: 120_000 }, async () => {
    await api.loadModel(CNN);
    const { test } = await loadMnist();
    const images = normalizedImages(test);
    const digits = await api.channelDigits();
    expect(digits.map((digit) => digit.label)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const digit of digits) {
      expect(test.labels[digit.index]).toBe(digit.label);
      expect(test.labels.slice(0, digit.index).includes(digit.label)).toBe(false);
      expect(digit.pixels).toEqual(images.slice(digit.index * 784, (digit.index + 1) * 784));
    }
    const dense = await loadCnnFile(`public/models/${CNN}/model.json`);
    const image = digits[3].pixels;
    const before = (await api.memory()).numTensors;

    // Before any prune: the dense network's maps, no pruned ones; the cached copy answers the same twice.
    const unpruned = await api.channelMaps({ digit: { kind: 'test', index: digits[3].index }, kept: null });
    const expected = await cnnFeatureMaps(dense, image);
    expect(unpruned.layers.map((layer) => [layer.dense.channels, layer.pruned])).toEqual([[16, null], [32, null]]);
    expect(unpruned.layers[1].dense.values).toEqual(expected.layers[1].values);
    const again = await api.channelMaps({ digit: { kind: 'test', index: digits[3].index }, kept: null });
    expect(again.layers[1].dense.sums).toEqual(expected.layers[1].sums);

    // After a refit prune: its serial selects the delivered network, whose kept maps differ from the dense slices' in layer 2 only.
    const view = await api.prune({ ...request, refit: true });
    const kept = view.layers.map((layer) => layer.kept);
    const importance = view.layers.map((layer) => layer.importance ?? null);
    const delivered = await api.channelMaps({ digit: { kind: 'pixels', pixels: image }, kept, importance, serial: view.serial });
    const sliced = await api.channelMaps({ digit: { kind: 'pixels', pixels: image }, kept, importance });
    const slicedExpected = await cnnFeatureMaps(dense, image, kept);
    expect(sliced.layers[1].pruned!.values).toEqual(slicedExpected.layers[1].values);
    expect(delivered.layers[0].pruned!.values).toEqual(sliced.layers[0].pruned!.values);
    expect(delivered.layers[1].pruned!.values).not.toEqual(sliced.layers[1].pruned!.values);
    expect(delivered.layers.map((layer) => layer.pruned!.kept.filter(Boolean).length)).toEqual([4, 8]);
    expect(Array.from(delivered.layers[0].importance!)).toEqual(view.layers[0].importance);
    expect((await api.memory()).numTensors).toBe(before);

    await expect(api.channelMaps({ digit: { kind: 'test', index: test.count }, kept: null })).rejects.toThrow(/test image 10000 does not exist/);
  });

  it('lets the latest feature-map request win: an older one still queued ends cancelled', { timeout: 60_000 }, async () => {
    await api.loadModel(CNN);
    const first = api.channelMaps({ digit: { kind: 'test', index: 0 }, kept: null });
    const second = api.channelMaps({ digit: { kind: 'test', index: 1 }, kept: null });
    await expect(first).rejects.toThrow(/superseded by newer feature maps/);
    expect((await second).layers).toHaveLength(2);
  });
});
