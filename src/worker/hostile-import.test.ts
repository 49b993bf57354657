/**
 * The worker's import and saved-model list against hostile input (the browser suite,
 * e2e/hostile-import.spec.ts, runs the same cases through the page): one short line, no weight
 * byte read before the sizes are known to match, the open model still usable; saved records that
 * shadow a shipped model or cannot be listed are reported, not fatal.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseModel, modelCases, type BaseModel } from '../../test/hostile/model-cases';
import { randomMlp } from '../../test/helpers/random-mlp';
import { MAX_ERROR_LENGTH } from '../core/error-line';
import { saveMlpFiles } from '../node/model-files';
import { initNodeBackend } from '../node/tf-node';
import { createPlaygroundApi, type ImportFile, type PlaygroundApi } from './api';
import { memoryPersistence, type ModelPersistence } from './persistence';
import { checkSavedEntry } from './saved-entry';
import type { ModelEntry } from './types';

await initNodeBackend('wasm');
const base: BaseModel = await baseModel();
const cases = modelCases(base);

let site: string;
const request = { method: 'topk' as const, keep: 0.5, iterations: 5, samples: 100, seed: 0, refit: false, finetuneEpochs: 0, finetuneLearningRate: 0.001 };

function apiWith(persistence: ModelPersistence): PlaygroundApi {
  return createPlaygroundApi({
    fetchBytes: async (file) => new Uint8Array(await readFile(path.join(site, file))),
    activateBackend: async () => ({ name: 'wasm', adapter: null, reason: 'test', forced: false, label: 'WASM' }),
    persistence,
  });
}

/** Files as the page hands them over, counting how often their bytes are read. */
function tracked(files: readonly { name: string; bytes: Uint8Array }[]): { files: ImportFile[]; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    files: files.map((file) => ({
      name: file.name,
      size: file.bytes.byteLength,
      arrayBuffer: async () => {
        reads.push(file.name);
        return file.bytes.slice().buffer as ArrayBuffer;
      },
    })),
  };
}

beforeAll(async () => {
  site = await mkdtemp(path.join(tmpdir(), 'spasp-hostile-site-'));
  await mkdir(path.join(site, 'models'), { recursive: true });
  await symlink(path.resolve('public/data'), path.join(site, 'data'));
  await saveMlpFiles(randomMlp([784, 24, 10], 3), path.join(site, 'models', 'one'));
  const manifest = { models: [{ id: 'one', title: 'One', description: 'random', sizes: [784, 24, 10], path: 'one/model.json' }] };
  await writeFile(path.join(site, 'models', 'index.json'), JSON.stringify(manifest));
});

afterAll(async () => {
  await rm(site, { recursive: true, force: true });
});

describe('hostile imports in the worker', () => {
  let api: PlaygroundApi;
  beforeAll(async () => {
    api = apiWith(memoryPersistence());
    await api.init(null);
    await api.loadModel('one');
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, hostile) => {
    const { files, reads } = tracked([{ name: 'model.json', bytes: new TextEncoder().encode(hostile.modelJson) }, ...hostile.files]);
    const error = (await api.importModel(files).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('ModelFormatError');
    if (typeof hostile.expected === 'string') expect(error.message).toContain(hostile.expected);
    else expect(error.message).toMatch(hostile.expected);
    expect(error.message).not.toMatch(/\n/);
    expect(error.message.length).toBeLessThanOrEqual(MAX_ERROR_LENGTH);
    // Sizes before bytes: a refused import reads model.json at most, never a weight file.
    expect(reads.filter((name) => name !== 'model.json')).toEqual([]);
    expect((await api.listModels()).map((entry) => entry.id)).toEqual(['one']);
    expect((await api.prune(request)).layers[0].keptCount).toBe(12);
  });

  it('refuses an oversized model.json by its size, without reading it', async () => {
    const { files, reads } = tracked([{ name: 'model.json', bytes: new Uint8Array(8) }]);
    Object.defineProperty(files[0], 'size', { value: 600_000_000 });
    await expect(api.importModel(files)).rejects.toMatchObject({ name: 'ModelFormatError', message: expect.stringContaining('MAX_MODEL_JSON_BYTES') });
    expect(reads).toEqual([]);
  });

  it('a refused import leaves a model load in progress alone', async () => {
    const loading = api.loadModel('one');
    const { files } = tracked([{ name: 'model.json', bytes: new TextEncoder().encode(cases[0].modelJson) }, ...cases[0].files]);
    await expect(api.importModel(files)).rejects.toMatchObject({ name: 'ModelFormatError' });
    await expect(loading).resolves.toMatchObject({ id: 'one' });
  });

  it('imports the valid base model, reading each file once, and can be cancelled', async () => {
    const make = () => tracked([{ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(base.json)) }, { name: base.weightsName, bytes: base.weights }]);
    const cancelled = api.importModel(make().files);
    api.cancel();
    await expect(cancelled).rejects.toMatchObject({ name: 'CancelledError' });
    const { files, reads } = make();
    const summary = await api.importModel(files);
    expect(summary.sizes).toEqual([784, 16, 10]);
    expect(reads.sort()).toEqual(['base.weights.bin', 'model.json']);
  });
});

describe('saved models on start-up', () => {
  const entry = (id: string, extra: Partial<ModelEntry> = {}): ModelEntry => ({ id, title: id, description: '', sizes: [784, 8, 10], source: 'trained', ...extra });

  it('skips and reports a saved record that carries a shipped id; the others stay listed', async () => {
    const persistence = memoryPersistence();
    const mlp = randomMlp([784, 8, 10], 1);
    await persistence.save(entry('one', { title: 'Impostor' }), mlp);
    await persistence.save(entry('trained-abc'), mlp);
    const { models, skipped } = await apiWith(persistence).init(null);
    expect(models.map((model) => [model.id, model.title])).toEqual([['one', 'One'], ['trained-abc', 'trained-abc']]);
    expect(skipped).toEqual(['saved model one was skipped: a shipped model has its id']);
  });

  it('reports a saved list that cannot be read instead of hiding it, and still starts', async () => {
    const broken: ModelPersistence = { ...memoryPersistence(), list: () => Promise.reject(new Error('IndexedDB is broken\nsecond line')) };
    const { models, skipped } = await apiWith(broken).init(null);
    expect(models.map((model) => model.id)).toEqual(['one']);
    expect(skipped).toEqual(['saved models could not be read: IndexedDB is broken']);
  });

  it.each([
    ['an object title', { ...entry('trained-1'), title: { $$typeof: 'react.element' } }, 'its title is not text'],
    ['no entry at all', undefined, 'it has no model entry'],
    ['an id that differs from its key', entry('trained-2'), 'differs from the key'],
    ['an id with markup', entry('<img src=x>'), 'is not a saved model'],
    ['a shipped source', entry('trained-1', { source: 'shipped' }), 'neither trained nor imported'],
    ['layer sizes that are not numbers', entry('trained-1', { sizes: ['784', 8, 10] as unknown as number[] }), 'layer sizes'],
    ['a test accuracy of 2', entry('trained-1', { testAccuracy: 2 }), 'testAccuracy is not a fraction'],
  ])('skips a saved record with %s', (_name, raw, reason) => {
    expect(() => checkSavedEntry(raw, 'trained-1')).toThrow(reason);
  });

  it('copies a good record field by field, clipping a long title', () => {
    const raw = { ...entry('trained-1', { title: 't'.repeat(500), testAccuracy: 0.9 }), extra: 'dropped' };
    const checked = checkSavedEntry(raw, 'trained-1');
    expect(checked).toEqual({ ...entry('trained-1', { testAccuracy: 0.9 }), title: `${'t'.repeat(199)}…` });
  });
});
