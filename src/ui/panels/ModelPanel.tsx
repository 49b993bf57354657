import { useState, type DragEvent } from 'react';
import type { ModelEntry, ModelSummary } from '../../client/worker-client';
import { count, percent } from '../format';

interface Props {
  models: ModelEntry[];
  model: ModelSummary | null;
  loading: boolean;
  onSelect(id: string): void;
  onImport(files: File[]): void;
  /** Stops a model load or import in progress. */
  onCancel(): void;
}

/** The list's groups: shipped Dense networks, shipped convolutional ones, then the user's. */
const GROUPS: readonly { readonly label: string; readonly holds: (entry: ModelEntry) => boolean }[] = [
  { label: 'Shipped', holds: (entry) => entry.source === 'shipped' && entry.kind !== 'cnn' },
  { label: 'Convolutional', holds: (entry) => entry.source === 'shipped' && entry.kind === 'cnn' },
  { label: 'Trained here', holds: (entry) => entry.source === 'trained' },
  { label: 'Imported', holds: (entry) => entry.source === 'imported' },
];

/** "784 → 1024 → 10", or for a CNN "784 → conv 16 → conv 32 → 64 → 10". */
function layersText(model: ModelSummary): string {
  const hidden = model.sizes.slice(1, -1).map((size, k) => (model.hiddenKinds[k] === 'conv' ? `conv ${size}` : String(size)));
  return [model.sizes[0], ...hidden, model.sizes[model.sizes.length - 1]].join(' → ');
}

export function ModelPanel({ models, model, loading, onSelect, onImport, onCancel }: Props) {
  const [dragging, setDragging] = useState(false);
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const files = Array.from(event.dataTransfer.files);
    if (files.length > 0) onImport(files);
  };
  return (
    <section className="card" aria-labelledby="model-heading">
      <h2 id="model-heading">Model</h2>
      <label className="field">
        <span>Network</span>
        <select data-testid="model-select" value={model?.id ?? ''} disabled={loading || models.length === 0} onChange={(event) => onSelect(event.target.value)}>
          {!model && <option value="">Loading…</option>}
          {GROUPS.map(({ label, holds }) => {
            const group = models.filter(holds);
            return group.length === 0 ? null : (
              <optgroup key={label} label={label}>
                {group.map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {entry.title}
                  </option>
                ))}
              </optgroup>
            );
          })}
        </select>
      </label>
      {model && (
        <dl className="facts">
          <div>
            <dt>Layers</dt>
            <dd data-testid="model-layers">{layersText(model)}</dd>
          </div>
          <div>
            <dt>Parameters</dt>
            <dd>{count(model.params)}</dd>
          </div>
          <div>
            <dt>Dense test accuracy</dt>
            <dd data-testid="dense-accuracy">{percent(model.denseAccuracy)}</dd>
          </div>
          {model.hiddenZeroFraction !== undefined && (
            <div>
              <dt>Zero hidden activations</dt>
              <dd>{percent(model.hiddenZeroFraction, 0)}</dd>
            </div>
          )}
        </dl>
      )}
      {model?.description && <p className="hint">{model.description}</p>}
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <label className="file-button">
          Import a tfjs model…
          <input
            data-testid="model-import"
            type="file"
            accept=".json,.bin,application/json,application/octet-stream"
            multiple
            onChange={(event) => {
              const files = Array.from(event.target.files ?? []);
              event.target.value = '';
              if (files.length > 0) onImport(files);
            }}
          />
        </label>
        <span className="hint">or drop model.json and its .bin files here</span>
        {loading && (
          <button type="button" data-testid="cancel-load" onClick={onCancel}>
            Cancel loading
          </button>
        )}
      </div>
    </section>
  );
}
