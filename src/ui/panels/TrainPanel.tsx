import { useState, type FormEvent } from 'react';
import { Line, LineChart, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { TrainRequest } from '../../client/worker-client';
import type { TrainState } from '../store';
import { percent } from '../format';

interface Props {
  train: TrainState;
  onTrain(request: TrainRequest): void;
  onStop(): void;
}

/** Parses "256" or "512, 256" into widths; null when malformed. */
export function parseWidths(text: string): number[] | null {
  const parts = text.split(/[,\s]+/).filter(Boolean).map(Number);
  return parts.length >= 1 && parts.length <= 4 && parts.every((w) => Number.isInteger(w) && w >= 1 && w <= 10000) ? parts : null;
}

export function TrainPanel({ train, onTrain, onStop }: Props) {
  const [widths, setWidths] = useState('256');
  const [epochs, setEpochs] = useState(1);
  const [batchSize, setBatchSize] = useState(128);
  const [learningRate, setLearningRate] = useState(0.001);
  const [activationL1, setActivationL1] = useState(0.0001);
  const [seed, setSeed] = useState(0);
  const parsed = parseWidths(widths);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (parsed) onTrain({ hiddenWidths: parsed, epochs, batchSize, learningRate, activationL1, seed, optimizer: 'adam' });
  };
  const progress = train.progress;
  return (
    <details className="card" open={train.busy || undefined}>
      <summary>
        <h2>Train a network here</h2>
      </summary>
      <form onSubmit={submit} className="grid-form" noValidate>
        <label className="field">
          <span>Hidden widths</span>
          <input value={widths} onChange={(e) => setWidths(e.target.value)} aria-invalid={!parsed} placeholder="512, 256" />
        </label>
        <label className="field">
          <span>Epochs</span>
          <input type="number" min={0.01} max={20} step="any" value={epochs} onChange={(e) => setEpochs(Number(e.target.value))} />
        </label>
        <label className="field">
          <span>Batch size</span>
          <input type="number" min={8} max={2048} step={8} value={batchSize} onChange={(e) => setBatchSize(Number(e.target.value))} />
        </label>
        <label className="field">
          <span>Learning rate</span>
          <input type="number" min={0.00001} max={0.1} step="any" value={learningRate} onChange={(e) => setLearningRate(Number(e.target.value))} />
        </label>
        <label className="field">
          <span>Sparsity penalty (L1 on activations)</span>
          <input type="number" min={0} max={0.1} step="any" value={activationL1} onChange={(e) => setActivationL1(Number(e.target.value))} />
        </label>
        <label className="field">
          <span>Seed</span>
          <input type="number" min={0} step={1} value={seed} onChange={(e) => setSeed(Number(e.target.value))} />
        </label>
        <div className="actions">
          <button data-testid="train-button" type="submit" disabled={train.busy || !parsed}>
            Train
          </button>
          <button type="button" onClick={onStop} disabled={!train.busy} data-testid="train-stop">
            Stop
          </button>
        </div>
      </form>
      <div className="train-status" aria-live="polite">
        <progress data-testid="train-progress" max={1} value={progress?.fraction ?? 0} aria-label="Training progress" />
        {progress && (
          <p className="hint">
            {percent(progress.fraction, 0)} · epoch {progress.epoch} · loss {progress.loss.toFixed(3)} · batch accuracy {percent(progress.accuracy)}
            {progress.testAccuracy !== undefined && ` · test ${percent(progress.testAccuracy)}`} · {Math.round(progress.examplesPerSecond)} images/s
            {train.busy && ` · about ${Math.ceil(progress.etaSeconds)} s left`}
          </p>
        )}
      </div>
      {train.curve.length > 1 && (
        <div className="mini-chart" aria-label="Training loss and batch accuracy" role="img">
          <ResponsiveContainer width="100%" height={120}>
            <LineChart data={train.curve}>
              <XAxis dataKey="step" type="number" domain={[0, 1]} hide />
              <YAxis yAxisId="loss" hide />
              <YAxis yAxisId="accuracy" hide domain={[0, 1]} />
              <Line yAxisId="loss" dataKey="loss" dot={false} stroke="var(--color-ispasp)" isAnimationActive={false} />
              <Line yAxisId="accuracy" dataKey="accuracy" dot={false} stroke="var(--color-topk)" isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </details>
  );
}
