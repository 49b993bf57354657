/** Where trained and imported networks live between visits: an interface, and its IndexedDB form via tfjs IO. */
import * as tf from '@tensorflow/tfjs';
import { loadMlpFromArtifacts, saveMlpToArtifacts, type ModelJson } from '../core/model/io';
import type { Mlp } from '../core/model/mlp';
import { oneLine, shown } from '../core/error-line';
import { checkSavedEntry } from './saved-entry';
import type { ModelEntry } from './types';

/** The saved models that could be read, and one line for each record that could not. */
export interface SavedModels {
  readonly entries: ModelEntry[];
  readonly skipped: string[];
}

export interface ModelPersistence {
  list(): Promise<SavedModels>;
  save(entry: ModelEntry, model: Mlp): Promise<void>;
  load(id: string): Promise<Mlp>;
  remove(id: string): Promise<void>;
}

export function memoryPersistence(): ModelPersistence {
  const store = new Map<string, { entry: ModelEntry; model: Mlp }>();
  return {
    async list() {
      return { entries: [...store.values()].map((item) => item.entry), skipped: [] };
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
      const skipped: string[] = [];
      // Record by record: one that is missing its model or holds nonsense is skipped, not fatal.
      for (const url of Object.keys(saved).filter((key) => key.startsWith(PREFIX)).sort()) {
        const key = url.slice(PREFIX.length);
        try {
          const artifacts = await indexedDbHandler(url).load!();
          entries.push(checkSavedEntry((artifacts.userDefinedMetadata as { entry?: unknown } | undefined)?.entry, key));
        } catch (error) {
          skipped.push(`saved model ${shown(key)} was skipped: ${oneLine(error instanceof Error ? error.message : String(error), 120)}`);
        }
      }
      return { entries, skipped };
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
      // The same validator as a file import: a stored record is no more trusted than a file.
      return loadMlpFromArtifacts(
        { modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] },
        (artifacts.weightData ?? new ArrayBuffer(0)) as ArrayBuffer | ArrayBuffer[],
      );
    },
    async remove(id) {
      await tf.io.removeModel(`${PREFIX}${id}`);
    },
  };
}
