import * as tf from '@tensorflow/tfjs';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argmaxAccuracy, parseSafetensors, runOnnx } from '../../test/helpers/exported-files';
import { randomMlp } from '../../test/helpers/random-mlp';
import { normalizedImages } from '../core/data/mnist';
import { accuracy } from '../core/metrics';
import { pruneNetwork } from '../core/pruning/prune-network';
import { loadMnist } from '../node/mnist-files';
import { saveMlpFiles } from '../node/model-files';
import { initNodeBackend } from '../node/tf-node';
import { createPlaygroundApi, type PlaygroundApi } from './api';
import { memoryPersistence } from './persistence';
import type { JobStatus } from './types';
import type { PruneMethod } from '../core/pruning/methods';

let site: string;
let api: PlaygroundApi;
const oneHidden = randomMlp([784, 48, 10], 21);
const twoHidden = randomMlp([784, 32, 16, 10], 22);

beforeAll(async () => {
  await initNodeBackend('wasm');
  site = await mkdtemp(path.join(tmpdir(), 'spasp-site-'));
  await mkdir(path.join(site, 'models'), { recursive: true });
  await symlink(path.resolve('public/data'), path.join(site, 'data'));
  await saveMlpFiles(oneHidden, path.join(site, 'models', 'one'));
  await saveMlpFiles(twoHidden, path.join(site, 'models', 'two'));
  const manifest = {
    models: [
      { id: 'one', title: 'One hidden layer', description: 'random', sizes: [784, 48, 10], path: 'one/model.json' },
      { id: 'two', title: 'Two hidden layers', description: 'random', sizes: [784, 32, 16, 10], path: 'two/model.json' },
    ],
  };
  await (await import('node:fs/promises')).writeFile(path.join(site, 'models', 'index.json'), JSON.stringify(manifest));
  api = createPlaygroundApi({
    fetchBytes: async (file) => new Uint8Array(await readFile(path.join(site, file))),
    activateBackend: async () => ({ name: 'wasm', adapter: null, reason: 'test', forced: false, label: 'WASM' }),
    persistence: memoryPersistence(),
  });
});

afterAll(async () => {
  await rm(site, { recursive: true, force: true });
});

const request = { method: 'ispasp' as const, keep: 0.25, iterations: 20, samples: 500, seed: 0, refit: false, finetuneEpochs: 0, finetuneLearningRate: 0.001 };

describe('playground worker api', () => {
  it('starts, lists the shipped models and loads one with its dense accuracy', async () => {
    const { backend, models } = await api.init(null);
    expect(backend.name).toBe('wasm');
    expect(models.map((m) => m.id)).toEqual(['one', 'two']);
    const summary = await api.loadModel('one');
    const { test } = await loadMnist();
    expect(summary.denseAccuracy).toBe(await accuracy(oneHidden, normalizedImages(test), test.labels));
    expect(summary.params).toBe(784 * 48 + 48 + 48 * 10 + 10);
  });

  it('prunes with cached activations and reports the same accuracy as a full forward pass', async () => {
    await api.loadModel('two');
    const view = await api.prune({ ...request, refit: true });
    const { train, test } = await loadMnist();
    const outcome = pruneNetwork(twoHidden, normalizedImages(train, 500), { ...request, refit: true });
    expect(view.layers.map((l) => l.kept)).toEqual(outcome.layers.map((l) => l.kept));
    const images = normalizedImages(test);
    expect(view.accuracy.raw).toBe(await accuracy(outcome.selectedModel, images, test.labels));
    expect(view.accuracy.refit).toBe(await accuracy(outcome.model, images, test.labels));
    expect(view.report.accuracy.pruned).toBe(view.accuracy.refit);
    expect(view.layers[0].iterations).toHaveLength(20);
  });

  it('lets the latest prune win: queued older requests are superseded', async () => {
    await api.loadModel('one');
    const settled = await Promise.allSettled([0.1, 0.2, 0.3].map((keep) => api.prune({ ...request, keep })));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((settled[0] as PromiseRejectedResult).reason.name).toBe('CancelledError');
    expect((settled[2] as PromiseFulfilledResult<{ layers: { keptCount: number }[] }>).value.layers[0].keptCount).toBe(14);
  });

  it('leaves the tensor count unchanged over 50 prunes', async () => {
    await api.loadModel('one');
    await api.prune(request);
    const before = (await api.memory()).numTensors;
    for (let step = 1; step <= 50; step++) await api.prune({ ...request, keep: step / 50, method: step % 2 ? 'ispasp' : 'topk' });
    expect((await api.memory()).numTensors).toBe(before);
  });

  it('sweeps every method and ratio, others in the order asked, the greedy run by growing kept count; GFS prefixes equal a direct GFS prune', async () => {
    await api.loadModel('one');
    const seen: string[] = [];
    const before = (await api.memory()).numTensors;
    const held: number[] = [];
    const points = await api.sweep(
      { methods: ['ispasp', 'topk', 'gfs'], keeps: [0.5, 0.1], iterations: 20, samples: 500, seed: 0, refit: false },
      (point) => {
        seen.push(`${point.method}@${point.keep}`);
        void api.memory().then((memory) => {
          held.push(memory.sweepTensors);
          expect(memory.numTensors - memory.sweepTensors).toBe(before);
        });
      },
    );
    expect(seen.filter((label) => !label.startsWith('gfs'))).toEqual(['ispasp@0.5', 'topk@0.5', 'ispasp@0.1', 'topk@0.1']);
    expect(seen.filter((label) => label.startsWith('gfs'))).toEqual(['gfs@0.1', 'gfs@0.5']);
    // The greedy run works on typed arrays: the sweep holds no tensors between its steps.
    expect(held.length).toBeGreaterThan(0);
    expect(Math.max(...held)).toBe(0);
    expect(await api.memory()).toMatchObject({ numTensors: before, sweepTensors: 0 });
    const gfs = await api.prune({ ...request, method: 'gfs', keep: 0.1 });
    expect(points.find((p) => p.method === 'gfs' && p.keep === 0.1)!.raw).toBe(gfs.accuracy.raw);
    const greedyMs = points.filter((p) => p.method === 'gfs').map((p) => p.pruneMs);
    expect(greedyMs[1]).toBeGreaterThan(greedyMs[0]);
  });

  it('keeps a sweep from starting a step while a prune is in flight, and waits for a quiet slider', async () => {
    await api.loadModel('one');
    await api.prune(request);
    const pointTimes: number[] = [];
    const sweeping = api.sweep({ methods: ['ispasp', 'topk'], keeps: [0.3, 0.2], iterations: 20, samples: 500, seed: 0, refit: false }, () => pointTimes.push(performance.now()));
    await api.prune({ ...request, keep: 0.4 });
    const prunedAt = performance.now();
    expect(pointTimes).toHaveLength(0);
    await sweeping;
    expect(pointTimes).toHaveLength(4);
    expect(pointTimes[0]).toBeGreaterThan(prunedAt);
  });

  it('stops a sweep step as soon as the page flags a prune on its way, and redoes it after that prune', async () => {
    await api.loadModel('one');
    await api.prune(request);
    const sweepRequest = { methods: ['ispasp', 'topk', 'gfs'] as const, keeps: [0.3, 0.2], iterations: 20, samples: 500, seed: 0, refit: false };
    const uninterrupted = await api.sweep({ ...sweepRequest, methods: [...sweepRequest.methods] }, () => undefined);
    const flag = new Int32Array(new SharedArrayBuffer(4));
    api.sharePruneFlag(flag.buffer as SharedArrayBuffer);
    try {
      // The page sets the flag when it sends a prune; here the prune comes 400 ms later, long after
      // the sweep's quiet period: every step it starts meanwhile must give way at once.
      Atomics.store(flag, 0, 1);
      const pointTimes: number[] = [];
      const sweeping = api.sweep({ ...sweepRequest, methods: [...sweepRequest.methods] }, () => pointTimes.push(performance.now()));
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(pointTimes).toHaveLength(0);
      await api.prune({ ...request, keep: 0.4 });
      expect(Atomics.load(flag, 0)).toBe(0);
      const points = await sweeping;
      const strip = (list: typeof points) => list.map(({ method, keep, raw }) => ({ method, keep, raw })).sort((x, y) => `${x.method}${x.keep}`.localeCompare(`${y.method}${y.keep}`));
      expect(strip(points)).toEqual(strip(uninterrupted));
    } finally {
      api.sharePruneFlag(new SharedArrayBuffer(4));
    }
  });

  it('reports the phases of a model load and of a prune', async () => {
    const loadPhases: string[] = [];
    const fractions: number[] = [];
    await api.loadModel('two', (progress) => {
      loadPhases.push(progress.phase);
      if (progress.phase === 'test-cache') fractions.push(progress.fraction!);
    });
    expect([...new Set(loadPhases)]).toEqual(['download', 'test-cache']);
    expect(fractions.at(-1)).toBe(1);
    fractions.forEach((fraction, k) => k > 0 && expect(fraction).toBeGreaterThanOrEqual(fractions[k - 1]));
    const prunePhases: string[] = [];
    await api.prune({ ...request, samples: 300 }, undefined, (progress) => prunePhases.push(progress.phase));
    expect(prunePhases).toEqual(['calibration', 'prune', 'evaluate']);
    prunePhases.length = 0;
    await api.prune({ ...request, samples: 300, keep: 0.5 }, undefined, (progress) => prunePhases.push(progress.phase));
    expect(prunePhases).toEqual(['prune', 'evaluate']);
  });

  it('lets the latest model load win: an older one still loading rejects, the newer one is opened', async () => {
    const [older, newer] = await Promise.allSettled([api.loadModel('two'), api.loadModel('one')]);
    expect(older.status).toBe('rejected');
    expect((older as PromiseRejectedResult).reason.name).toBe('CancelledError');
    expect((newer as PromiseFulfilledResult<{ id: string }>).value.id).toBe('one');
    const view = await api.prune(request);
    expect(view.layers[0].units).toBe(48);
  });

  it('a fine-tune during a sweep: the sweep says it is paused, resumes, and both finish', async () => {
    await api.loadModel('one');
    await api.prune(request);
    const seen: JobStatus[][] = [];
    api.watchJobs((jobs) => seen.push(jobs));
    const sweepRequest = { methods: ['ispasp', 'topk'] as PruneMethod[], keeps: [0.5, 0.3, 0.2, 0.1], iterations: 20, samples: 500, seed: 0, refit: false };
    const pointLog: number[] = [];
    const sweeping = api.sweep(sweepRequest, () => pointLog.push(performance.now()));
    // The sweep starts after the slider's quiet period; the fine-tune comes while it waits.
    const tuned = await api.prune({ ...request, finetuneEpochs: 0.02 });
    const tunedAt = performance.now();
    const points = await sweeping;
    expect(points).toHaveLength(8);
    expect(pointLog.every((time) => time > tunedAt)).toBe(true);
    expect(tuned.accuracy.finetuned).toBeGreaterThan(0);
    expect(tuned.report).toMatchObject({ finetuneEpochs: 0.02, finetuneLearningRate: 0.001 });
    expect(tuned.report.timingsMs.finetune).toBeGreaterThan(0);
    expect(tuned.accuracy.delivered).toBe(tuned.accuracy.finetuned);
    const sweepStates = seen.map((jobs) => jobs.find((job) => job.lane === 'sweep')).filter((job) => job !== undefined);
    const paused = sweepStates.find((job) => job.state === 'paused');
    expect(paused?.reason).toMatch(/paused while fine-tuning runs; it resumes after/);
    expect(sweepStates.at(-1)?.state).toBe('done');
    expect(seen.at(-1)!.find((job) => job.lane === 'finetune')?.state).toBe('done');
  });

  it('cancels a sweep', async () => {
    await api.loadModel('one');
    const running = api.sweep({ methods: ['ispasp', 'topk'], keeps: [0.9, 0.8, 0.7, 0.6, 0.5], iterations: 20, samples: 500, seed: 0, refit: false }, () => api.cancel());
    await expect(running).rejects.toMatchObject({ name: 'CancelledError' });
  });

  it('exports a pruned model that tfjs loads and that scores the shown accuracy', async () => {
    await api.loadModel('one');
    const view = await api.prune({ ...request, keep: 0.5 });
    const files = await api.exportPruned();
    expect(files.baseName).toBe('one-ispasp-keep50-T20-n500-seed0');
    const modelJson = JSON.parse(files.modelJson);
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: files.weights }));
    const { test } = await loadMnist();
    const predicted = tf.tidy(() => (model.predict(tf.tensor2d(normalizedImages(test), [test.count, 784])) as tf.Tensor).argMax(1).dataSync());
    let correct = 0;
    predicted.forEach((p, i) => (correct += p === test.labels[i] ? 1 : 0));
    expect(correct / test.count).toBe(view.accuracy.raw);
    expect(JSON.parse(files.reportJson).layers[0].kept).toEqual(view.layers[0].kept);
    model.dispose();
  });

  it('exports the delivered (refit) network as ONNX that ONNX Runtime scores at the shown accuracy, and as safetensors', async () => {
    await api.loadModel('two');
    await expect(api.exportNetworkAs('onnx')).rejects.toThrow(/prune the model first/);
    const view = await api.prune({ ...request, keep: 0.5, refit: true });
    const onnxFile = await api.exportNetworkAs('onnx');
    expect(onnxFile.fileName).toBe('two-ispasp-keep50-T20-n500-seed0-refit.onnx');
    const { test } = await loadMnist();
    const run = await runOnnx(new Uint8Array(onnxFile.bytes), normalizedImages(test), test.count);
    expect(view.accuracy.refit).toBe(view.report.accuracy.pruned);
    expect(argmaxAccuracy(run.outputs, 10, test.labels)).toBe(view.accuracy.refit);
    const safetensorsFile = await api.exportNetworkAs('safetensors');
    expect(safetensorsFile.fileName).toBe('two-ispasp-keep50-T20-n500-seed0-refit.safetensors');
    const parsed = parseSafetensors(new Uint8Array(safetensorsFile.bytes));
    expect(parsed.tensors.map((t) => `${t.name}:${t.shape.join('x')}`)).toEqual(['0.weight:16x784', '0.bias:16', '2.weight:8x16', '2.bias:8', '4.weight:10x8', '4.bias:10']);
    expect(parsed.metadata).toMatchObject({ source_model: view.report.model, refit: 'true', kept: JSON.stringify(view.layers.map((l) => l.kept)) });
  });

  it('rejects a bad import with a clear error and keeps the current model working', async () => {
    await api.loadModel('one');
    const bad = [{ name: 'model.json', bytes: new TextEncoder().encode('{"modelTopology": {}, "weightsManifest": []').buffer as ArrayBuffer }];
    await expect(api.importModel(bad)).rejects.toMatchObject({ name: 'ModelFormatError' });
    const view = await api.prune(request);
    expect(view.layers[0].keptCount).toBe(12);
  });

  it('predicts probabilities from the dense and the pruned network', async () => {
    await api.loadModel('one');
    await api.prune(request);
    const { test } = await loadMnist();
    const prediction = await api.predict(normalizedImages(test, 1));
    for (const probabilities of [prediction.dense, prediction.pruned]) {
      expect(probabilities).toHaveLength(10);
      expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });

  it('reports neurons and sparsity for the grid and the chart', async () => {
    await api.loadModel('one');
    const atlas = await api.neurons(500);
    expect(atlas.units).toBe(48);
    expect(atlas.weights).toHaveLength(48 * 784);
    expect(Math.max(...atlas.weights.map(Math.abs))).toBeCloseTo(1, 6);
    const profile = await api.sparsity(500);
    expect(profile.zeroFraction).toBeGreaterThan(0);
    expect(profile.zeroFraction).toBeLessThan(1);
    for (let k = 1; k < profile.magnitude.length; k++) expect(profile.magnitude[k]).toBeLessThanOrEqual(profile.magnitude[k - 1]);
  });
});
