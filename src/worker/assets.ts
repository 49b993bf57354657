/** Loading the app's static assets (MNIST files, shipped models) through an injected byte source. */
import { mnistSplitFromBytes, type MnistSplit } from '../core/data/mnist';
import { ModelFormatError } from '../core/errors';
import type { Cnn } from '../core/cnn/cnn';
import { loadCnnFromArtifacts } from '../core/cnn/cnn-io';
import { decodeModelJson, loadMlpFromFiles, weightShardPaths } from '../core/model/io';
import type { Mlp } from '../core/model/mlp';
import type { ModelEntry } from './types';

/** Reads a file of the built site by its path relative to the site root ('data/...', 'models/...'). */
export type FetchBytes = (path: string) => Promise<Uint8Array>;

export interface ShippedModelEntry extends ModelEntry {
  /** model.json, relative to models/. */
  readonly path: string;
}

export async function loadMnistAssets(fetchBytes: FetchBytes): Promise<{ train: MnistSplit; test: MnistSplit }> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    fetchBytes('data/train-images-idx3-ubyte.gz'),
    fetchBytes('data/train-labels-idx1-ubyte.gz'),
    fetchBytes('data/t10k-images-idx3-ubyte.gz'),
    fetchBytes('data/t10k-labels-idx1-ubyte.gz'),
  ]);
  const [train, test] = await Promise.all([
    mnistSplitFromBytes(trainImages, trainLabels, { imagesName: 'train images', labelsName: 'train labels' }),
    mnistSplitFromBytes(testImages, testLabels, { imagesName: 'test images', labelsName: 'test labels' }),
  ]);
  return { train, test };
}

export async function loadShippedManifest(fetchBytes: FetchBytes): Promise<ShippedModelEntry[]> {
  const text = new TextDecoder().decode(await fetchBytes('models/index.json'));
  let manifest: { models?: unknown };
  try {
    manifest = JSON.parse(text) as { models?: unknown };
  } catch {
    throw new ModelFormatError('models/index.json is not valid JSON: run npm run train-models');
  }
  if (!Array.isArray(manifest.models)) throw new ModelFormatError('models/index.json has no "models" list');
  const cnnModels = (manifest as { cnnModels?: unknown }).cnnModels ?? [];
  if (!Array.isArray(cnnModels)) throw new ModelFormatError('models/index.json has a "cnnModels" entry that is not a list');
  return [
    ...(manifest.models as ShippedModelEntry[]).map((entry) => ({ ...entry, kind: 'mlp' as const, source: 'shipped' as const })),
    ...(cnnModels as ShippedModelEntry[]).map((entry) => ({ ...entry, kind: 'cnn' as const, source: 'shipped' as const })),
  ];
}

/** A model.json of the site and the shards it lists, by their manifest paths. */
async function fetchModelFiles(fetchBytes: FetchBytes, modelJsonPath: string): Promise<{ modelJson: unknown; files: Map<string, Uint8Array> }> {
  const folder = modelJsonPath.includes('/') ? modelJsonPath.slice(0, modelJsonPath.lastIndexOf('/') + 1) : '';
  const modelJson = decodeModelJson(await fetchBytes(modelJsonPath), modelJsonPath);
  const files = new Map<string, Uint8Array>();
  for (const shard of weightShardPaths(modelJson)) files.set(shard, await fetchBytes(folder + shard));
  return { modelJson, files };
}

/** Loads a model.json and the shards it lists from a folder of the site. */
export async function loadMlpFromSite(fetchBytes: FetchBytes, modelJsonPath: string): Promise<Mlp> {
  const { modelJson, files } = await fetchModelFiles(fetchBytes, modelJsonPath);
  return loadMlpFromFiles(modelJson, files);
}

/** The same for a convolutional network (cnn-io.ts validates it as strictly as a file import). */
export async function loadCnnFromSite(fetchBytes: FetchBytes, modelJsonPath: string): Promise<Cnn> {
  const { modelJson, files } = await fetchModelFiles(fetchBytes, modelJsonPath);
  return loadCnnFromArtifacts(modelJson, [...files.values()]);
}
