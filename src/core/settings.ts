/**
 * The pruning settings: one table of name, type, default, limits, URL key, label and help text.
 * The URL codec (client/url-state.ts), the form (ui/panels/PrunePanel.tsx), the worker's
 * validation (`validatePruneSettings`) and the CLI's options and defaults (node/prune-command.ts)
 * are all read from it, so a limit or a default is written once.
 */
import { OptionError } from './errors';
import { METHOD_LABELS, PRUNE_METHODS, type PruneMethod } from './pruning/methods';

interface SettingBase {
  readonly label: string;
  readonly help: string;
  /** The query parameter that carries it in a shared link. */
  readonly urlKey: string;
  /** The prune command's option, without the leading dashes. */
  readonly cliFlag: string;
}

export interface NumberSetting extends SettingBase {
  readonly kind: 'number';
  readonly integer: boolean;
  readonly default: number;
  readonly min: number;
  /** True when `min` itself is not allowed: (min, max]. */
  readonly minExclusive?: boolean;
  readonly max: number;
  /** Said after the limits in a message, e.g. what fractions mean. */
  readonly note?: string;
  /** Values the form offers in a list (any valid value can still come from a link or the CLI). */
  readonly presets?: readonly number[];
}

export interface ChoiceSetting extends SettingBase {
  readonly kind: 'choice';
  readonly default: PruneMethod;
  readonly choices: readonly { readonly value: PruneMethod; readonly label: string }[];
}

export interface FlagSetting extends SettingBase {
  readonly kind: 'flag';
  readonly default: boolean;
}

/**
 * What one prune runs with, besides the keep ratio (`keep`, which is per model: one ratio or one
 * per hidden layer, see url-state.ts and prune-options.ts).
 */
export interface PruneSettings {
  readonly method: PruneMethod;
  readonly iterations: number;
  readonly samples: number;
  readonly seed: number;
  readonly refit: boolean;
  /** Epochs of fine-tuning after pruning (fractions allowed); 0 = off. */
  readonly finetuneEpochs: number;
  /** Adam's learning rate for the fine-tuning. */
  readonly finetuneLearningRate: number;
}

export type SettingName = keyof PruneSettings;
type SettingOf<K extends SettingName> = PruneSettings[K] extends boolean ? FlagSetting : PruneSettings[K] extends number ? NumberSetting : ChoiceSetting;

export const SETTINGS: { readonly [K in SettingName]: SettingOf<K> } = {
  method: {
    kind: 'choice',
    label: 'Method',
    help: 'How the kept neurons are chosen: i-SpaSP (the paper), its thresholding alone (top-k), weight magnitude, random, or greedy forward selection (GFS).',
    urlKey: 'method',
    cliFlag: 'method',
    default: 'ispasp',
    choices: PRUNE_METHODS.map((value) => ({ value, label: METHOD_LABELS[value] })),
  },
  iterations: {
    kind: 'number',
    integer: true,
    label: 'Iterations (i-SpaSP)',
    help: 'i-SpaSP iterations T.',
    urlKey: 'iterations',
    cliFlag: 'iterations',
    default: 20,
    min: 1,
    max: 1000,
  },
  samples: {
    kind: 'number',
    integer: true,
    label: 'Calibration images',
    help: 'Calibration images: the first N MNIST training images, in file order.',
    urlKey: 'samples',
    cliFlag: 'samples',
    default: 1000,
    min: 1,
    max: 10000,
  },
  seed: {
    kind: 'number',
    integer: true,
    label: 'Seed',
    help: 'Seed of the random method and of the fine-tuning.',
    urlKey: 'seed',
    cliFlag: 'seed',
    default: 0,
    min: 0,
    max: 2 ** 31 - 1,
  },
  refit: {
    kind: 'flag',
    label: 'Least-squares refit of the next layer',
    help: 'Least-squares refit of the layer after each pruned one.',
    urlKey: 'refit',
    cliFlag: 'refit',
    default: false,
  },
  finetuneEpochs: {
    kind: 'number',
    integer: false,
    label: 'Fine-tune epochs',
    help: 'Then fine-tune the pruned (and refit) network for E passes over the 60,000 training images; Adam, batch 128, no activation penalty; 0 = off.',
    urlKey: 'finetune',
    cliFlag: 'finetune-epochs',
    default: 0,
    min: 0,
    max: 100,
    note: 'fractions allowed, 0.25 = a quarter epoch; 0 = off',
    presets: [0, 0.1, 0.25, 0.5, 1],
  },
  finetuneLearningRate: {
    kind: 'number',
    integer: false,
    label: 'Fine-tuning rate',
    help: "Adam learning rate of the fine-tuning (the trainer's default).",
    urlKey: 'lr',
    cliFlag: 'finetune-rate',
    default: 1e-3,
    min: 0,
    minExclusive: true,
    max: 1,
  },
};

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

export const DEFAULT_PRUNE_SETTINGS: PruneSettings = Object.fromEntries(SETTING_NAMES.map((name) => [name, SETTINGS[name].default])) as unknown as PruneSettings;

/** "must be an integer from 1 to 1000", "must be in (0, 1]": the limits in words. */
export function limitsText(setting: NumberSetting): string {
  const range = setting.integer
    ? `must be an integer from ${setting.min} to ${setting.max}`
    : `must be in ${setting.minExclusive ? '(' : '['}${setting.min}, ${setting.max}]`;
  return setting.note ? `${range} (${setting.note})` : range;
}

/** True when `value` is allowed by the setting's type and limits. */
export function withinLimits(setting: NumberSetting, value: number): boolean {
  if (!Number.isFinite(value) || (setting.integer && !Number.isInteger(value))) return false;
  return (setting.minExclusive ? value > setting.min : value >= setting.min) && value <= setting.max;
}

/** A plain decimal number as people and shells write it ("500", "0.25", "1e-3"); NaN otherwise. */
export function parseDecimal(text: string): number {
  return /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(text) ? Number(text) : NaN;
}

export type ParsedText = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly problem: string };

/**
 * Reads typed or linked text for a number setting. The problem reads after the setting's name:
 * "expects a number, got 'abc'", "must be an integer from 1 to 10000, got '20000'".
 */
export function parseNumberSetting(setting: NumberSetting, text: string): ParsedText {
  const value = parseDecimal(text);
  if (Number.isNaN(value)) return { ok: false, problem: `expects a number, got '${text.trim()}'` };
  if (!withinLimits(setting, value)) return { ok: false, problem: `${limitsText(setting)}, got '${text.trim()}'` };
  return { ok: true, value };
}

/** The worker's and the CLI's check of a whole request: an OptionError naming the first bad setting. */
export function validatePruneSettings(settings: PruneSettings): void {
  for (const name of SETTING_NAMES) {
    const setting = SETTINGS[name] as NumberSetting | ChoiceSetting | FlagSetting;
    const value = settings[name] as unknown;
    if (setting.kind === 'number') {
      if (typeof value !== 'number' || !withinLimits(setting, value)) throw new OptionError(`${name} ${limitsText(setting)}, got ${String(value)}`);
    } else if (setting.kind === 'flag') {
      if (typeof value !== 'boolean') throw new OptionError(`${name} must be true or false, got ${String(value)}`);
    } else if (!setting.choices.some((choice) => choice.value === value)) {
      throw new OptionError(`unknown ${name} '${String(value)}': use one of ${setting.choices.map((choice) => choice.value).join(', ')}`);
    }
  }
}

/**
 * A file name stem that names every setting that changes the delivered weights, so two
 * different networks never share a name: model, method, ratio(s), iterations and calibration
 * size (they decide the kept set), seed, refit and fine-tuning.
 */
export function exportBaseName(modelId: string, settings: PruneSettings, keep: number | readonly number[]): string {
  const percent = (ratio: number) => String(Math.round(ratio * 1000) / 10);
  const ratios = typeof keep === 'number' ? percent(keep) : keep.map(percent).join('-');
  const parts = [modelId, settings.method, `keep${ratios}`, `T${settings.iterations}`, `n${settings.samples}`, `seed${settings.seed}`];
  if (settings.refit) parts.push('refit');
  if (settings.finetuneEpochs > 0) parts.push(`ft${settings.finetuneEpochs}ep-lr${settings.finetuneLearningRate}`);
  return parts.join('-');
}
