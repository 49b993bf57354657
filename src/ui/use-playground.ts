/**
 * Connects the store to the worker: starts the backend, loads models, re-prunes whenever the
 * settings change (latest request wins), re-sweeps when what the sweep depends on changes, keeps
 * the URL in step, and turns user intents into worker calls. Progress events are batched to at
 * most one render per animation frame.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { errorMessage, isCancelled, PlaygroundClient, PRUNE_METHODS, type LoadProgress, type ModelSummary, type TrainRequest } from '../client/worker-client';
import { readUrlState, writeUrlState } from '../client/url-state';
import { holdChartTurns } from './charts/chart-turn';
import { download, sweepCsv } from './downloads';
import { initialState, keepRatios, reducer, type Action, type ErrorSource, type Settings } from './store';
import { gfsMaxPercent, sweepOrder } from './sweep-plan';
import { MAX_DRAWN } from './neurons/grid-layout';
import { kindAt, unitCount } from './unit-words';

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

/** A new keep ratio goes into the URL once the slider has rested this long (history updates cost a few ms each). */
const URL_WRITE_DELAY_MS = 250;

export function usePlayground() {
  const [state, dispatch] = useReducer(reducer, undefined, () => {
    const url = readUrlState(window.location.search);
    const state = initialState(url);
    if (!url.problems) return state;
    const listed = url.problems.map((problem) => `${problem.key}=${problem.raw}`).join(', ');
    return reducer(state, { type: 'error', source: 'link', error: `This link has values the playground cannot use (${listed}); their defaults are used instead.` });
  });
  const client = useMemo(() => new PlaygroundClient(), []);
  const batched = useMemo(() => frameBatcher(dispatch), []);
  const slowBatched = useMemo(() => intervalBatcher(dispatch, 250), []);
  const settingsRef = useRef(state.settings);
  const { settings, model } = state;
  useEffect(() => {
    settingsRef.current = settings;
  }, [settings]);

  const fail = useCallback((source: ErrorSource, error: unknown) => {
    if (!isCancelled(error)) dispatch({ type: 'error', source, error: errorMessage(error) });
  }, []);

  const onLoadProgress = useCallback((progress: LoadProgress) => batched({ type: 'load-progress', progress }), [batched]);
  const loadTicket = useRef(0);

  /** Opens a model; a newer open supersedes it (the worker cancels the older one; its outcome is dropped here). */
  const openModel = useCallback(
    async (load: (onProgress: (progress: LoadProgress) => void) => Promise<ModelSummary>, source: ErrorSource = 'model', switching = false) => {
      const ticket = ++loadTicket.current;
      dispatch({ type: switching ? 'model-switching' : 'model-loading' });
      try {
        const summary = await load(onLoadProgress);
        const samples = settingsRef.current.samples;
        // A convolutional network has no neuron atlas: the Channels view draws its filters.
        const [atlas, sparsity] = await Promise.all([
          summary.kind === 'cnn' ? null : client.neurons(samples, onLoadProgress, MAX_DRAWN),
          client.sparsity(samples, onLoadProgress),
        ]);
        if (ticket !== loadTicket.current) return null;
        dispatch({ type: 'model-loaded', model: summary, atlas, sparsity });
        dispatch({ type: 'announce', text: `Loaded ${summary.title}: dense test accuracy ${(summary.denseAccuracy * 100).toFixed(1)}%` });
        if (summary.notSaved) dispatch({ type: 'error', source: 'saved', error: `${summary.title} is ${summary.notSaved}` });
        return summary;
      } catch (error) {
        if (ticket !== loadTicket.current) return null;
        dispatch({ type: 'model-failed' });
        // A stopped training run is not an error: the training panel says what happened.
        if (!isCancelled(error)) dispatch({ type: 'error', source, error: errorMessage(error) });
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
        const { backend, models, problems, skipped } = await client.init(forced);
        if (!alive) return;
        // Only after init: the worker must start once the service worker controls the page, so
        // its model and MNIST fetches are cached for offline use.
        void client.watchJobs((jobs) => batched({ type: 'jobs', jobs }));
        dispatch({ type: 'started', backend, models });
        if (skipped.length > 0) {
          dispatch({ type: 'error', source: 'saved', error: errorMessage(skipped.length === 1 ? skipped[0] : `${skipped.length} saved models were skipped; the first: ${skipped[0]}`) });
        }
        if (problems.length > 0) dispatch({ type: 'error', source: 'start', error: problems.join(' ') });
        const asked = settingsRef.current.model;
        const found = models.find((entry) => entry.id === asked);
        const wanted = found ?? models[0];
        if (asked && !found && wanted) {
          const list = models.map((entry) => entry.id).join(', ');
          dispatch({ type: 'error', source: 'link', error: `There is no model '${asked}' here; opened ${wanted.id} instead. Pick one in the Model panel: ${list}.` });
        }
        if (wanted) await openModel((onProgress) => client.loadModel(wanted.id, onProgress));
      } catch (error) {
        dispatch({ type: 'failed', error: errorMessage(error) });
      }
    })();
    return () => {
      alive = false;
    };
  }, [client, openModel, batched]);

  // A probe for tests and curious users: the worker's tfjs memory.
  useEffect(() => {
    (window as unknown as { __spasp?: unknown }).__spasp = { memory: () => client.memory() };
  }, [client]);

  // The URL follows the settings: at once, except that the keep ratio waits for the slider to
  // rest (a drag would rewrite it on every step).
  const urlSettings = useRef(settings);
  useEffect(() => {
    const write = () => {
      urlSettings.current = settings;
      window.history.replaceState(null, '', writeUrlState(settings, window.location.search) + window.location.hash);
    };
    const written = urlSettings.current;
    const ratioOnly = (Object.keys(settings) as (keyof Settings)[]).every((key) => key === 'keep' || key === 'perLayer' || settings[key] === written[key]);
    if (!ratioOnly) return write();
    const timer = setTimeout(write, URL_WRITE_DELAY_MS);
    return () => clearTimeout(timer);
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
      finetuneEpochs: settings.finetuneEpochs,
      finetuneLearningRate: settings.finetuneLearningRate,
    };
    dispatch({ type: 'prune-started' });
    // The result first: the charts' redraws wait (chart-turn.ts) while this prune is on its way.
    const releaseCharts = holdChartTurns();
    client
      .prune(request, (layer, residual) => batched({ type: 'prune-iteration', layer, residual }), onLoadProgress)
      .then((view) => {
        if (!view) return;
        dispatch({ type: 'pruned', view });
        dispatch({
          type: 'announce',
          text: `Kept ${view.layers.map((l, k) => `${l.keptCount} of ${unitCount(kindAt(model.hiddenKinds, k), l.units)}`).join(', ')}: test accuracy ${(view.accuracy.delivered * 100).toFixed(1)}%`,
        });
        // A quick result (first test images only) is measured on all of them next; a newer prune drops it.
        if (view.accuracy.subset) {
          client.completeAccuracy(view.serial).then(
            (full) => full && dispatch({ type: 'accuracy-completed', view: full }),
            (error) => fail('prune', error),
          );
        }
      })
      .catch((error) => {
        dispatch({ type: 'prune-settled' });
        fail('prune', error);
      })
      .finally(releaseCharts);
  }, [client, batched, fail, onLoadProgress, model, hiddenLayers, settings]);

  // The accuracy sweep depends on the model and the calibration settings, not on the slider.
  const { iterations, samples, seed, refit } = settings;
  useEffect(() => {
    if (!model) return;
    let alive = true;
    dispatch({ type: 'sweep-started' });
    const widths = model.sizes.slice(1, -1);
    const keeps = sweepOrder(widths).map((percent) => percent / 100);
    client
      .sweep({ methods: PRUNE_METHODS, maxKeep: { gfs: gfsMaxPercent(widths, model.kind) / 100 }, keeps, iterations, samples, seed, refit }, (point) => {
        if (alive) slowBatched({ type: 'sweep-point', point });
      })
      .then(
        // Queued after the last batch of points, so the count is final when "finished" shows.
        () => alive && slowBatched({ type: 'sweep-finished' }),
        (error) => {
          // A cancelled sweep is not an error: its job state (shown beside the chart) says why it ended.
          if (alive) dispatch({ type: 'sweep-finished' });
          fail('sweep', error);
        },
      );
    return () => {
      alive = false;
    };
  }, [client, slowBatched, fail, model, iterations, samples, seed, refit]);

  // The neuron grid and the sparsity chart follow the calibration size the prune uses.
  const atlasFor = useRef<{ model: ModelSummary; samples: number } | null>(null);
  useEffect(() => {
    if (!model) return;
    const previous = atlasFor.current;
    atlasFor.current = { model, samples };
    if (!previous || previous.model !== model || previous.samples === samples) return;
    let alive = true;
    Promise.all([model.kind === 'cnn' ? null : client.neurons(samples, undefined, MAX_DRAWN), client.sparsity(samples)]).then(
      ([atlas, sparsity]) => alive && dispatch({ type: 'atlas', atlas, sparsity }),
      (error) => fail('prune', error),
    );
    return () => {
      alive = false;
    };
  }, [client, fail, model, samples]);

  // Predictions follow the pad and the pruned network.
  const { pixels } = state.pad;
  const view = state.prune.view;
  useEffect(() => {
    if (!pixels || !view) return;
    client.predict(pixels).then((prediction) => dispatch({ type: 'prediction', prediction }), (error) => fail('pad', error));
  }, [client, fail, pixels, view]);

  const actions = useMemo(
    () => ({
      setSettings(patch: Partial<Settings>) {
        dispatch({ type: 'settings', patch });
      },
      selectModel(id: string) {
        dispatch({ type: 'error', source: 'link', error: null });
        void openModel((onProgress) => client.loadModel(id, onProgress), 'model', true);
      },
      async importFiles(files: File[]) {
        dispatch({ type: 'error', source: 'model', error: null });
        const summary = await openModel((onProgress) => client.importModel(files, onProgress));
        if (summary) dispatch({ type: 'model-added', entry: summary });
      },
      async train(request: TrainRequest) {
        dispatch({ type: 'error', source: 'train', error: null });
        dispatch({ type: 'train-started' });
        const summary = await openModel((onProgress) => client.train(request, (progress) => batched({ type: 'train-progress', progress }), onProgress), 'train');
        dispatch({ type: 'train-finished' });
        if (summary) dispatch({ type: 'model-added', entry: summary });
      },
      stopTraining() {
        void client.cancel('train');
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
          dispatch({ type: 'error', source: 'export', error: null });
        } catch (error) {
          fail('export', error);
        }
      },
      async exportNetwork(format: 'onnx' | 'safetensors') {
        try {
          const file = await client.exportNetworkAs(format);
          download(file.fileName, file.bytes, 'application/octet-stream');
          dispatch({ type: 'announce', text: `Exported ${file.fileName}` });
          dispatch({ type: 'error', source: 'export', error: null });
        } catch (error) {
          fail('export', error);
        }
      },
      async exportReport() {
        try {
          const files = await client.exportPruned();
          download(`${files.baseName}.report.json`, files.reportJson, 'application/json');
          dispatch({ type: 'error', source: 'export', error: null });
        } catch (error) {
          fail('export', error);
        }
      },
      exportSweep(points: Parameters<typeof sweepCsv>[0], name: string) {
        download(`${name}-sweep.csv`, sweepCsv(points), 'text/csv');
      },
      dismissError(source: ErrorSource) {
        dispatch({ type: 'error', source, error: null });
      },
      setPresentation(on: boolean) {
        dispatch({ type: 'presentation', on });
      },
      memory: () => client.memory(),
    }),
    [client, batched, fail, openModel],
  );

  return { state, actions, client };
}

export type PlaygroundActions = ReturnType<typeof usePlayground>['actions'];
