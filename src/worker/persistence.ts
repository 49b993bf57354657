/** Where trained and imported networks live between visits: an interface, and its IndexedDB form via tfjs IO. */
import * as tf from '@tensorflow/tfjs';
import { loadMlpFromArtifacts, saveMlpToArtifacts, type ModelJson } from '../core/model/io';
import type { Mlp } from '../core/model/mlp';
import type { ModelEntry } from './types';

export interface ModelPersistence {
  list(): Promise<ModelEntry[]>;
  save(entry: ModelEntry, model: Mlp): Promise<void>;
  load(id: string): Promise<Mlp>;
  remove(id: string): Promise<void>;
}

export function memoryPersistence(): ModelPersistence {
  const store = new Map<string, { entry: ModelEntry; model: Mlp }>();
  return {
    async list() {
      return [...store.values()].map((item) => item.entry);
    },
    async save(entry, model) {
      store.set(entry.id, { entry, model });
    },
    async load(id) {
      const item = store.get(id);
      if (!item) throw new Error(`no saved model ${id}`);
      return item.model;
    },
    async remove(id) {
      store.delete(id);
    },
  };
}

const PREFIX = 'indexeddb://spasp-playground/';

function indexedDbHandler(url: string): tf.io.IOHandler {
  const [handler] = tf.io.getSaveHandlers(url);
  if (!handler) throw new Error('IndexedDB is not available here, so models cannot be kept between visits');
  return handler;
}

/** Saved with tfjs's own IndexedDB handler; the entry rides along as user-defined metadata. */
export function indexedDbPersistence(): ModelPersistence {
  return {
    async list() {
      const saved = await tf.io.listModels();
      const entries: ModelEntry[] = [];
      for (const url of Object.keys(saved).filter((key) => key.startsWith(PREFIX)).sort()) {
        const artifacts = await indexedDbHandler(url).load!();
        const entry = (artifacts.userDefinedMetadata as { entry?: ModelEntry } | undefined)?.entry;
        if (entry) entries.push(entry);
      }
      return entries;
    },
    async save(entry, model) {
      const { modelJson, weightData } = await saveMlpToArtifacts(model, { metadata: { entry } });
      const json = modelJson as ModelJson;
      await indexedDbHandler(`${PREFIX}${entry.id}`).save!({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData,
        format: 'layers-model',
        userDefinedMetadata: { entry } as unknown as Record<string, never>,
      });
    },
    async load(id) {
      const artifacts = await indexedDbHandler(`${PREFIX}${id}`).load!();
      return loadMlpFromArtifacts(
        { modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] },
        artifacts.weightData as ArrayBuffer,
      );
    },
    async remove(id) {
      await tf.io.removeModel(`${PREFIX}${id}`);
    },
  };
}
