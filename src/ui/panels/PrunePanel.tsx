import { METHOD_LABELS, PRUNE_METHODS, type PruneMethod } from '../../client/worker-client';
import { CardButton } from '../methods/MethodCards';
import type { Settings } from '../store';

interface Props {
  settings: Settings;
  hiddenWidths: number[];
  onChange(patch: Partial<Settings>): void;
}

const FINETUNE_CHOICES = [0, 0.1, 0.25, 0.5, 1];

export function keepLabel(percentKept: number): string {
  return `Keep ${percentKept}% of hidden neurons (prune ${100 - percentKept}%)`;
}

export function PrunePanel({ settings, hiddenWidths, onChange }: Props) {
  const multiLayer = hiddenWidths.length > 1;
  const perLayer = settings.perLayer;
  return (
    <section className="card" aria-labelledby="prune-heading">
      <h2 id="prune-heading">Prune</h2>
      <label className="field">
        <span>Method</span>
        <select data-testid="method-select" value={settings.method} onChange={(e) => onChange({ method: e.target.value as PruneMethod })}>
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
          {keepLabel(settings.keep)}
        </span>
        <input
          data-testid="keep-slider"
          type="range"
          min={1}
          max={100}
          step={1}
          value={settings.keep}
          aria-labelledby="keep-label"
          aria-valuetext={keepLabel(settings.keep)}
          onChange={(e) => onChange({ keep: Number(e.target.value), perLayer: null })}
        />
      </label>
      {multiLayer && (
        <fieldset className="per-layer">
          <legend>
            <label>
              <input
                type="checkbox"
                checked={perLayer !== null}
                onChange={(e) => onChange({ perLayer: e.target.checked ? hiddenWidths.map(() => settings.keep) : null })}
              />{' '}
              One ratio per hidden layer
            </label>
          </legend>
          {perLayer?.map((value, layer) => (
            <label key={layer} className="field slider-field">
              <span>
                Layer {layer + 1} ({hiddenWidths[layer]} neurons): keep {value}%
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
        <label className="field">
          <span>Iterations (i-SpaSP)</span>
          <input type="number" min={1} max={200} value={settings.iterations} data-testid="iterations-input"
            onChange={(e) => { const v = Number(e.target.value); if (Number.isInteger(v) && v >= 1 && v <= 200) onChange({ iterations: v }); }} />
        </label>
        <label className="field">
          <span>Calibration images</span>
          <input type="number" min={10} max={10000} step={10} value={settings.samples} data-testid="samples-input"
            onChange={(e) => { const v = Number(e.target.value); if (Number.isInteger(v) && v >= 10 && v <= 10000) onChange({ samples: v }); }} />
        </label>
        <label className="field">
          <span>Seed (random)</span>
          <input type="number" min={0} value={settings.seed} data-testid="seed-input"
            onChange={(e) => { const v = Number(e.target.value); if (Number.isInteger(v) && v >= 0) onChange({ seed: v }); }} />
        </label>
        <label className="field">
          <span>Fine-tune after pruning</span>
          <select value={settings.finetune} data-testid="finetune-select" onChange={(e) => onChange({ finetune: Number(e.target.value) })}>
            {FINETUNE_CHOICES.map((epochs) => (
              <option key={epochs} value={epochs}>
                {epochs === 0 ? 'off' : `${epochs} epoch${epochs === 1 ? '' : 's'}`}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="checkbox">
        <input type="checkbox" data-testid="refit-toggle" checked={settings.refit} onChange={(e) => onChange({ refit: e.target.checked })} />
        Least-squares refit of the next layer
      </label>
      <p className="method-about">
        <CardButton topic="refit" label="How refit works" /> <CardButton topic="finetune" label="How fine-tuning works" />
      </p>
    </section>
  );
}
