/**
 * The worker's API: one object of async functions over the core, exposed with Comlink by
 * playground.worker.ts and testable in Node without a Worker. Arguments and results are plain
 * data (types.ts); progress arrives through callbacks the client passes (Comlink proxies them).
 *
 * Jobs run through the scheduler (scheduler.ts), one lane per kind: within a lane the latest
 * wins, between lanes the priorities written there hold, and every job's state reaches the page
 * (`watchJobs`). Opening a model is latest-wins too (a newer load cancels one still building its
 * test cache). The sweep also steps aside while prunes or a model load are in flight and resumes
 * when the slider has been still for a moment, so it never holds a slider move back by more than
 * one of its steps.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { backendDisplayName, describeStages } from '../core/backend-stages';
import type { MnistSplit } from '../core/data/mnist';
import { normalizedImages } from '../core/data/mnist';
import { CancelledError, isCancelled, ModelFormatError, OptionError, throwIfCancelled, type CancelToken } from '../core/errors';
import { isConvModelJson, loadCnnFromArtifacts, saveCnnToArtifacts } from '../core/cnn/cnn-io';
import { cnnHiddenZeroFractions } from '../core/cnn/cnn-sparsity';
import { exportNetwork, type ExportFormat } from '../core/export/export-network';
import { decodeModelJson, loadMlpFromNamedFiles, saveMlpToArtifacts, weightShardPaths, type Bytes, type WeightSource } from '../core/model/io';
import { MAX_MODEL_JSON_BYTES, MAX_WEIGHT_BYTES } from '../core/model/limits';
import { oneLine, shown } from '../core/error-line';
import { sparseKernelAvailable } from '../core/kernels/sparse-relu-affine';
import { layerSizes, macsPerExample, parameterCount, type Mlp } from '../core/model/mlp';
import type { LayerProblem } from '../core/pruning/layer-problem';
import { pruneNetwork, type PruneOutcome } from '../core/pruning/prune-network';
import { resolveKeepRatios } from '../core/pruning/prune-options';
import { exportBaseName, validatePruneSettings } from '../core/settings';
import { hiddenZeroFraction } from '../core/train/hidden-sparsity';
import type { Cnn } from '../core/cnn/cnn';
import { cnnMacsPerExample, cnnParameterCount } from '../core/cnn/cnn';
import { cnnLayerSizes } from '../core/cnn/cnn-report';
import { hiddenStages } from '../core/cnn/cnn-shrink';
import { channelProblemKey, cnnHiddenLayerCount, pruneCnn } from '../core/cnn/prune-cnn';
import { resolveKeepRatiosFor } from '../core/pruning/prune-options';
import { loadCnnFromSite, loadMlpFromSite, loadMnistAssets, loadShippedManifest, type FetchBytes, type ShippedModelEntry } from './assets';
import { cnnPruneViewOf, type CnnPruneMeasurements } from './cnn-prune-view';
import { createCnnSession, networkKey, QUICK_TEST_IMAGES, type CnnSession } from './cnn-session';
import { runCnnSweep } from './cnn-sweep';
import { cnnSparsityProfile, finetuneCnn, predictBothCnn } from './cnn-views';
import { createModelSession, type ModelSession } from './model-session';
import type { ModelPersistence } from './persistence';
import { neuronAtlas, predictBoth, sparsityProfile } from './views';
import { parseBackendOverride } from './backend-policy';
import { pruneViewOf } from './prune-view';
import { channelMaps, channelMapsTransferables, copyFeatureMaps, type ChannelMapsView } from './channel-maps';
import { cnnFeatureMaps, type CnnFeatureMaps } from '../core/cnn/feature-maps';
import { JobScheduler, type Job } from './scheduler';
import { selectionTrace } from './selection-trace';
import { runSweep } from './sweep';
import { finetunePruned, trainNew } from './training';
import type {
  BackendName,
  ChannelMapsRequest,
  ChannelTestDigit,
  BackendReport,
  HiddenLayerKind,
  JobLane,
  JobStatus,
  ExportedFiles,
  ExportedNetwork,
  LoadProgress,
  ModelEntry,
  ModelSummary,
  NeuronAtlas,
  Prediction,
  PruneRequest,
  PruneView,
  SparsityProfile,
  SweepPoint,
  SweepRequest,
  TrainProgressView,
  TrainRequest,
  WorkerMemory,
} from './types';

export interface ApiDependencies {
  readonly fetchBytes: FetchBytes;
  readonly activateBackend: (forced: BackendName | null) => Promise<BackendReport>;
  readonly persistence: ModelPersistence;
}

/** Lets queued messages (a newer slider value, a cancel) arrive before long work starts. */
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The same through a message task: a chain of zero-delay timers is clamped to 4 ms per step
 * after five (HTML timer nesting), which a sweep of a few hundred steps would pay in full.
 * Messages already queued (a prune, a cancel) still run first.
 */
const yieldTask = () =>
  new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });

/**
 * The sweep resumes once no prune has started or finished for this long. A drag is a burst of
 * prunes, and someone trying ratios reads each result for a moment: on wide layers a sweep step
 * started in such a pause is what a prune waits for (part of it cannot stop half-way).
 */
const SWEEP_IDLE_MS = 600;

/**
 * A prune reports its iterations live only once it has run this long: a fast prune's result
 * arrives before anyone could see them, and each report costs the page a message (and Comlink a
 * reply), 20 per prune, many per second in a drag.
 */
const LIVE_ITERATIONS_AFTER_MS = 100;

/** `onIteration`, holding reports back until LIVE_ITERATIONS_AFTER_MS after now, then passing them all on. */
function liveAfterDelay(onIteration?: (layer: number, residual: number) => void): ((layer: number, residual: number) => void) | undefined {
  if (!onIteration) return undefined;
  const started = performance.now();
  let held: [number, number][] = [];
  return (layer, residual) => {
    if (performance.now() - started < LIVE_ITERATIONS_AFTER_MS) return void held.push([layer, residual]);
    for (const [l, r] of held) onIteration(l, r);
    held = [];
    onIteration(layer, residual);
  };
}

type ProgressCallback = (progress: LoadProgress) => void;

/** A file the user chose: a File (sizes known before bytes), or its bytes (tests, older callers). */
export type ImportFile = { readonly name: string; readonly size: number; arrayBuffer(): Promise<ArrayBuffer> } | { readonly name: string; readonly bytes: ArrayBuffer };

function importSource(file: ImportFile): WeightSource {
  // A File first: newer browsers give Blobs a bytes() method too.
  if ('arrayBuffer' in file && typeof file.arrayBuffer === 'function') return { size: file.size, read: () => file.arrayBuffer() };
  const bytes = (file as { bytes: ArrayBuffer }).bytes;
  return { size: bytes.byteLength, read: async () => bytes };
}

/** A name from the user's disk, shortened for a title. */
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function createPlaygroundApi(deps: ApiDependencies) {
  let backend: BackendReport | null = null;
  let data: { train: MnistSplit; test: MnistSplit; testImages: Float32Array } | null = null;
  let shipped: ShippedModelEntry[] = [];
  const entries = new Map<string, ModelEntry>();
  let session: ModelSession | null = null;
  let sessionEntry: ModelEntry | null = null;
  let lastPruned: { view: PruneView; model: Mlp } | null = null;
  /** Exactly one of `session` (Dense) and `cnnSession` is set once a model is open. */
  let cnnSession: CnnSession | null = null;
  /** The last convolutional prune: its view, delivered network, and how to measure it on every test image. */
  let lastCnnPruned: { view: PruneView; model: Cnn; complete: (token: CancelToken) => Promise<PruneView> } | null = null;
  /** Numbers the views (PruneView.serial). */
  let pruneSerial = 0;
  const jobs = new JobScheduler();
  let loadJob: AbortController | null = null;
  let importJob: AbortController | null = null;
  let prunesInFlight = 0;
  let lastPruneActivity = -Infinity;
  let sweepTensors = 0;
  /**
   * Set by the page (shared memory) the moment it sends a prune, before the message can arrive:
   * a running sweep step sees it and gives way at once; the prune clears it when it starts.
   */
  let pruneWaiting: Int32Array | null = null;
  const interrupt = { get aborted() { return pruneWaiting !== null && Atomics.load(pruneWaiting, 0) !== 0; } };

  async function ensureData() {
    if (!data) {
      const { train, test } = await loadMnistAssets(deps.fetchBytes);
      data = { train, test, testImages: normalizedImages(test) };
    }
    return data;
  }

  function requireSession(): ModelSession {
    if (!session) throw new OptionError(cnnSession ? 'this works on Dense networks only; the open model is convolutional' : 'no model is loaded yet');
    return session;
  }

  /** The last prune's view and delivered network, and the file stem its exports share. */
  function requirePruned() {
    if (!lastPruned) throw new OptionError('prune the model first, then export');
    const { view, model } = lastPruned;
    return { view, model, baseName: exportBaseName(sessionEntry?.id ?? 'model', view.request, view.request.keep) };
  }

  /**
   * A convolutional model.json and its weight files: sizes checked against the cap before any
   * weight byte is read, then cnn-io.ts's validation. Kept for this visit only (the saved-model
   * store holds Dense networks).
   */
  async function importCnn(jsonName: string, modelJson: unknown, shards: ReadonlyMap<string, WeightSource>, controller: AbortController, onProgress?: ProgressCallback): Promise<ModelSummary> {
    const sources = weightShardPaths(modelJson).map((shardPath) => {
      const source = shards.get(shardPath) ?? shards.get(shardPath.split('/').pop() ?? shardPath);
      if (!source) throw new ModelFormatError(`weight file ${shown(shardPath, 80)} listed in model.json was not provided`);
      return source;
    });
    const bytes = sources.reduce((sum, source) => sum + source.size, 0);
    if (bytes > MAX_WEIGHT_BYTES) throw new ModelFormatError(`the weight files hold ${bytes} bytes; at most ${MAX_WEIGHT_BYTES} are accepted (MAX_WEIGHT_BYTES)`);
    const buffers: Bytes[] = [];
    for (const source of sources) {
      buffers.push(await source.read());
      throwIfCancelled(controller.signal);
    }
    const cnn = await loadCnnFromArtifacts(modelJson, buffers);
    const { testImages } = await ensureData();
    throwIfCancelled(controller.signal);
    const baseName = jsonName.replace(/\.json$/, '');
    const entry: ModelEntry = {
      id: `imported-${Date.now().toString(36)}`,
      title: `Imported: ${clip(baseName, 60)}`,
      description: `Imported from ${clip(jsonName, 120)}`,
      kind: 'cnn',
      sizes: cnnLayerSizes(cnn),
      source: 'imported',
      hiddenZeroFraction: (await cnnHiddenZeroFractions(cnn, testImages, 1000)).overall,
    };
    const load = startLoad();
    try {
      const summary = await openCnnSession(entry, cnn, load, onProgress);
      entries.set(entry.id, entry);
      return { ...summary, notSaved: 'not kept for your next visit: convolutional networks are kept for this visit only' };
    } finally {
      if (loadJob === load) loadJob = null;
    }
  }

  /** The last convolutional prune as tfjs files, its report measured on every test image. */
  async function exportCnn(): Promise<ExportedFiles> {
    const pruned = lastCnnPruned;
    if (!pruned) throw new OptionError('prune the model first, then export');
    const view = await pruned.complete({ aborted: false });
    const baseName = exportBaseName(sessionEntry?.id ?? 'model', view.request, view.request.keep);
    const { modelJson, weightData, weightsFileName } = await saveCnnToArtifacts(pruned.model, { name: baseName, metadata: { pruning: { ...view.report } } });
    return { baseName, modelJson: JSON.stringify(modelJson), weightsFileName, weights: weightData, reportJson: JSON.stringify(view.report, null, 2) };
  }

  /** A newer model load cancels an older one still in progress. */
  function startLoad(): AbortController {
    loadJob?.abort();
    loadJob = new AbortController();
    return loadJob;
  }

  /**
   * Opens a session for `entry`: cancels the old model's jobs, builds the new session's test cache
   * with progress, and installs it only if this load is still the latest.
   */
  async function openWith<S>(
    controller: AbortController,
    onProgress: ProgressCallback | undefined,
    create: (data: Awaited<ReturnType<typeof ensureData>>, options: { signal: AbortSignal; yieldToEvents: typeof yieldToEvents; onProgress: (fraction: number) => void }) => Promise<S>,
    install: (next: S) => ModelSummary,
  ): Promise<ModelSummary> {
    for (const lane of ['prune', 'finetune', 'sweep', 'maps'] as const) jobs.cancel(lane, 'another model was opened');
    try {
      const data = await ensureData();
      throwIfCancelled(controller.signal);
      onProgress?.({ phase: 'test-cache', fraction: 0 });
      const next = await create(data, {
        signal: controller.signal,
        yieldToEvents,
        onProgress: (fraction) => onProgress?.({ phase: 'test-cache', fraction }),
      });
      throwIfCancelled(controller.signal);
      lastPruned = null;
      lastCnnPruned = null;
      return install(next);
    } finally {
      if (loadJob === controller) loadJob = null;
    }
  }

  function openCnnSession(entry: ModelEntry, dense: Cnn, controller: AbortController, onProgress?: ProgressCallback): Promise<ModelSummary> {
    return openWith(
      controller,
      onProgress,
      ({ train, test, testImages }, options) => createCnnSession(entry.id, dense, train, test, testImages, options),
      (next) => {
        cnnSession = next;
        sessionEntry = entry;
        session = null;
        const hiddenKinds: HiddenLayerKind[] = hiddenStages(dense).map((stage) => (dense.layers[stage.layer].kind === 'conv' ? 'conv' : 'dense'));
        return {
          ...entry,
          kind: 'cnn',
          hiddenKinds,
          sizes: cnnLayerSizes(dense),
          params: cnnParameterCount(dense),
          macs: cnnMacsPerExample(dense),
          denseAccuracy: next.denseAccuracy,
        };
      },
    );
  }

  function openSession(entry: ModelEntry, dense: Mlp, controller: AbortController, onProgress?: ProgressCallback): Promise<ModelSummary> {
    return openWith(
      controller,
      onProgress,
      ({ train, test, testImages }, options) => createModelSession(entry.id, dense, train, test, testImages, options),
      (next) => {
        session = next;
        sessionEntry = entry;
        cnnSession = null;
        return summarize(entry, next);
      },
    );
  }

  /** The dense network's feature maps per CNN session and test image: they never change with the slider. */
  const denseMaps = new WeakMap<CnnSession, Map<number, CnnFeatureMaps>>();
  /** Test images the Channels view offers maps of; cached the same way only for these (and at most this many). */
  const DENSE_MAPS_CACHED = 32;

  async function denseMapsFor(current: CnnSession, index: number, image: Float32Array): Promise<CnnFeatureMaps> {
    let known = denseMaps.get(current);
    if (!known) denseMaps.set(current, (known = new Map()));
    let maps = known.get(index);
    if (!maps) {
      maps = await cnnFeatureMaps(current.dense, image);
      if (known.size < DENSE_MAPS_CACHED) known.set(index, maps);
    }
    return maps;
  }

  /** Sparsity profiles per session and calibration size: they never change with the ratio. */
  const profiles = new WeakMap<ModelSession, Map<number, SparsityProfile>>();

  function profileFor(current: ModelSession, samples: number, problem: LayerProblem): SparsityProfile {
    let known = profiles.get(current);
    if (!known) profiles.set(current, (known = new Map()));
    let profile = known.get(samples);
    if (!profile) known.set(samples, (profile = sparsityProfile(problem)));
    return profile;
  }

  /**
   * The first layer's calibration problem, saying so first when it costs a pass over the images.
   * A new problem's sparsity profile is computed with it, while the first prune's progress bar
   * shows (about 0.2 s on 784-10000-10): asked for later, it would hold up the first slider moves.
   */
  function problemFor(current: ModelSession, samples: number, onProgress?: ProgressCallback) {
    if (current.hasFirstLayerProblem(samples)) return current.firstLayerProblem(samples);
    onProgress?.({ phase: 'calibration' });
    const problem = current.firstLayerProblem(samples);
    profileFor(current, samples, problem);
    return problem;
  }

  /**
   * The sweep's pause between steps: lets queued requests in, then waits for its turn (no
   * fine-tune or training running), a quiet slider and no model load.
   */
  async function sweepPause(job: Job): Promise<void> {
    await yieldTask();
    for (;;) {
      await job.turn();
      const quietFor = performance.now() - lastPruneActivity;
      if (prunesInFlight === 0 && !loadJob && quietFor >= SWEEP_IDLE_MS) return;
      await sleep(prunesInFlight > 0 || loadJob ? 20 : SWEEP_IDLE_MS - quietFor);
    }
  }

  function summarize(entry: ModelEntry, current: ModelSession): ModelSummary {
    return {
      ...entry,
      kind: 'mlp',
      hiddenKinds: current.dense.layers.slice(1).map((): HiddenLayerKind => 'dense'),
      sizes: layerSizes(current.dense),
      params: parameterCount(current.dense),
      macs: macsPerExample(current.dense),
      denseAccuracy: current.denseAccuracy,
    };
  }

  /** Why a save to IndexedDB failed, for the page to show; null when it worked. */
  async function keep(entry: ModelEntry, model: Mlp): Promise<string | null> {
    try {
      await deps.persistence.save(entry, model);
      return null;
    } catch (error) {
      return `not kept for your next visit: ${(error as Error).message ?? String(error)}`;
    }
  }

  /** Runs `body` as a job of `lane`, recording how it ended (done, cancelled with why, failed). */
  async function runJob<T>(lane: JobLane, body: (job: Job) => Promise<T>): Promise<T> {
    const job = jobs.start(lane);
    try {
      const result = await body(job);
      job.settle();
      return result;
    } catch (error) {
      job.settle(error);
      throw error;
    }
  }

  /**
   * A convolutional network's prune: on the session's cached channel problems, scored on the first
   * QUICK_TEST_IMAGES test images (all of them when it fine-tunes: that takes far longer anyway);
   * `completeAccuracy` then measures it on every test image.
   */
  async function pruneCnnNow(current: CnnSession, request: PruneRequest, job: Job, onIteration?: (layer: number, residual: number) => void, onProgress?: ProgressCallback): Promise<PruneView> {
    validatePruneSettings(request);
    resolveKeepRatiosFor(cnnHiddenLayerCount(current.dense), request);
    const calibration = current.calibration(request.samples);
    const problemCache = current.problemCache(request.samples);
    if (!current.hasFirstProblem(request.samples)) onProgress?.({ phase: 'calibration' });
    onProgress?.({ phase: 'prune' });
    const live = liveAfterDelay(onIteration);
    const outcome = await pruneCnn(current.dense, calibration, {
      ...request,
      problemCache,
      activationCache: current.activationCache(request.samples),
      signal: job.signal,
      onProgress: (progress) => progress.step && live?.(progress.layer, progress.step.relativeResidual),
    });
    job.throwIfCancelled();
    onProgress?.({ phase: 'evaluate' });
    const quick = request.finetuneEpochs === 0 && QUICK_TEST_IMAGES < current.testImageCount;
    const images = quick ? QUICK_TEST_IMAGES : current.testImageCount;
    const evaluateStarted = performance.now();
    const kept = outcome.layers.map((layer) => layer.kept);
    const rawKey = networkKey(kept, null);
    const refitKey = networkKey(kept, request.samples);
    const raw = await current.accuracy(outcome.selectedModel, images, job.signal, rawKey, kept[0]);
    const refit = request.refit ? await current.accuracy(outcome.model, images, job.signal, refitKey, kept[0]) : undefined;
    const evaluateMs = performance.now() - evaluateStarted;
    job.throwIfCancelled();
    job.settle();
    const data = await ensureData();
    const tuned = request.finetuneEpochs > 0 ? await runJob('finetune', (ft) => finetuneCnn(outcome.model, request, data, current, ft.signal)) : null;
    const problems = outcome.layers.map((_, s) => {
      const problem = problemCache.get(channelProblemKey(s, outcome.layers.slice(0, s).map((layer) => layer.kept)));
      if (!problem) throw new Error(`the channel problem of hidden layer ${s + 1} was not kept`);
      return problem;
    });
    const measured: CnnPruneMeasurements = {
      modelName: sessionEntry?.id ?? current.id,
      backend: backend?.name ?? tf.getBackend(),
      ...(backend?.stages && { stages: backend.stages }),
      dense: current.dense,
      denseAccuracy: current.denseAccuracy,
      outcome,
      delivered: tuned?.model ?? outcome.model,
      raw,
      ...(refit !== undefined && { refit }),
      ...(tuned && { finetuned: tuned.accuracy, finetuneMs: tuned.finetuneMs }),
      ...(quick && { subset: { images, of: current.testImageCount } }),
      problems,
      evaluateMs,
    };
    const serial = ++pruneSerial;
    const view: PruneView = { serial, ...cnnPruneViewOf(request, measured) };
    const pruned = {
      view,
      model: measured.delivered,
      complete: async (token: CancelToken): Promise<PruneView> => {
        if (!view.accuracy.subset) return view;
        const started = performance.now();
        const all = current.testImageCount;
        const fullRaw = await current.accuracy(outcome.selectedModel, all, token, rawKey, kept[0]);
        const fullRefit = request.refit ? await current.accuracy(outcome.model, all, token, refitKey, kept[0]) : undefined;
        const full: PruneView = {
          serial,
          ...cnnPruneViewOf(request, { ...measured, raw: fullRaw, refit: fullRefit, subset: undefined, evaluateMs: evaluateMs + performance.now() - started }),
        };
        if (lastCnnPruned === pruned) lastCnnPruned = { ...pruned, view: full };
        return full;
      },
    };
    lastCnnPruned = pruned;
    return view;
  }

  async function pruneNow(request: PruneRequest, onIteration?: (layer: number, residual: number) => void, onProgress?: ProgressCallback): Promise<PruneView> {
    const job = jobs.start('prune');
    // A fine-tune of an older request would deliver a network nobody asked for any more.
    jobs.cancel('finetune', 'superseded by a newer prune');
    if (cnnSession) {
      const current = cnnSession;
      try {
        await yieldTask();
        job.throwIfCancelled();
        return await pruneCnnNow(current, request, job, onIteration, onProgress);
      } catch (error) {
        job.settle(error);
        throw error;
      }
    }
    let view: PruneView;
    let delivered: Mlp;
    try {
      // A message task, not a timer: a newer prune already queued still comes first, and a drag's
      // prunes do not pay the timers' clamping.
      await yieldTask();
      job.throwIfCancelled();
      const current = requireSession();
      validatePruneSettings(request);
      resolveKeepRatios(current.dense, request);
      const calibration = current.calibration(request.samples);
      const firstProblem = problemFor(current, request.samples, onProgress);
      onProgress?.({ phase: 'prune' });
      const live = liveAfterDelay(onIteration);
      const outcome: PruneOutcome = pruneNetwork(current.dense, calibration, {
        ...request,
        firstLayerProblem: firstProblem,
        onProgress: (progress) => progress.step && live?.(progress.layer, progress.step.relativeResidual),
      });
      onProgress?.({ phase: 'evaluate' });
      const evaluateStarted = performance.now();
      const firstKept = outcome.layers[0].kept;
      const importance = Array.from(firstProblem.importance(firstKept));
      const trace = selectionTrace(request.method, outcome.layers[0].order, firstProblem, current.dense.layers[0]);
      const raw = await current.prunedAccuracy(outcome.selectedModel, firstKept);
      const refit = request.refit ? await current.prunedAccuracy(outcome.model, firstKept) : undefined;
      const evaluateMs = performance.now() - evaluateStarted;
      // The test pass is read back asynchronously (a GPU backend resolves later): a newer request may have come meanwhile.
      job.throwIfCancelled();
      job.settle();
      const data = await ensureData();
      const tuned = request.finetuneEpochs > 0 ? await runJob('finetune', (ft) => finetunePruned(outcome.model, request, data, ft.signal)) : null;
      delivered = tuned?.model ?? outcome.model;
      view = { serial: ++pruneSerial, ...pruneViewOf(request, {
        modelName: sessionEntry?.id ?? current.id,
        backend: backend?.name ?? tf.getBackend(),
        ...(backend?.stages && { stages: backend.stages }),
        dense: current.dense,
        denseAccuracy: current.denseAccuracy,
        outcome,
        delivered,
        raw,
        ...(refit !== undefined && { refit }),
        ...(tuned && { finetuned: tuned.accuracy, finetuneMs: tuned.finetuneMs }),
        firstLayer: { importance, ...trace },
        evaluateMs,
      }) };
    } catch (error) {
      job.settle(error);
      throw error;
    }
    lastPruned = { view, model: delivered };
    return view;
  }

  return {
    /**
     * The page's "a prune is on its way" flag: one int32 in a SharedArrayBuffer (cross-origin
     * isolated pages only), set to 1 by the page when it sends a prune.
     */
    sharePruneFlag(buffer: SharedArrayBuffer): void {
      if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < 4) throw new OptionError('the prune flag must be a SharedArrayBuffer of at least 4 bytes');
      pruneWaiting = new Int32Array(buffer, 0, 1);
    },

    /**
     * Picks and starts the tfjs backend (URL override first), and loads the model list. Saved
     * records that cannot be read, or that carry a shipped model's id, are left out and listed in
     * `skipped` (one line each) for the page to report; `problems` says what else was refused.
     */
    async init(forced: string | null = null): Promise<{ backend: BackendReport; models: ModelEntry[]; skipped: string[]; problems: string[] }> {
      const problems: string[] = [];
      const override = parseBackendOverride(forced);
      if (forced && !override) problems.push(`?backend=${forced} is not a backend: use webgpu, wasm, webgl or cpu (chosen automatically instead)`);
      const started = await deps.activateBackend(override);
      backend = { ...started, stages: describeStages(started.label, backendDisplayName(started.name), { available: sparseKernelAvailable(), threads: started.kernelThreads ?? 1 }) };
      shipped = await loadShippedManifest(deps.fetchBytes);
      const saved = await deps.persistence.list().catch((error: unknown) => ({
        entries: [],
        skipped: [`saved models could not be read: ${oneLine(error instanceof Error ? error.message : String(error), 120)}`],
      }));
      const skipped = [...saved.skipped];
      for (const entry of shipped) entries.set(entry.id, entry);
      for (const entry of saved.entries) {
        if (entries.has(entry.id)) skipped.push(`saved model ${shown(entry.id)} was skipped: a shipped model has its id`);
        else entries.set(entry.id, entry);
      }
      return { backend, models: [...entries.values()], skipped, problems };
    },

    /** Calls `listener` with every lane's latest job whenever one changes (and once now). */
    watchJobs(listener: (jobs: JobStatus[]) => void): void {
      jobs.subscribe(listener);
    },

    async listModels(): Promise<ModelEntry[]> {
      return [...entries.values()];
    },

    /** Opens a model: fetches it, then builds its test-activation cache (progress through `onProgress`). */
    async loadModel(id: string, onProgress?: ProgressCallback): Promise<ModelSummary> {
      const entry = entries.get(id);
      if (!entry) throw new OptionError(`unknown model '${id}': choose one of ${[...entries.keys()].join(', ')}`);
      const controller = startLoad();
      onProgress?.({ phase: 'download' });
      try {
        const shippedEntry = shipped.find((candidate) => candidate.id === id);
        if (shippedEntry?.kind === 'cnn') {
          const cnn = await loadCnnFromSite(deps.fetchBytes, `models/${shippedEntry.path}`);
          throwIfCancelled(controller.signal);
          return await openCnnSession(entry, cnn, controller, onProgress);
        }
        const dense = shippedEntry
          ? await loadMlpFromSite(deps.fetchBytes, `models/${shippedEntry.path}`)
          : await deps.persistence.load(id);
        throwIfCancelled(controller.signal);
        return await openSession(entry, dense, controller, onProgress);
      } finally {
        if (loadJob === controller) loadJob = null;
      }
    },

    /**
     * A tfjs model chosen by the user: model.json plus its weight files, by name (File objects, or
     * bytes in tests). Sizes are checked against the caps and the manifest before any weight file
     * is read, and the topology before tfjs builds anything; `cancel()` or a newer load stops it.
     */
    async importModel(files: readonly ImportFile[], onProgress?: ProgressCallback): Promise<ModelSummary> {
      // Its own job until the files check out: a refused import must not cancel a model still loading.
      importJob?.abort();
      const controller = new AbortController();
      importJob = controller;
      let load: AbortController | null = null;
      try {
        onProgress?.({ phase: 'download' });
        const jsonFile = files.find((file) => file.name.endsWith('.json'));
        if (!jsonFile) throw new ModelFormatError('no model.json among the chosen files: pick the .json file and its .bin weight files together');
        const jsonName = shown(jsonFile.name, 60);
        const jsonSource = importSource(jsonFile);
        if (jsonSource.size > MAX_MODEL_JSON_BYTES) {
          throw new ModelFormatError(`${jsonName} is ${jsonSource.size} bytes; at most ${MAX_MODEL_JSON_BYTES} are accepted (MAX_MODEL_JSON_BYTES)`);
        }
        const modelJson = decodeModelJson(await jsonSource.read(), jsonName);
        const shards = new Map(files.filter((file) => file !== jsonFile).map((file) => [file.name, importSource(file)] as const));
        if (isConvModelJson(modelJson)) return await importCnn(jsonFile.name, modelJson, shards, controller, onProgress);
        const dense = await loadMlpFromNamedFiles(modelJson, shards, controller.signal);
        const { testImages } = await ensureData();
        throwIfCancelled(controller.signal);
        const baseName = jsonFile.name.replace(/\.json$/, '');
        const entry: ModelEntry = {
          id: `imported-${Date.now().toString(36)}`,
          title: `Imported: ${clip(baseName, 60)}`,
          description: `Imported from ${clip(jsonFile.name, 120)}`,
          sizes: layerSizes(dense),
          source: 'imported',
          hiddenZeroFraction: await hiddenZeroFraction(dense, testImages, 1000),
        };
        load = startLoad();
        const summary = await openSession(entry, dense, load, onProgress);
        entries.set(entry.id, entry);
        await deps.persistence.save(entry, dense).catch(() => undefined);
        return summary;
      } finally {
        if (importJob === controller) importJob = null;
        if (load && loadJob === load) loadJob = null;
      }
    },

    /**
     * Prunes the loaded model. `onProgress` hears the phases (calibration pass when not cached,
     * pruning, evaluating), which the UI shows while a model's first prune runs.
     */
    async prune(request: PruneRequest, onIteration?: (layer: number, residual: number) => void, onProgress?: ProgressCallback): Promise<PruneView> {
      if (pruneWaiting) Atomics.store(pruneWaiting, 0, 0);
      // The newest prune's job starts at once, so older queued ones see they are superseded.
      prunesInFlight++;
      lastPruneActivity = performance.now();
      try {
        return await pruneNow(request, onIteration, onProgress);
      } finally {
        prunesInFlight--;
        lastPruneActivity = performance.now();
      }
    },

    /** Accuracy against the keep ratio for several methods, point by point (cancellable). */
    async sweep(request: SweepRequest, onPoint: (point: SweepPoint) => void): Promise<SweepPoint[]> {
      return runJob('sweep', (job) => {
        const hooks = {
          signal: job.signal,
          interrupt,
          yieldToEvents: () => sweepPause(job),
          onHeldTensors: (count: number) => (sweepTensors = count),
        };
        return cnnSession ? runCnnSweep(cnnSession, request, onPoint, hooks) : runSweep(requireSession(), request, onPoint, hooks);
      });
    },

    /**
     * The accuracies of prune `serial` (a convolutional network's quick result, on the first test
     * images) measured on every test image; null when a newer prune came first or one is waiting.
     */
    async completeAccuracy(serial: number): Promise<PruneView | null> {
      const pruned = lastCnnPruned;
      if (!pruned || pruned.view.serial !== serial) return null;
      const token = { get aborted() { return lastCnnPruned?.view.serial !== serial || interrupt.aborted; } };
      prunesInFlight++;
      try {
        return await pruned.complete(token);
      } catch (error) {
        if (isCancelled(error)) return null;
        throw error;
      } finally {
        prunesInFlight--;
        lastPruneActivity = performance.now();
      }
    },

    async train(request: TrainRequest, onProgress: (progress: TrainProgressView) => void, onLoadProgress?: ProgressCallback): Promise<ModelSummary> {
      const data = await ensureData();
      const sameShape = (sizes: number[]) => [...entries.values()].filter((known) => known.source === 'trained' && known.sizes.join('-') === sizes.join('-')).length;
      const { model, entry } = await runJob('train', async (job) => {
        const trained = await trainNew(request, data, job.signal, onProgress, sameShape);
        // A run stopped after an epoch keeps that epoch's network: its job ends "cancelled" with that account.
        if (trained.stopped) job.settle(new CancelledError(trained.stopped));
        return trained;
      });
      entries.set(entry.id, entry);
      const notSaved = await keep(entry, model);
      const summary = await openSession(entry, model, startLoad(), onLoadProgress);
      return notSaved ? { ...summary, notSaved } : summary;
    },

    /** Stops one lane's job (the training's Stop button), or, without a lane, every job and a model load. */
    cancel(lane?: JobLane): void {
      if (lane) {
        jobs.cancel(lane, lane === 'train' ? 'stopped' : 'cancelled');
        return;
      }
      jobs.cancelAll('cancelled');
      loadJob?.abort();
      importJob?.abort();
    },

    /** The neuron atlas; weights for the first `maxNeurons` neurons only (what the grid draws). */
    async neurons(samples: number, onProgress?: ProgressCallback, maxNeurons = Infinity): Promise<NeuronAtlas> {
      if (cnnSession) throw new OptionError('a convolutional network has channels, not neurons: its filters are in the Channels view');
      const current = requireSession();
      return neuronAtlas(current.dense, problemFor(current, samples, onProgress).hiddenSums, maxNeurons);
    },

    async sparsity(samples: number, onProgress?: ProgressCallback): Promise<SparsityProfile> {
      if (cnnSession) return cnnSparsityProfile(cnnSession, samples);
      const current = requireSession();
      return profileFor(current, samples, problemFor(current, samples, onProgress));
    },

    /**
     * The Channels view's test digits: the first test image of each class 0-9, in class order.
     */
    async channelDigits(): Promise<ChannelTestDigit[]> {
      const { test, testImages } = await ensureData();
      const digits: ChannelTestDigit[] = [];
      for (let label = 0; label < 10; label++) {
        const index = test.labels.indexOf(label);
        if (index >= 0) digits.push({ index, label, pixels: testImages.slice(index * 784, (index + 1) * 784) });
      }
      return digits;
    },

    /**
     * Every hidden convolution's feature maps for one digit, dense and pruned (channel-maps.ts),
     * as a job of its own lane, `maps`: the latest request wins (an older one still queued ends
     * cancelled, and one that finishes after a newer one started is dropped), and it never cancels
     * a prune or the sweep. The dense maps of a test image are cached; the buffers are transferred.
     */
    async channelMaps(request: ChannelMapsRequest): Promise<ChannelMapsView> {
      return runJob('maps', async (job) => {
        await yieldTask();
        job.throwIfCancelled();
        if (!cnnSession) throw new OptionError(session ? 'feature maps are for convolutional networks; the open model is Dense' : 'no model is loaded yet');
        const current = cnnSession;
        const { digit } = request;
        let dense: CnnFeatureMaps | undefined;
        let image: Float32Array;
        if (digit.kind === 'test') {
          const { test, testImages } = await ensureData();
          if (!Number.isInteger(digit.index) || digit.index < 0 || digit.index >= test.count) throw new OptionError(`test image ${digit.index} does not exist: choose 0 to ${test.count - 1}`);
          image = testImages.subarray(digit.index * 784, (digit.index + 1) * 784);
          dense = copyFeatureMaps(await denseMapsFor(current, digit.index, image));
        } else {
          image = digit.pixels;
        }
        const pruned = lastCnnPruned && request.serial === lastCnnPruned.view.serial ? lastCnnPruned.model : undefined;
        const view = await channelMaps(current.dense, image, request.kept, {
          ...(dense && { dense }),
          ...(pruned && { pruned }),
          ...(request.importance && { importancePerStage: request.importance }),
        });
        job.throwIfCancelled();
        return Comlink.transfer(view, channelMapsTransferables(view));
      });
    },

    /** A test image (pixels in [0, 1]) and its label, for the digit pad. */
    async testImage(index: number): Promise<{ pixels: Float32Array; label: number; index: number }> {
      const { test, testImages } = await ensureData();
      const wrapped = ((Math.floor(index) % test.count) + test.count) % test.count;
      return { pixels: testImages.slice(wrapped * 784, (wrapped + 1) * 784), label: test.labels[wrapped], index: wrapped };
    },

    async predict(pixels: Float32Array): Promise<Prediction> {
      if (cnnSession) return predictBothCnn(cnnSession.dense, lastCnnPruned?.model ?? cnnSession.dense, pixels);
      const current = requireSession();
      return predictBoth(current.dense, lastPruned?.model ?? current.dense, pixels);
    },

    async exportPruned(): Promise<ExportedFiles> {
      if (cnnSession) return exportCnn();
      const { view, model, baseName } = requirePruned();
      const { modelJson, weightData, weightsFileName } = await saveMlpToArtifacts(model, { name: baseName, metadata: { pruning: { ...view.report } } });
      return {
        baseName,
        modelJson: JSON.stringify(modelJson),
        weightsFileName,
        weights: weightData,
        reportJson: JSON.stringify(view.report, null, 2),
      };
    },

    /** The delivered pruned network (raw, refit or fine-tuned) as ONNX or safetensors, with its settings inside. */
    async exportNetworkAs(format: ExportFormat): Promise<ExportedNetwork> {
      if (cnnSession) {
        throw new OptionError(`${format === 'onnx' ? 'ONNX' : 'safetensors'} export covers Dense networks only; download a convolutional network as a tfjs model`);
      }
      const { view, model, baseName } = requirePruned();
      const bytes = exportNetwork(model, view.report, format);
      return { fileName: `${baseName}.${format}`, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
    },

    async memory(): Promise<WorkerMemory> {
      const { numTensors, numBytes } = tf.memory();
      return { numTensors, numBytes, sweepTensors };
    },
  };
}

export type PlaygroundApi = ReturnType<typeof createPlaygroundApi>;
