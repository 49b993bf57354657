/**
 * The form's view of the settings table: what each control shows (label, help, limits, step)
 * and how typed text becomes a value. Number fields are checked when the user commits them
 * (Enter or leaving the field); a bad value gets a message and never replaces the setting.
 */
import { limitsText, parseNumberSetting, SETTINGS, type NumberSetting, type PruneSettings } from '../core/settings';
import { MAX_BATCH_SIZE, MAX_EPOCHS } from '../core/train/train-options';

export type NumberSettingName = { [K in keyof PruneSettings]: PruneSettings[K] extends number ? K : never }[keyof PruneSettings];

export interface NumberFieldSpec {
  readonly name: NumberSettingName;
  readonly label: string;
  readonly help: string;
  readonly min: number;
  readonly max: number;
  readonly step: number | 'any';
  /** "an integer from 1 to 10000", for the field's hint. */
  readonly limits: string;
  readonly presets?: readonly number[];
}

function fieldSpec(name: NumberSettingName): NumberFieldSpec {
  const setting: NumberSetting = SETTINGS[name];
  return {
    name,
    label: setting.label,
    help: setting.help,
    min: setting.min,
    max: setting.max,
    step: setting.integer ? 1 : 'any',
    limits: limitsText(setting).replace(/^must be /, ''),
    ...(setting.presets && { presets: setting.presets }),
  };
}

export const NUMBER_FIELDS: { readonly [K in NumberSettingName]: NumberFieldSpec } = {
  iterations: fieldSpec('iterations'),
  samples: fieldSpec('samples'),
  seed: fieldSpec('seed'),
  finetuneEpochs: fieldSpec('finetuneEpochs'),
  finetuneLearningRate: fieldSpec('finetuneLearningRate'),
};

export type FieldText = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string };

/** Typed text to a value, or a message naming the field: "Calibration images must be an integer from 1 to 10000, got '0'". */
export function parseFieldText(name: NumberSettingName, text: string): FieldText {
  if (text.trim() === '') return { ok: false, message: `${SETTINGS[name].label}: enter a value (${NUMBER_FIELDS[name].limits})` };
  const parsed = parseNumberSetting(SETTINGS[name], text);
  return parsed.ok ? parsed : { ok: false, message: `${SETTINGS[name].label} ${parsed.problem}` };
}

export const REFIT_LABEL = SETTINGS.refit.label;
export const METHOD_FIELD = { label: SETTINGS.method.label, help: SETTINGS.method.help };

/**
 * The training form's fields, with the limits the worker's validateTrainOptions applies
 * (core/train/train-options.ts), so the form refuses what the worker would.
 */
const TRAIN_SETTINGS = {
  epochs: { kind: 'number', integer: false, label: 'Epochs', help: 'Passes over the 60,000 training images.', urlKey: '', cliFlag: '', default: 1, min: 0, minExclusive: true, max: MAX_EPOCHS, note: 'fractions allowed' },
  batchSize: { kind: 'number', integer: true, label: 'Batch size', help: 'Images per gradient step.', urlKey: '', cliFlag: '', default: 128, min: 1, max: MAX_BATCH_SIZE },
  learningRate: { kind: 'number', integer: false, label: 'Learning rate', help: "Adam's learning rate.", urlKey: '', cliFlag: '', default: 0.001, min: 0, minExclusive: true, max: 1 },
  activationL1: { kind: 'number', integer: false, label: 'Sparsity penalty (L1 on activations)', help: 'Makes hidden units silent more often.', urlKey: '', cliFlag: '', default: 0.0001, min: 0, max: 1 },
  seed: { kind: 'number', integer: true, label: 'Seed', help: 'Same seed, same weights.', urlKey: '', cliFlag: '', default: 0, min: 0, max: SETTINGS.seed.max },
} satisfies Record<string, NumberSetting>;

export type TrainFieldName = keyof typeof TRAIN_SETTINGS;

export const TRAIN_FIELDS = Object.fromEntries(
  (Object.keys(TRAIN_SETTINGS) as TrainFieldName[]).map((name) => {
    const setting: NumberSetting = TRAIN_SETTINGS[name];
    return [name, { label: setting.label, min: setting.min, max: setting.max, step: setting.integer ? 1 : ('any' as const), default: setting.default }];
  }),
) as Record<TrainFieldName, { label: string; min: number; max: number; step: number | 'any'; default: number }>;

export function parseTrainText(name: TrainFieldName, text: string): FieldText {
  const setting: NumberSetting = TRAIN_SETTINGS[name];
  if (text.trim() === '') return { ok: false, message: `${setting.label}: enter a value (${limitsText(setting).replace(/^must be /, '')})` };
  const parsed = parseNumberSetting(setting, text);
  return parsed.ok ? parsed : { ok: false, message: `${setting.label} ${parsed.problem}` };
}
