import { describe, expect, it } from 'vitest';
import { parsePruneArgs } from '../node/prune-command';
import { DEFAULT_PRUNE_SETTINGS, exportBaseName, limitsText, parseNumberSetting, SETTING_NAMES, SETTINGS, validatePruneSettings, type NumberSetting } from './settings';

const numberNames = SETTING_NAMES.filter((name) => SETTINGS[name].kind === 'number') as ('iterations' | 'samples' | 'seed' | 'finetuneEpochs' | 'finetuneLearningRate')[];

/** Just inside and just outside each limit, as text. */
function edges(setting: NumberSetting): { inside: string[]; outside: string[] } {
  const step = setting.integer ? 1 : setting.max / 1000;
  return {
    inside: [String(setting.minExclusive ? setting.min + step : setting.min), String(setting.max)],
    outside: [String(setting.minExclusive ? setting.min : setting.min - step), String(setting.max + step)],
  };
}

describe('the settings table', () => {
  it('gives every setting a label, help text, a URL key and a CLI flag, each unique', () => {
    for (const name of SETTING_NAMES) {
      const setting = SETTINGS[name];
      expect(setting.label.length).toBeGreaterThan(0);
      expect(setting.help.length).toBeGreaterThan(0);
    }
    const urlKeys = SETTING_NAMES.map((name) => SETTINGS[name].urlKey);
    const flags = SETTING_NAMES.map((name) => SETTINGS[name].cliFlag);
    expect(new Set(urlKeys).size).toBe(urlKeys.length);
    expect(new Set(flags).size).toBe(flags.length);
  });

  it('has defaults within its own limits, which the worker accepts', () => {
    expect(() => validatePruneSettings(DEFAULT_PRUNE_SETTINGS)).not.toThrow();
    for (const name of numberNames) expect(parseNumberSetting(SETTINGS[name], String(SETTINGS[name].default)).ok).toBe(true);
  });

  it('the CLI defaults are the table defaults', () => {
    const parsed = parsePruneArgs(['--model', 'm.json', '--keep', '0.1']);
    if (parsed === 'help') throw new Error('unexpected help');
    for (const name of SETTING_NAMES) expect(parsed[name]).toBe(SETTINGS[name].default);
  });

  it.each(numberNames)('%s: the CLI, the form (and URL) and the worker accept and refuse the same values', (name) => {
    const setting = SETTINGS[name];
    const { inside, outside } = edges(setting);
    const extra = name === 'finetuneLearningRate' ? ['--finetune-epochs', '1'] : [];
    for (const text of inside) {
      expect(parseNumberSetting(setting, text)).toEqual({ ok: true, value: Number(text) });
      const cli = parsePruneArgs(['--model', 'm.json', '--keep', '0.1', ...extra, `--${setting.cliFlag}=${text}`]);
      expect(cli !== 'help' && cli[name]).toBe(Number(text));
      expect(() => validatePruneSettings({ ...DEFAULT_PRUNE_SETTINGS, finetuneEpochs: 1, [name]: Number(text) })).not.toThrow();
    }
    for (const text of outside) {
      const problem = parseNumberSetting(setting, text);
      expect(problem).toEqual({ ok: false, problem: `${limitsText(setting)}, got '${text}'` });
      expect(() => parsePruneArgs(['--model', 'm.json', '--keep', '0.1', ...extra, `--${setting.cliFlag}=${text}`])).toThrow(`--${setting.cliFlag} ${limitsText(setting)}, got '${text}'`);
      expect(() => validatePruneSettings({ ...DEFAULT_PRUNE_SETTINGS, [name]: Number(text) })).toThrow(limitsText(setting));
    }
  });

  it('reads typed text strictly: a number or a clear message, never a silent fallback', () => {
    expect(parseNumberSetting(SETTINGS.samples, '500')).toEqual({ ok: true, value: 500 });
    expect(parseNumberSetting(SETTINGS.samples, 'abc')).toEqual({ ok: false, problem: "expects a number, got 'abc'" });
    expect(parseNumberSetting(SETTINGS.samples, '12.5')).toEqual({ ok: false, problem: "must be an integer from 1 to 10000, got '12.5'" });
    expect(parseNumberSetting(SETTINGS.finetuneLearningRate, '1e-3')).toEqual({ ok: true, value: 0.001 });
  });

  it('names every setting that changes the weights in the export name', () => {
    const base = { ...DEFAULT_PRUNE_SETTINGS };
    expect(exportBaseName('mlp-1024', base, 0.1)).toBe('mlp-1024-ispasp-keep10-T20-n1000-seed0');
    expect(exportBaseName('mlp-1024', { ...base, refit: true }, 0.1)).toBe('mlp-1024-ispasp-keep10-T20-n1000-seed0-refit');
    expect(exportBaseName('m', { ...base, method: 'random', seed: 7, finetuneEpochs: 0.5, finetuneLearningRate: 0.003 }, [0.05, 0.5])).toBe(
      'm-random-keep5-50-T20-n1000-seed7-ft0.5ep-lr0.003',
    );
    const names = new Set(
      [0.1, 0.125].flatMap((keep) => [false, true].flatMap((refit) => [0, 1].map((finetuneEpochs) => exportBaseName('m', { ...base, refit, finetuneEpochs }, keep)))),
    );
    expect(names.size).toBe(8);
  });
});
