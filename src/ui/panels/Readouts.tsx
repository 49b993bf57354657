import type { ModelSummary, PruneView } from '../../client/worker-client';
import { count, milliseconds, percent, reduction } from '../format';
import type { LoadBar } from '../load-progress';
import { CardButton } from '../methods/MethodCards';

interface Props {
  model: ModelSummary | null;
  view: PruneView | null;
  busy: boolean;
  /** While a model loads and is pruned the first time. */
  loading: LoadBar | null;
}

export function Readouts({ model, view, busy, loading }: Props) {
  const accuracy = view?.accuracy;
  return (
    <section className="card readouts" aria-labelledby="results-heading" aria-busy={busy || loading !== null}>
      <h2 id="results-heading">Result</h2>
      {loading && <LoadProgressBar loading={loading} />}
      <div className="big-numbers">
        <div>
          <span className="label">Pruned test accuracy</span>
          <span className="big" data-testid="pruned-accuracy">
            {accuracy ? percent(accuracy.raw) : '–'}
          </span>
          {accuracy?.refit !== undefined && (
            <span className="sub" data-testid="refit-accuracy">
              refit {percent(accuracy.refit)}
            </span>
          )}
          {accuracy?.finetuned !== undefined && (
            <span className="sub" data-testid="finetuned-accuracy">
              fine-tuned {percent(accuracy.finetuned)}
            </span>
          )}
          {model && <span className="sub">dense {percent(model.denseAccuracy)}</span>}
        </div>
        <div>
          <span className="label">Kept neurons</span>
          <span className="big" data-testid="kept-count">
            {view ? view.layers.map((layer) => `${layer.keptCount} / ${layer.units}`).join(', ') : '–'}
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
