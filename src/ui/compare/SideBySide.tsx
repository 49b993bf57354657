/**
 * Two networks pruned with the same method at the same ratio in one view: the page's own model on
 * one side, its partner (the sparse and the plain 784-1024-10 networks pair up) on the other,
 * pruned by a second worker so the page's own pruning is not disturbed. For the lesson
 * "sparsity is what makes i-SpaSP work".
 */
import { useEffect, useMemo, useState } from 'react';
import { errorMessage, PlaygroundClient, type ModelEntry, type ModelSummary, type NeuronAtlas, type PruneView } from '../../client/worker-client';
import { percent } from '../format';
import { MAX_DRAWN } from '../neurons/grid-layout';
import { NeuronGrid } from '../neurons/NeuronGrid';
import type { Settings } from '../store';
import './compare.css';

export const SPARSE_PAIR = ['mlp-1024-sparse', 'mlp-1024'] as const;

/** The network shown next to `modelId`: the other one of the pair. */
export function partnerOf(modelId: string | null): string {
  return modelId === SPARSE_PAIR[1] ? SPARSE_PAIR[0] : SPARSE_PAIR[1];
}

interface Side {
  readonly model: ModelSummary | ModelEntry | null;
  readonly atlas: NeuronAtlas | null;
  readonly view: PruneView | null;
  readonly status: string | null;
}

export interface SideBySideProps {
  readonly models: readonly ModelEntry[];
  readonly model: ModelSummary | null;
  readonly atlas: NeuronAtlas | null;
  readonly view: PruneView | null;
  readonly settings: Settings;
  readonly onClose: () => void;
}

export function SideBySide({ models, model, atlas, view, settings, onClose }: SideBySideProps) {
  const partnerId = partnerOf(model?.id ?? null);
  const partner = usePartner(partnerId, settings);
  const own: Side = { model, atlas, view, status: view ? null : 'Pruning…' };
  const other: Side = { ...partner, model: partner.model ?? models.find((entry) => entry.id === partnerId) ?? null };
  // The sparse network on the left, whichever of the two the page has open.
  const sides = model?.id === SPARSE_PAIR[1] ? [other, own] : [own, other];
  return (
    <section className="card side-by-side" data-testid="side-by-side" aria-labelledby="side-by-side-heading">
      <div className="side-by-side__head">
        <h2 id="side-by-side-heading">Side by side: {settings.keep}% kept on both</h2>
        <button type="button" onClick={onClose} data-testid="side-by-side-close">
          Close
        </button>
      </div>
      <p className="hint">
        The same method and keep ratio on two networks. Fine-tuning is left out on the second one, so both columns show what the selection alone does{settings.refit ? ' (with refit)' : ''}.
      </p>
      <div className="side-by-side__columns">
        {sides.map((side, k) => (
          <SideColumn key={k} side={side} testId={k === 0 ? 'side-left' : 'side-right'} />
        ))}
      </div>
    </section>
  );
}

function SideColumn({ side, testId }: { side: Side; testId: string }) {
  const { model, view, atlas, status } = side;
  const layer = view?.layers[0];
  const zeros = model?.hiddenZeroFraction;
  return (
    <div className="side-by-side__column" data-testid={testId}>
      <h3>{model ? model.id : '…'}</h3>
      <p className="muted">{zeros !== undefined ? `${percent(zeros)} of hidden activations are zero` : model?.description ?? ''}</p>
      <dl className="facts side-by-side__facts">
        <div>
          <dt>Test accuracy</dt>
          <dd data-testid={`${testId}-accuracy`}>
            {view ? percent(view.accuracy.raw) : '–'}
            {view?.accuracy.refit !== undefined ? `, refit ${percent(view.accuracy.refit)}` : ''}
            {view ? <span className="muted"> (dense {percent(view.accuracy.dense)})</span> : null}
          </dd>
        </div>
        <div>
          <dt>Kept</dt>
          <dd data-testid={`${testId}-kept`}>{layer ? `${layer.keptCount} / ${layer.units}` : '–'}</dd>
        </div>
        <div>
          <dt>Relative residual</dt>
          <dd>{layer ? layer.relativeResidual.toFixed(3) : '–'}</dd>
        </div>
      </dl>
      {status ? <p className="hint">{status}</p> : null}
      <NeuronGrid atlas={atlas} kept={layer?.kept ?? null} step={null} compact />
    </div>
  );
}

/** The partner network in its own worker: loaded once, re-pruned whenever the settings change. */
function usePartner(modelId: string, settings: Settings): Side {
  const client = useMemo(() => new PlaygroundClient(), []);
  const [loaded, setLoaded] = useState<{ model: ModelSummary; atlas: NeuronAtlas } | null>(null);
  const [view, setView] = useState<PruneView | null>(null);
  const [status, setStatus] = useState<string | null>('Loading the second network…');

  useEffect(() => () => client.restart(), [client]);

  useEffect(() => {
    let alive = true;
    setLoaded(null);
    setView(null);
    setStatus(`Loading ${modelId}…`);
    (async () => {
      try {
        const forced = new URLSearchParams(window.location.search).get('backend');
        await client.init(forced as never);
        const model = await client.loadModel(modelId);
        const atlas = await client.neurons(undefined, MAX_DRAWN);
        if (alive) setLoaded({ model, atlas });
      } catch (error) {
        if (alive) setStatus(`Could not load ${modelId}: ${errorMessage(error)}`);
      }
    })();
    return () => {
      alive = false;
    };
  }, [client, modelId]);

  const { method, keep, iterations, samples, seed, refit } = settings;
  useEffect(() => {
    if (!loaded) return;
    let alive = true;
    setStatus('Pruning…');
    client
      .prune({ method, keep: keep / 100, iterations, samples, seed, refit, finetuneEpochs: 0 })
      .then((next) => {
        if (!alive || !next) return;
        setView(next);
        setStatus(null);
      })
      .catch((error) => alive && setStatus(`Pruning failed: ${errorMessage(error)}`));
    return () => {
      alive = false;
    };
  }, [client, loaded, method, keep, iterations, samples, seed, refit]);

  return { model: loaded?.model ?? null, atlas: loaded?.atlas ?? null, view, status };
}
