/**
 * Saved models come back from IndexedDB, which anything on the page's origin can write: each
 * record's entry is checked and copied field by field before the app sees it, and a record that
 * fails is skipped with a reason instead of blanking the page or hiding the other records.
 */
import { shown } from '../core/error-line';
import { MAX_HIDDEN_LAYERS } from '../core/model/mlp';
import { MAX_HIDDEN_WIDTH } from '../core/model/limits';
import type { ModelEntry } from './types';

/** Ids of saved models: what the app writes (`imported-…`, `trained-…`), nothing a URL or a list would trip on. */
const SAVED_ID = /^[A-Za-z0-9][\w.-]{0,79}$/;
const MAX_TITLE = 200;
const MAX_DESCRIPTION = 1000;

export class SavedEntryError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(entry: Record<string, unknown>, key: string, max: number): string {
  const value = entry[key];
  if (typeof value !== 'string') throw new SavedEntryError(`its ${key} is not text`);
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

function fraction(entry: Record<string, unknown>, key: string): number | undefined {
  const value = entry[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new SavedEntryError(`its ${key} is not a fraction`);
  return value;
}

/**
 * The entry of the saved record stored under `key`, checked and copied; throws SavedEntryError
 * with the reason. The entry's id must equal its key.
 */
export function checkSavedEntry(raw: unknown, key: string): ModelEntry {
  if (!isRecord(raw)) throw new SavedEntryError('it has no model entry');
  const id = raw.id;
  if (typeof id !== 'string' || !SAVED_ID.test(id)) throw new SavedEntryError(`its id ${shown(id)} is not a saved model's id`);
  if (id !== key) throw new SavedEntryError(`its id ${shown(id)} differs from the key it is stored under`);
  const source = raw.source;
  if (source !== 'trained' && source !== 'imported') throw new SavedEntryError(`its source ${shown(source)} is neither trained nor imported`);
  const sizes = raw.sizes;
  if (
    !Array.isArray(sizes) ||
    sizes.length < 3 ||
    sizes.length > MAX_HIDDEN_LAYERS + 2 ||
    !sizes.every((size) => typeof size === 'number' && Number.isInteger(size) && size >= 1 && size <= Math.max(MAX_HIDDEN_WIDTH, 784))
  ) {
    throw new SavedEntryError(`its layer sizes ${shown(sizes)} are not a network's`);
  }
  const training = raw.training;
  if (training !== undefined && !isRecord(training)) throw new SavedEntryError('its training settings are not an object');
  const testAccuracy = fraction(raw, 'testAccuracy');
  const hiddenZeroFraction = fraction(raw, 'hiddenZeroFraction');
  return {
    id,
    title: text(raw, 'title', MAX_TITLE),
    description: text(raw, 'description', MAX_DESCRIPTION),
    sizes: [...sizes] as number[],
    source,
    ...(testAccuracy !== undefined && { testAccuracy }),
    ...(hiddenZeroFraction !== undefined && { hiddenZeroFraction }),
    ...(training !== undefined && { training: JSON.parse(JSON.stringify(training)) as Record<string, unknown> }),
  };
}
