/**
 * The speed-up headline is one sweep measurement per method, and a single run on a shared machine
 * can be off several-fold. This times i-SpaSP and GFS again, several runs each at the same kept
 * count, in a worker of its own (the page's pruning and sweep are not disturbed), and reports the
 * median and the range.
 */
import { useEffect, useRef, useState } from 'react';
import { errorMessage, METHOD_LABELS, PlaygroundClient, type PruneMethod } from '../../client/worker-client';
import { milliseconds } from '../format';
import type { Settings } from '../store';
import { ratioSpread, spread, type Spread } from './repeat-stats';

export const REPEAT_RUNS = 5;
const METHODS: readonly PruneMethod[] = ['ispasp', 'gfs'];

interface Props {
  readonly modelId: string | null;
  /** The kept ratio (fraction) the headline compares at. */
  readonly keep: number | null;
  readonly keptNeurons: number | null;
  readonly settings: Pick<Settings, 'iterations' | 'samples' | 'seed'>;
  readonly runs?: number;
}

type Result = Partial<Record<PruneMethod, Spread>>;

export function RepeatedTimings({ modelId, keep, keptNeurons, settings, runs = REPEAT_RUNS }: Props) {
  const clientRef = useRef<PlaygroundClient | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [result, setResult] = useState<{ key: string; spreads: Result } | null>(null);
  const key = `${modelId}|${keep}|${settings.iterations}|${settings.samples}|${settings.seed}`;

  useEffect(() => () => clientRef.current?.restart(), []);
  // A measurement for other settings no longer applies; a running one is stopped.
  useEffect(() => {
    clientRef.current?.restart();
    setBusy(false);
    setStatus(null);
  }, [key]);

  if (modelId === null || keep === null) return null;

  const measure = async () => {
    setBusy(true);
    setResult(null);
    const client = clientRef.current ?? (clientRef.current = new PlaygroundClient());
    try {
      setStatus('Loading the model in a separate worker…');
      const forced = new URLSearchParams(window.location.search).get('backend');
      await client.init(forced as never);
      await client.loadModel(modelId);
      const times: Record<string, number[]> = { ispasp: [], gfs: [] };
      const request = (method: PruneMethod) => ({ method, keep, iterations: settings.iterations, samples: settings.samples, seed: settings.seed, refit: false, finetuneEpochs: 0 });
      // One untimed prune first: it builds the calibration pass both methods then share.
      await client.prune(request('ispasp'));
      for (let run = 1; run <= runs; run++) {
        for (const method of METHODS) {
          setStatus(`Run ${run} of ${runs}: ${METHOD_LABELS[method]}…`);
          const view = await client.prune(request(method));
          if (view) times[method].push(view.timingsMs.prune);
        }
      }
      const spreads: Result = {};
      for (const method of METHODS) spreads[method] = spread(times[method]) ?? undefined;
      setResult({ key, spreads });
      setStatus(null);
    } catch (error) {
      setStatus(`Timing failed: ${errorMessage(error)}`);
    } finally {
      // The worker holds a model and the MNIST images: let it go until the next measurement.
      client.restart();
      setBusy(false);
    }
  };

  const shown = result?.key === key ? result.spreads : null;
  const ratio = shown?.ispasp && shown.gfs ? ratioSpread(shown.gfs, shown.ispasp) : null;
  return (
    <div className="repeated-timings" data-testid="repeated-timings">
      <p className="hint">
        The bars and the headline are one measurement each; on a shared machine one run can be off several-fold.{' '}
        <button type="button" onClick={measure} disabled={busy} data-testid="repeat-timings">
          Time {runs} runs of i-SpaSP and GFS{keptNeurons !== null ? ` at ${keptNeurons.toLocaleString('en-US')} kept` : ''}
        </button>
      </p>
      {status ? (
        <p className="hint" aria-live="polite">
          {status}
        </p>
      ) : null}
      {shown ? (
        <ul className="repeated-timings__list" data-testid="repeated-timings-result" aria-live="polite">
          {METHODS.map((method) => {
            const s = shown[method];
            return s ? (
              <li key={method}>
                {METHOD_LABELS[method]}: median {milliseconds(s.median)}, range {milliseconds(s.min)} to {milliseconds(s.max)} ({s.runs} runs)
              </li>
            ) : null;
          })}
          {ratio ? (
            <li data-testid="repeated-speedup">
              GFS takes {ratio.median.toFixed(ratio.median >= 10 ? 0 : 1)}× i-SpaSP’s median time (from {ratio.min.toFixed(1)}× to {ratio.max.toFixed(0)}× between the slowest and fastest runs).
            </li>
          ) : null}
        </ul>
      ) : null}
    </div>
  );
}
