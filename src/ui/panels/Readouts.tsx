import type { DeliveredKind, HiddenLayerKind, ModelSummary, PruneView } from '../../client/worker-client';
import { unitsOf } from '../unit-words';
import { count, milliseconds, percent, reduction } from '../format';
import type { LoadBar } from '../load-progress';
import { CardButton } from '../methods/MethodCards';

interface Props {
  model: ModelSummary | null;
  view: PruneView | null;
  busy: boolean;
  /** While a model loads and is pruned the first time. */
  loading: LoadBar | null;
  /** The worker is fine-tuning the latest prune: its result comes when that ends. */
  finetuning?: boolean;
}

const DELIVERED_WORDS: Record<DeliveredKind, string> = {
  raw: 'kept units, original weights',
  refit: 'after the least-squares refit',
  finetuned: 'after fine-tuning',
};

/** The kept counts as shown everywhere: "102 / 1024" per hidden layer. */
function keptText(view: PruneView): string {
  return view.layers.map((layer) => `${layer.keptCount} / ${layer.units}`).join(', ');
}

/** Which test images the figures are on: the first ones while the full set is measured. */
function scopeText(subset: { images: number; of: number } | undefined): string {
  return subset
    ? `on the first ${subset.images.toLocaleString('en-US')} of ${subset.of.toLocaleString('en-US')} test images; all of them follow`
    : 'on all test images';
}

export function Readouts({ model, view, busy, loading, finetuning = false }: Props) {
  const accuracy = view?.accuracy;
  const kinds: readonly HiddenLayerKind[] = model?.hiddenKinds ?? [];
  const units = unitsOf(kinds);
  return (
    <section className="card readouts" aria-labelledby="results-heading" aria-busy={busy || loading !== null}>
      <h2 id="results-heading">Result</h2>
      {loading && <LoadProgressBar loading={loading} />}
      {finetuning && (
        <p className="hint" data-testid="finetune-status">
          Fine-tuning the pruned network… the accuracy sweep waits until it ends.
        </p>
      )}
      <div className="big-numbers">
        <div>
          <span className="label">Pruned network's test accuracy (what Export writes)</span>
          <span className="big" data-testid="pruned-accuracy">
            {accuracy ? percent(accuracy.delivered) : '–'}
          </span>
          {accuracy && (
            <span className="sub" data-testid="delivered-kind">
              {DELIVERED_WORDS[accuracy.deliveredKind].replace('units', units)}
            </span>
          )}
          {accuracy && model?.kind === 'cnn' && (
            <span className="sub" data-testid="accuracy-scope" data-subset={accuracy.subset ? 'yes' : 'no'}>
              {scopeText(accuracy.subset)}
            </span>
          )}
          {accuracy && (
            <span className="sub breakdown">
              <span data-testid="raw-accuracy">raw {percent(accuracy.raw)}</span>
              {accuracy.refit !== undefined && <span data-testid="refit-accuracy">refit {percent(accuracy.refit)}</span>}
              {accuracy.finetuned !== undefined && <span data-testid="finetuned-accuracy">fine-tuned {percent(accuracy.finetuned)}</span>}
              {model && <span>dense {percent(model.denseAccuracy)}</span>}
            </span>
          )}
        </div>
        <div>
          <span className="label">Kept {units}</span>
          <span className="big" data-testid="kept-count">
            {view ? keptText(view) : '–'}
          </span>
        </div>
      </div>
      {view && (
        <dl className="facts">
          <div>
            <dt>Parameters</dt>
            <dd data-testid="param-reduction">
              {count(view.params.pruned)} of {count(view.params.dense)} ({reduction(view.params.dense, view.params.pruned)})
            </dd>
          </div>
          <div>
            <dt>Multiply-accumulates per image</dt>
            <dd data-testid="mac-reduction">
              {count(view.macs.pruned)} of {count(view.macs.dense)} ({reduction(view.macs.dense, view.macs.pruned)})
            </dd>
          </div>
          <div>
            <dt>Prune time</dt>
            <dd data-testid="prune-time">
              {milliseconds(view.timingsMs.prune)}
              {view.timingsMs.refit > 0 && ` + refit ${milliseconds(view.timingsMs.refit)}`}
              {view.timingsMs.finetune !== undefined && ` + fine-tune ${milliseconds(view.timingsMs.finetune)}`}
            </dd>
          </div>
          <div>
            <dt>
              Relative residual
              <CardButton topic="residual" />
            </dt>
            <dd>{view.layers.map((layer) => layer.relativeResidual.toFixed(3)).join(', ')}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}

/** On a phone the result card is far below the slider: this bar stays at the bottom of the screen. */
export function CompactResult({ view, busy }: { view: PruneView | null; busy: boolean }) {
  return (
    <div className="compact-result" data-testid="compact-result" aria-hidden="true" data-busy={busy || undefined}>
      <span>
        Accuracy <strong>{view ? percent(view.accuracy.delivered) : '–'}</strong>
      </span>
      <span>
        Kept <strong>{view ? keptText(view) : '–'}</strong>
      </span>
    </div>
  );
}

function LoadProgressBar({ loading }: { loading: LoadBar }) {
  const value = Math.round(loading.percent);
  return (
    <div
      className="load-progress"
      data-testid="prune-progress"
      role="progressbar"
      aria-label="Preparing the model"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value}
      aria-valuetext={`${loading.label}: ${value}%`}
    >
      <div className="load-progress__track">
        <div className="load-progress__fill" style={{ width: `${loading.percent}%` }} />
      </div>
      <span className="load-progress__label" data-testid="prune-progress-phase">
        {loading.label}… {value}%
      </span>
    </div>
  );
}
