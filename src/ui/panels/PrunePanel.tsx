import { METHOD_FIELD, NUMBER_FIELDS, parseFieldText, REFIT_LABEL, type NumberSettingName } from '../../client/setting-fields';
import { METHOD_LABELS, PRUNE_METHODS, type PruneMethod } from '../../client/worker-client';
import { NumberField } from '../controls/NumberField';
import { CardButton } from '../methods/MethodCards';
import type { Settings } from '../store';
import { kindAt, unitCount, unitsOf } from '../unit-words';
import type { HiddenLayerKind } from '../../client/worker-client';

interface Props {
  settings: Settings;
  hiddenWidths: number[];
  /** Conv (channels) or Dense (neurons), per hidden layer. */
  hiddenKinds?: readonly HiddenLayerKind[];
  onChange(patch: Partial<Settings>): void;
}

/** The slider's words: one ratio for every hidden layer, or the per-layer ratios when set. */
function keepLabel(percentKept: number, perLayer: readonly number[] | null = null, units = 'neurons'): string {
  if (perLayer) return `Keep ${perLayer.map((value) => `${value}%`).join(' / ')} of hidden ${units}, layer by layer`;
  return `Keep ${percentKept}% of hidden ${units} (prune ${100 - percentKept}%)`;
}

function SettingField({ name, settings, onChange }: { name: NumberSettingName; settings: Settings; onChange: Props['onChange'] }) {
  const field = NUMBER_FIELDS[name];
  return (
    <NumberField
      label={field.label}
      value={settings[name]}
      parse={(text) => parseFieldText(name, text)}
      onCommit={(value) => onChange({ [name]: value })}
      min={field.min}
      max={field.max}
      step={field.step}
      testId={`${name}-input`}
    />
  );
}

export function PrunePanel({ settings, hiddenWidths, hiddenKinds = [], onChange }: Props) {
  const units = unitsOf(hiddenKinds);
  const multiLayer = hiddenWidths.length > 1;
  const perLayer = settings.perLayer && settings.perLayer.length === hiddenWidths.length ? settings.perLayer : null;
  const finetune = NUMBER_FIELDS.finetuneEpochs;
  const finetuneChoices = finetune.presets?.includes(settings.finetuneEpochs) ? finetune.presets : [...(finetune.presets ?? []), settings.finetuneEpochs].sort((a, b) => a - b);
  return (
    <section className="card" aria-labelledby="prune-heading">
      <h2 id="prune-heading">Prune</h2>
      <label className="field">
        <span>{METHOD_FIELD.label}</span>
        <select data-testid="method-select" value={settings.method} title={METHOD_FIELD.help} onChange={(e) => onChange({ method: e.target.value as PruneMethod })}>
          {PRUNE_METHODS.map((method) => (
            <option key={method} value={method}>
              {METHOD_LABELS[method]}
            </option>
          ))}
        </select>
      </label>
      <p className="method-about">
        <CardButton topic={settings.method} label={`How ${METHOD_LABELS[settings.method]} works`} />
      </p>
      <label className="field slider-field">
        <span id="keep-label" data-testid="keep-label">
          {keepLabel(settings.keep, perLayer, units)}
        </span>
        <input
          data-testid="keep-slider"
          type="range"
          min={1}
          max={100}
          step={1}
          value={settings.keep}
          aria-labelledby="keep-label"
          aria-valuetext={keepLabel(settings.keep, perLayer, units)}
          onChange={(e) => onChange({ keep: Number(e.target.value), perLayer: null })}
        />
      </label>
      {multiLayer && (
        <fieldset className="per-layer">
          <legend>
            <label>
              <input
                type="checkbox"
                data-testid="per-layer-toggle"
                checked={perLayer !== null}
                onChange={(e) => onChange({ perLayer: e.target.checked ? hiddenWidths.map(() => settings.keep) : null })}
              />{' '}
              One ratio per hidden layer
            </label>
          </legend>
          {perLayer?.map((value, layer) => (
            <label key={layer} className="field slider-field">
              <span>
                Layer {layer + 1} ({kindAt(hiddenKinds, layer) === 'conv' ? 'conv, ' : ''}
                {unitCount(kindAt(hiddenKinds, layer), hiddenWidths[layer])}): keep {value}%
              </span>
              <input
                data-testid={`keep-slider-layer-${layer + 1}`}
                type="range"
                min={1}
                max={100}
                value={value}
                onChange={(e) => onChange({ perLayer: perLayer.map((old, k) => (k === layer ? Number(e.target.value) : old)) })}
              />
            </label>
          ))}
        </fieldset>
      )}
      <div className="grid-form">
        <SettingField name="iterations" settings={settings} onChange={onChange} />
        <SettingField name="samples" settings={settings} onChange={onChange} />
        <SettingField name="seed" settings={settings} onChange={onChange} />
        <label className="field">
          <span>{finetune.label}</span>
          <select value={settings.finetuneEpochs} data-testid="finetune-select" title={finetune.help} onChange={(e) => onChange({ finetuneEpochs: Number(e.target.value) })}>
            {finetuneChoices.map((epochs) => (
              <option key={epochs} value={epochs}>
                {epochs === 0 ? 'off' : `${epochs} epoch${epochs === 1 ? '' : 's'}`}
              </option>
            ))}
          </select>
        </label>
        {settings.finetuneEpochs > 0 && <SettingField name="finetuneLearningRate" settings={settings} onChange={onChange} />}
      </div>
      <label className="checkbox">
        <input type="checkbox" data-testid="refit-toggle" checked={settings.refit} onChange={(e) => onChange({ refit: e.target.checked })} />
        {REFIT_LABEL}
      </label>
      <p className="method-about">
        <CardButton topic="refit" label="How refit works" /> <CardButton topic="finetune" label="How fine-tuning works" />
      </p>
    </section>
  );
}
