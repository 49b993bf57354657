/**
 * Connects the store to the worker: starts the backend, loads models, re-prunes whenever the
 * settings change (latest request wins), re-sweeps when what the sweep depends on changes, keeps
 * the URL in step, and turns user intents into worker calls. Progress events are batched to at
 * most one render per animation frame.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { errorMessage, isCancelled, PlaygroundClient, PRUNE_METHODS, type LoadProgress, type ModelSummary, type TrainRequest } from '../client/worker-client';
import { readUrlState, writeUrlState } from '../client/url-state';
import { download, sweepCsv } from './downloads';
import { initialState, keepRatios, reducer, type Action, type Settings } from './store';
import { gfsMaxPercent, sweepOrder } from './sweep-plan';
import { MAX_DRAWN } from './neurons/grid-layout';

function frameBatcher(dispatch: (action: Action) => void) {
  let queue: Action[] = [];
  let scheduled = false;
  return (action: Action) => {
    queue.push(action);
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      const actions = queue;
      queue = [];
      scheduled = false;
      for (const queued of actions) dispatch(queued);
    });
  };
}

/** Like frameBatcher, but at most one flush per `intervalMs`: sweep points redraw whole charts. */
function intervalBatcher(dispatch: (action: Action) => void, intervalMs: number) {
  let queue: Action[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  return (action: Action) => {
    queue.push(action);
    if (timer) return;
    timer = setTimeout(() => {
      const actions = queue;
      queue = [];
      timer = null;
      dispatch({ type: 'batch', actions });
    }, intervalMs);
  };
}

export function usePlayground() {
  const [state, dispatch] = useReducer(reducer, undefined, () => initialState(readUrlState(window.location.search)));
  const client = useMemo(() => new PlaygroundClient(), []);
  const batched = useMemo(() => frameBatcher(dispatch), []);
  const slowBatched = useMemo(() => intervalBatcher(dispatch, 250), []);
  const settingsRef = useRef(state.settings);
  settingsRef.current = state.settings;
  const { settings, model } = state;

  const fail = useCallback((error: unknown) => {
    if (!isCancelled(error)) dispatch({ type: 'error', error: errorMessage(error) });
  }, []);

  const onLoadProgress = useCallback((progress: LoadProgress) => batched({ type: 'load-progress', progress }), [batched]);
  const loadTicket = useRef(0);

  /** Opens a model; a newer open supersedes it (the worker cancels the older one; its outcome is dropped here). */
  const openModel = useCallback(
    async (load: (onProgress: (progress: LoadProgress) => void) => Promise<ModelSummary>) => {
      const ticket = ++loadTicket.current;
      dispatch({ type: 'model-loading' });
      try {
        const summary = await load(onLoadProgress);
        const [atlas, sparsity] = await Promise.all([client.neurons(onLoadProgress, MAX_DRAWN), client.sparsity(onLoadProgress)]);
        if (ticket !== loadTicket.current) return null;
        dispatch({ type: 'model-loaded', model: summary, atlas, sparsity });
        dispatch({ type: 'announce', text: `Loaded ${summary.title}: dense test accuracy ${(summary.denseAccuracy * 100).toFixed(1)}%` });
        return summary;
      } catch (error) {
        if (ticket !== loadTicket.current) return null;
        dispatch({ type: 'model-failed' });
        // A stopped training run is not a failure, but the user should hear what was kept.
        dispatch({ type: 'error', error: errorMessage(error) });
        return null;
      }
    },
    [client, onLoadProgress],
  );

  // Start-up: backend, model list, then the model from the URL or the default.
  useEffect(() => {
    let alive = true;
    (async () => {
      try {
        const forced = new URLSearchParams(window.location.search).get('backend');
        const { backend, models, skipped } = await client.init(forced as never);
        if (!alive) return;
        dispatch({ type: 'started', backend, models });
        if (skipped.length > 0) {
          dispatch({ type: 'error', error: errorMessage(skipped.length === 1 ? skipped[0] : `${skipped.length} saved models were skipped; the first: ${skipped[0]}`) });
        }
        const wanted = models.find((entry) => entry.id === settingsRef.current.model) ?? models[0];
        if (wanted) await openModel((onProgress) => client.loadModel(wanted.id, onProgress));
      } catch (error) {
        dispatch({ type: 'failed', error: errorMessage(error) });
      }
    })();
    return () => {
      alive = false;
    };
  }, [client, openModel]);

  // A probe for tests and curious users: the worker's tfjs memory.
  useEffect(() => {
    (window as unknown as { __spasp?: unknown }).__spasp = { memory: () => client.memory() };
  }, [client]);

  // The URL follows the settings.
  useEffect(() => {
    window.history.replaceState(null, '', writeUrlState(settings, window.location.search) + window.location.hash);
  }, [settings]);

  // Re-prune on every settings change; stale results are dropped by the client.
  const hiddenLayers = model ? model.sizes.length - 2 : 0;
  useEffect(() => {
    if (!model) return;
    const ratios = keepRatios(settings, hiddenLayers);
    const request = {
      method: settings.method,
      keep: settings.perLayer ? ratios : ratios[0],
      iterations: settings.iterations,
      samples: settings.samples,
      seed: settings.seed,
      refit: settings.refit,
      finetuneEpochs: settings.finetune,
    };
    dispatch({ type: 'prune-started' });
    client
      .prune(request, (layer, residual) => batched({ type: 'prune-iteration', layer, residual }), onLoadProgress)
      .then((view) => {
        if (!view) return;
        dispatch({ type: 'pruned', view });
        const shown = view.accuracy.finetuned ?? view.accuracy.refit ?? view.accuracy.raw;
        dispatch({
          type: 'announce',
          text: `Kept ${view.layers.map((l) => `${l.keptCount} of ${l.units}`).join(', ')} neurons: test accuracy ${(shown * 100).toFixed(1)}%`,
        });
      })
      .catch((error) => {
        dispatch({ type: 'prune-settled' });
        if (!isCancelled(error)) dispatch({ type: 'error', error: errorMessage(error), fromPrune: true });
      });
  }, [client, batched, onLoadProgress, model, hiddenLayers, settings]);

  // The accuracy sweep depends on the model and the calibration settings, not on the slider.
  const { iterations, samples, seed, refit } = settings;
  useEffect(() => {
    if (!model) return;
    let alive = true;
    dispatch({ type: 'sweep-started' });
    const widths = model.sizes.slice(1, -1);
    const keeps = sweepOrder(widths).map((percent) => percent / 100);
    client
      .sweep({ methods: PRUNE_METHODS, maxKeep: { gfs: gfsMaxPercent(widths) / 100 }, keeps, iterations, samples, seed, refit }, (point) => {
        if (alive) slowBatched({ type: 'sweep-point', point });
      })
      .then(
        // Queued after the last batch of points, so the count is final when "finished" shows.
        () => alive && slowBatched({ type: 'sweep-finished' }),
        (error) => {
          if (alive) dispatch({ type: 'sweep-finished' });
          if (!isCancelled(error)) fail(error);
        },
      );
    return () => {
      alive = false;
    };
  }, [client, slowBatched, fail, model, iterations, samples, seed, refit]);

  // Predictions follow the pad and the pruned network.
  const { pixels } = state.pad;
  const view = state.prune.view;
  useEffect(() => {
    if (!pixels || !view) return;
    client.predict(pixels).then((prediction) => dispatch({ type: 'prediction', prediction }), fail);
  }, [client, fail, pixels, view]);

  const actions = useMemo(
    () => ({
      setSettings(patch: Partial<Settings>) {
        dispatch({ type: 'settings', patch });
      },
      selectModel(id: string) {
        void openModel((onProgress) => client.loadModel(id, onProgress));
      },
      async importFiles(files: File[]) {
        dispatch({ type: 'error', error: null });
        const summary = await openModel((onProgress) => client.importModel(files, onProgress));
        if (summary) dispatch({ type: 'model-added', entry: summary });
      },
      async train(request: TrainRequest) {
        dispatch({ type: 'error', error: null });
        dispatch({ type: 'train-started' });
        const summary = await openModel((onProgress) => client.train(request, (progress) => batched({ type: 'train-progress', progress }), onProgress));
        dispatch({ type: 'train-finished' });
        if (summary) dispatch({ type: 'model-added', entry: summary });
      },
      stopTraining() {
        void client.cancel();
      },
      cancelLoad() {
        void client.cancel();
      },
      setStep(index: number | null) {
        dispatch({ type: 'step', index });
      },
      setSweepMode(mode: 'raw' | 'refit') {
        dispatch({ type: 'sweep-mode', mode });
      },
      padInput(pixels: Float32Array) {
        dispatch({ type: 'pad-input', pixels });
      },
      async pickTestImage() {
        const picked = await client.testImage(Math.floor(Math.random() * 10000));
        dispatch({ type: 'pad-image', image: picked.pixels, label: picked.label });
        dispatch({ type: 'pad-input', pixels: picked.pixels });
      },
      async exportModel() {
        try {
          const files = await client.exportPruned();
          download(`${files.baseName}.json`, files.modelJson, 'application/json');
          download(files.weightsFileName, files.weights, 'application/octet-stream');
          dispatch({ type: 'announce', text: `Exported ${files.baseName}.json and ${files.weightsFileName}` });
        } catch (error) {
          fail(error);
        }
      },
      async exportNetwork(format: 'onnx' | 'safetensors') {
        try {
          const file = await client.exportNetworkAs(format);
          download(file.fileName, file.bytes, 'application/octet-stream');
          dispatch({ type: 'announce', text: `Exported ${file.fileName}` });
        } catch (error) {
          fail(error);
        }
      },
      async exportReport() {
        try {
          const files = await client.exportPruned();
          download(`${files.baseName}.report.json`, files.reportJson, 'application/json');
        } catch (error) {
          fail(error);
        }
      },
      exportSweep(points: Parameters<typeof sweepCsv>[0], name: string) {
        download(`${name}-sweep.csv`, sweepCsv(points), 'text/csv');
      },
      dismissError() {
        dispatch({ type: 'error', error: null });
      },
      setPresentation(on: boolean) {
        dispatch({ type: 'presentation', on });
      },
      memory: () => client.memory(),
    }),
    [client, batched, fail, openModel],
  );

  return { state, actions };
}

export type PlaygroundActions = ReturnType<typeof usePlayground>['actions'];
