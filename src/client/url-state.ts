/**
 * The shareable part of the state, kept in the URL. The pruning settings' keys, limits and
 * defaults come from the settings table (core/settings.ts); the model and the keep ratio (one,
 * or one per hidden layer) are added here. Every field that is read is also written, so a copied
 * link reopens exactly what ran.
 */
import {
  DEFAULT_PRUNE_SETTINGS,
  parseNumberSetting,
  SETTING_NAMES,
  SETTINGS,
  type PruneSettings,
  type SettingName,
} from '../core/settings';

export interface UrlState extends PruneSettings {
  model: string | null;
  /** Percent of hidden neurons kept, 1..100, for every hidden layer. */
  keep: number;
  /** Percent kept per hidden layer (1..100 each); null = `keep` for every hidden layer. */
  perLayer: number[] | null;
}

const KEEP_PERCENT = { min: 1, max: 100, default: 10 } as const;

export const DEFAULT_URL_STATE: UrlState = { ...DEFAULT_PRUNE_SETTINGS, model: null, keep: KEEP_PERCENT.default, perLayer: null };

const MODEL_ID = /^[\w.-]{1,80}$/;
const PER_LAYER_KEY = 'layers';

function percent(raw: string): number | undefined {
  const value = Number(raw);
  return /^\d+$/.test(raw) && value >= KEEP_PERCENT.min && value <= KEEP_PERCENT.max ? value : undefined;
}

function readSetting(name: SettingName, raw: string): PruneSettings[SettingName] | undefined {
  const setting = SETTINGS[name];
  if (setting.kind === 'flag') return raw === '1' ? true : raw === '0' ? false : undefined;
  if (setting.kind === 'choice') return setting.choices.find((choice) => choice.value === raw)?.value;
  const parsed = parseNumberSetting(setting, raw);
  return parsed.ok ? parsed.value : undefined;
}

function writeSetting(name: SettingName, value: PruneSettings[SettingName]): string {
  return typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
}

/** A value in the link that could not be used, and why; the state keeps the default instead. */
export interface UrlProblem {
  readonly key: string;
  readonly raw: string;
}

/** Reads known fields; malformed or out-of-range values fall back to the defaults and are listed in `problems`. */
export function readUrlState(search: string): UrlState & { problems?: UrlProblem[] } {
  const params = new URLSearchParams(search);
  const state: UrlState = { ...DEFAULT_URL_STATE };
  const problems: UrlProblem[] = [];
  const settings = state as unknown as Record<SettingName, unknown>;
  for (const name of SETTING_NAMES) {
    const raw = params.get(SETTINGS[name].urlKey);
    if (raw === null) continue;
    const value = readSetting(name, raw);
    if (value === undefined) problems.push({ key: SETTINGS[name].urlKey, raw });
    else settings[name] = value;
  }
  const model = params.get('model');
  if (model !== null) {
    if (MODEL_ID.test(model)) state.model = model;
    else problems.push({ key: 'model', raw: model });
  }
  const keep = params.get('keep');
  if (keep !== null) {
    const value = percent(keep);
    if (value === undefined) problems.push({ key: 'keep', raw: keep });
    else state.keep = value;
  }
  const layers = params.get(PER_LAYER_KEY);
  if (layers !== null) {
    const values = layers.split(',').map(percent);
    if (values.length >= 1 && values.every((value) => value !== undefined)) state.perLayer = values as number[];
    else problems.push({ key: PER_LAYER_KEY, raw: layers });
  }
  return problems.length > 0 ? { ...state, problems } : state;
}

/** Writes the state into `search`, keeping parameters it does not own (e.g. ?backend=). */
export function writeUrlState(state: UrlState, search = ''): string {
  const params = new URLSearchParams(search);
  for (const name of SETTING_NAMES) params.set(SETTINGS[name].urlKey, writeSetting(name, state[name]));
  if (state.model === null) params.delete('model');
  else params.set('model', state.model);
  params.set('keep', String(state.keep));
  if (state.perLayer === null) params.delete(PER_LAYER_KEY);
  else params.set(PER_LAYER_KEY, state.perLayer.join(','));
  return `?${params.toString()}`;
}
