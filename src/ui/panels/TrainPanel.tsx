import { useMemo, useState, type FormEvent } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useChartTurn } from '../charts/chart-turn';
import { SeriesLegend } from '../charts/SeriesLegend';
import { parseTrainText, TRAIN_FIELDS, type TrainFieldName } from '../../client/setting-fields';
import type { JobStatus, TrainRequest } from '../../client/worker-client';
import { NumberField } from '../controls/NumberField';
import { ErrorNote } from '../ErrorNotes';
import type { AppError, ErrorSource, TrainState } from '../store';
import { percent } from '../format';

interface Props {
  train: TrainState;
  /** The worker's training job, to say how the last run ended. */
  job: JobStatus | undefined;
  errors: readonly AppError[];
  onDismissError(source: ErrorSource): void;
  onTrain(request: TrainRequest): void;
  onStop(): void;
}

/** Parses "256" or "512, 256" into widths; null when malformed. */
function parseWidths(text: string): number[] | null {
  const parts = text.split(/[,\s]+/).filter(Boolean).map(Number);
  return parts.length >= 1 && parts.length <= 4 && parts.every((w) => Number.isInteger(w) && w >= 1 && w <= 10000) ? parts : null;
}

/** How the last run ended, in words; null while none has run. */
function trainOutcome(job: JobStatus | undefined): string | null {
  if (!job) return null;
  if (job.state === 'done') return 'Training finished; the network is now the current model and is listed under "Trained here".';
  if (job.state === 'cancelled') {
    const reason = job.reason ?? 'stopped';
    return `${reason[0].toUpperCase()}${reason.slice(1)}.`;
  }
  if (job.state === 'failed') return null; // the error note says it
  return null;
}

const NUMBER_FIELDS: readonly TrainFieldName[] = ['epochs', 'batchSize', 'learningRate', 'activationL1', 'seed'];

export function TrainPanel({ train, job, errors, onDismissError, onTrain, onStop }: Props) {
  const [open, setOpen] = useState(false);
  const [widths, setWidths] = useState('256');
  const [values, setValues] = useState<Record<TrainFieldName, number>>(() => ({
    epochs: 1,
    batchSize: 128,
    learningRate: TRAIN_FIELDS.learningRate.default,
    activationL1: TRAIN_FIELDS.activationL1.default,
    seed: 0,
  }));
  const [problems, setProblems] = useState<Partial<Record<TrainFieldName, string>>>({});
  const parsed = parseWidths(widths);
  const valid = parsed !== null && Object.values(problems).every((problem) => !problem);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!parsed || !valid) return;
    setOpen(true);
    onTrain({ hiddenWidths: parsed, ...values, optimizer: 'adam' });
  };
  const progress = train.progress;
  // The curve redraws on its turn among the charts (one plot per task), not on every progress event.
  const curve = useChartTurn(train.curve);
  const curvePlot = useMemo(
    () => (
      <ResponsiveContainer width="100%" height={180}>
        <LineChart data={curve} margin={{ top: 4, right: 4, bottom: 16, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-grid, #ddd)" />
          <XAxis
            dataKey="step"
            type="number"
            domain={[0, 1]}
            tickFormatter={(value: number) => `${Math.round(value * 100)}%`}
            label={{ value: 'share of training done', position: 'insideBottom', offset: -10, fontSize: 11 }}
            tick={{ fontSize: 11 }}
          />
          <YAxis yAxisId="loss" tick={{ fontSize: 11 }} width={36} tickFormatter={(value: number) => value.toFixed(1)} />
          <YAxis yAxisId="accuracy" orientation="right" domain={[0, 1]} tick={{ fontSize: 11 }} width={36} tickFormatter={(value: number) => `${Math.round(value * 100)}%`} />
          <Tooltip formatter={(value) => (typeof value === 'number' ? value.toFixed(3) : String(value))} />
          <Line yAxisId="loss" dataKey="loss" name="loss (left)" dot={false} stroke="var(--color-ispasp)" isAnimationActive={false} />
          <Line yAxisId="accuracy" dataKey="accuracy" name="batch accuracy (right)" dot={false} stroke="var(--color-topk)" isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    ),
    [curve],
  );
  const outcome = train.busy ? null : trainOutcome(job);
  // Open while training and after it (until closed), so the final status and curve stay in view.
  const shownOpen = open || train.busy;
  return (
    <details className="card train-panel" open={shownOpen} onToggle={(event) => setOpen((event.target as HTMLDetailsElement).open)} data-testid="train-panel">
      <summary>
        <h2>Train a network here</h2>
      </summary>
      <form onSubmit={submit} className="grid-form" noValidate>
        <label className="field">
          <span>Hidden widths</span>
          <input value={widths} onChange={(e) => setWidths(e.target.value)} aria-invalid={!parsed} placeholder="512, 256" data-testid="train-widths" />
          {!parsed && <span className="field-error">1 to 4 widths from 1 to 10000, e.g. 512, 256</span>}
        </label>
        {NUMBER_FIELDS.map((name) => (
          <NumberField
            key={name}
            label={TRAIN_FIELDS[name].label}
            value={values[name]}
            parse={(text) => parseTrainText(name, text)}
            onCommit={(value) => setValues((old) => ({ ...old, [name]: value }))}
            onProblem={(problem) => setProblems((old) => ({ ...old, [name]: problem ?? undefined }))}
            min={TRAIN_FIELDS[name].min}
            max={TRAIN_FIELDS[name].max}
            step={TRAIN_FIELDS[name].step}
            testId={`train-${name}`}
          />
        ))}
        <div className="actions">
          <button data-testid="train-button" type="submit" disabled={train.busy || !valid}>
            Train
          </button>
          <button type="button" onClick={onStop} disabled={!train.busy} data-testid="train-stop">
            Stop
          </button>
        </div>
      </form>
      <ErrorNote errors={errors} sources={['train', 'saved']} onDismiss={onDismissError} />
      <div className="train-status" aria-live="polite">
        <progress data-testid="train-progress" max={1} value={progress?.fraction ?? 0} aria-label="Training progress" />
        {progress && (
          <p className="hint" data-testid="train-status">
            {percent(progress.fraction, 0)} · epoch {progress.epoch} · loss {progress.loss.toFixed(3)} · batch accuracy {percent(progress.accuracy)}
            {progress.testAccuracy !== undefined && ` · test ${percent(progress.testAccuracy)}`} · {Math.round(progress.examplesPerSecond)} images/s
            {train.busy && ` · about ${Math.ceil(progress.etaSeconds)} s left`}
          </p>
        )}
        {outcome && (
          <p className="hint" data-testid="train-outcome">
            {outcome}
          </p>
        )}
      </div>
      {curve.length > 1 && (
        <figure className="mini-chart" data-testid="train-curve">
          <SeriesLegend
            items={[
              { key: 'loss', label: 'loss (left)', color: 'var(--color-ispasp)' },
              { key: 'accuracy', label: 'batch accuracy (right)', color: 'var(--color-topk)' },
            ]}
          />
          {curvePlot}
          <figcaption className="visually-hidden">Training loss and batch accuracy against the share of training done</figcaption>
        </figure>
      )}
    </details>
  );
}
