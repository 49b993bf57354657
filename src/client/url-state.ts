/**
 * The shareable part of the state, kept in the URL. One table drives both directions, so every
 * field that is read is also written (after TensorFlow Playground's state.ts).
 */
import { PRUNE_METHODS, type PruneMethod } from '../core/pruning/methods';

export interface UrlState {
  model: string | null;
  method: PruneMethod;
  /** Percent of hidden neurons kept, 1..100. */
  keep: number;
  iterations: number;
  samples: number;
  seed: number;
  refit: boolean;
  finetune: number;
}

export const DEFAULT_URL_STATE: UrlState = {
  model: null,
  method: 'ispasp',
  keep: 10,
  iterations: 20,
  samples: 1000,
  seed: 0,
  refit: false,
  finetune: 0,
};

type Field<K extends keyof UrlState> = {
  parse(raw: string): UrlState[K] | undefined;
  write(value: UrlState[K]): string | null;
};

const integer = (min: number, max: number): { parse(raw: string): number | undefined; write(value: number): string } => ({
  parse: (raw) => {
    const value = Number(raw);
    return Number.isInteger(value) && value >= min && value <= max ? value : undefined;
  },
  write: (value) => String(value),
});

const fields: { [K in keyof UrlState]: Field<K> } = {
  model: { parse: (raw) => (/^[\w.-]{1,80}$/.test(raw) ? raw : undefined), write: (value) => value },
  method: {
    parse: (raw) => ((PRUNE_METHODS as readonly string[]).includes(raw) ? (raw as PruneMethod) : undefined),
    write: (value) => value,
  },
  keep: integer(1, 100),
  iterations: integer(1, 200),
  samples: integer(10, 10000),
  seed: integer(0, 2 ** 31 - 1),
  refit: { parse: (raw) => (raw === '1' ? true : raw === '0' ? false : undefined), write: (value) => (value ? '1' : '0') },
  finetune: {
    parse: (raw) => {
      const value = Number(raw);
      return Number.isFinite(value) && value >= 0 && value <= 5 ? value : undefined;
    },
    write: (value) => String(value),
  },
};

/** Reads known fields; malformed or out-of-range values fall back to the defaults. */
export function readUrlState(search: string): UrlState {
  const params = new URLSearchParams(search);
  const state = { ...DEFAULT_URL_STATE } as Record<keyof UrlState, unknown>;
  for (const key of Object.keys(fields) as (keyof UrlState)[]) {
    const raw = params.get(key);
    if (raw === null) continue;
    const value = (fields[key] as Field<keyof UrlState>).parse(raw);
    if (value !== undefined) state[key] = value;
  }
  return state as unknown as UrlState;
}

/** Writes the state into `search`, keeping parameters it does not own (e.g. ?backend=). */
export function writeUrlState(state: UrlState, search = ''): string {
  const params = new URLSearchParams(search);
  for (const key of Object.keys(fields) as (keyof UrlState)[]) {
    const written = (fields[key] as Field<keyof UrlState>).write(state[key] as never);
    if (written === null) params.delete(key);
    else params.set(key, written);
  }
  return `?${params.toString()}`;
}
