import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../core/settings';
import { parsePruneArgs } from '../node/prune-command';
import { NUMBER_FIELDS, parseFieldText, type NumberSettingName } from './setting-fields';

const names = Object.keys(NUMBER_FIELDS) as NumberSettingName[];

describe('the form fields', () => {
  it.each(names)('%s: the form offers and accepts exactly what the CLI accepts', (name) => {
    const field = NUMBER_FIELDS[name];
    const extra = name === 'finetuneLearningRate' ? ['--finetune-epochs', '1'] : [];
    const flag = SETTINGS[name].cliFlag;
    const cli = (text: string) => {
      try {
        const parsed = parsePruneArgs(['--model', 'm.json', '--keep', '0.1', ...extra, `--${flag}=${text}`]);
        return parsed === 'help' ? null : parsed[name];
      } catch {
        return null;
      }
    };
    const probe = [field.min, field.max, field.max + 1, field.min - 1, field.min + 0.5, (field.min + field.max) / 2].map(String);
    for (const text of probe) {
      const form = parseFieldText(name, text);
      expect(form.ok ? form.value : null).toBe(cli(text));
    }
  });

  it('takes 500 typed into "Calibration images" and says why 0 or nothing is refused', () => {
    expect(parseFieldText('samples', '500')).toEqual({ ok: true, value: 500 });
    expect(parseFieldText('samples', '0')).toEqual({ ok: false, message: "Calibration images must be an integer from 1 to 10000, got '0'" });
    expect(parseFieldText('samples', '')).toEqual({ ok: false, message: 'Calibration images: enter a value (an integer from 1 to 10000)' });
  });
});
