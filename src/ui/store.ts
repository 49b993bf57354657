/**
 * The app's one state object and its reducer. Components receive slices of it as props and send
 * intents; derived values (kept counts, reductions, labels) are computed where shown, not stored.
 */
import type {
  BackendReport,
  JobLane,
  JobStatus,
  LoadProgress,
  ModelEntry,
  ModelSummary,
  NeuronAtlas,
  Prediction,
  PruneView,
  SparsityProfile,
  SweepPoint,
  TrainProgressView,
} from '../client/worker-client';
import { DEFAULT_URL_STATE, type UrlState } from '../client/url-state';
import { loadBar, type LoadBar } from './load-progress';

/** Everything a prune and the sweep run with; what the URL carries (url-state.ts). */
export type Settings = UrlState;

/** Where an error came from: it is shown next to that control and in the toast, until dismissed or replaced by the same source. */
export type ErrorSource = 'start' | 'link' | 'model' | 'prune' | 'sweep' | 'train' | 'export' | 'saved' | 'pad';

export interface AppError {
  readonly source: ErrorSource;
  readonly message: string;
  /** Increases with every error, so a repeated message still shows as new. */
  readonly id: number;
}

export interface TrainState {
  busy: boolean;
  progress: TrainProgressView | null;
  /** Loss and batch accuracy as they arrive, for the live curves. */
  curve: { step: number; loss: number; accuracy: number }[];
}

export interface AppState {
  phase: 'starting' | 'ready' | 'failed';
  backend: BackendReport | null;
  models: ModelEntry[];
  model: ModelSummary | null;
  modelLoading: boolean;
  /** The progress bar from a model's load to its first prune shown; null otherwise. */
  loading: LoadBar | null;
  /** A model was opened and its first prune has not come back yet. */
  firstPrunePending: boolean;
  settings: Settings;
  prune: { view: PruneView | null; busy: boolean; liveResiduals: number[][] };
  sweep: { points: SweepPoint[]; busy: boolean; mode: 'raw' | 'refit' };
  train: TrainState;
  /** Each lane's latest job in the worker, as its scheduler reports it. */
  jobs: Partial<Record<JobLane, JobStatus>>;
  atlas: NeuronAtlas | null;
  sparsity: SparsityProfile | null;
  /** Step mode: index into the first layer's iterations, or null for the final result. */
  step: number | null;
  pad: { prediction: Prediction | null; image: Float32Array | null; label: number | null; pixels: Float32Array | null };
  errors: AppError[];
  announcement: string;
  presentation: boolean;
}

export type Action =
  | { type: 'batch'; actions: Action[] }
  | { type: 'started'; backend: BackendReport; models: ModelEntry[] }
  | { type: 'failed'; error: string }
  | { type: 'atlas'; atlas: NeuronAtlas | null; sparsity: SparsityProfile }
  | { type: 'model-loading' }
  | { type: 'model-switching' }
  | { type: 'load-progress'; progress: LoadProgress }
  | { type: 'model-failed' }
  | { type: 'model-loaded'; model: ModelSummary; atlas: NeuronAtlas | null; sparsity: SparsityProfile }
  | { type: 'model-added'; entry: ModelEntry }
  | { type: 'settings'; patch: Partial<Settings> }
  | { type: 'prune-started' }
  | { type: 'prune-iteration'; layer: number; residual: number }
  | { type: 'pruned'; view: PruneView }
  | { type: 'accuracy-completed'; view: PruneView }
  | { type: 'prune-settled' }
  | { type: 'sweep-started' }
  | { type: 'sweep-point'; point: SweepPoint }
  | { type: 'sweep-finished' }
  | { type: 'sweep-mode'; mode: 'raw' | 'refit' }
  | { type: 'train-started' }
  | { type: 'train-progress'; progress: TrainProgressView }
  | { type: 'train-finished' }
  | { type: 'step'; index: number | null }
  | { type: 'pad-image'; image: Float32Array | null; label: number | null }
  | { type: 'pad-input'; pixels: Float32Array }
  | { type: 'prediction'; prediction: Prediction }
  | { type: 'jobs'; jobs: JobStatus[] }
  | { type: 'error'; source: ErrorSource; error: string | null }
  | { type: 'announce'; text: string }
  | { type: 'presentation'; on: boolean };

export function initialState(url: UrlState): AppState {
  return {
    phase: 'starting',
    backend: null,
    models: [],
    model: null,
    modelLoading: false,
    loading: null,
    firstPrunePending: false,
    settings: { ...DEFAULT_URL_STATE, ...url },
    prune: { view: null, busy: false, liveResiduals: [] },
    sweep: { points: [], busy: false, mode: 'raw' },
    train: { busy: false, progress: null, curve: [] },
    jobs: {},
    atlas: null,
    sparsity: null,
    step: null,
    pad: { prediction: null, image: null, label: null, pixels: null },
    errors: [],
    announcement: '',
    presentation: false,
  };
}

export function reducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'batch':
      return action.actions.reduce(reducer, state);
    case 'started':
      return { ...state, phase: 'ready', backend: action.backend, models: action.models };
    case 'failed':
      return withError({ ...state, phase: 'failed' }, 'start', action.error);
    case 'model-loading':
      return { ...state, modelLoading: true, loading: null };
    case 'model-switching':
      // The old model's results go at once: nothing of it may show under the new name.
      return {
        ...state,
        ...withoutResults(state),
        model: null,
        modelLoading: true,
        loading: null,
      };
    case 'atlas':
      return { ...state, atlas: action.atlas, sparsity: action.sparsity };
    case 'jobs':
      return { ...state, jobs: Object.fromEntries(action.jobs.map((job) => [job.lane, job])) };
    case 'load-progress':
      // Later prunes report phases too; only a model's way to its first result is shown.
      return state.modelLoading || state.firstPrunePending ? { ...state, loading: loadBar(action.progress, state.loading) } : state;
    case 'model-failed':
      return { ...state, modelLoading: false, loading: null, firstPrunePending: false };
    case 'model-loaded': {
      const hidden = action.model.sizes.length - 2;
      const perLayer = state.settings.perLayer && state.settings.perLayer.length === hidden ? state.settings.perLayer : null;
      return {
        ...state,
        model: action.model,
        modelLoading: false,
        firstPrunePending: true,
        atlas: action.atlas,
        sparsity: action.sparsity,
        settings: { ...state.settings, model: action.model.id, perLayer },
        prune: { view: null, busy: false, liveResiduals: [] },
        sweep: { ...state.sweep, points: [] },
        step: null,
        pad: { ...state.pad, prediction: null },
        errors: state.errors.filter((error) => error.source !== 'model' && error.source !== 'prune' && error.source !== 'sweep'),
      };
    }
    case 'model-added':
      return { ...state, models: [...state.models.filter((m) => m.id !== action.entry.id), action.entry] };
    case 'settings':
      return { ...state, settings: { ...state.settings, ...action.patch }, step: null };
    case 'prune-started':
      return { ...state, prune: { ...state.prune, busy: true, liveResiduals: [] } };
    case 'prune-iteration': {
      const live = state.prune.liveResiduals.map((layer) => layer.slice());
      while (live.length <= action.layer) live.push([]);
      live[action.layer].push(action.residual);
      return { ...state, prune: { ...state.prune, liveResiduals: live } };
    }
    case 'pruned':
      return {
        ...state,
        prune: { view: action.view, busy: false, liveResiduals: [] },
        // A prune that worked answers an earlier prune error; errors from elsewhere stay.
        errors: state.errors.filter((error) => error.source !== 'prune'),
        ...(state.firstPrunePending && !state.modelLoading && action.view.report.model === state.model?.id && { loading: null, firstPrunePending: false }),
      };
    case 'accuracy-completed': {
      // Only for the result on screen: a newer prune's quick figures are not overwritten. The
      // layers stay the same objects (only the figures changed), so the charts drawn from them
      // are not redrawn.
      const shown = state.prune.view;
      if (shown?.serial !== action.view.serial) return state;
      const { accuracy, report, timingsMs } = action.view;
      return { ...state, prune: { ...state.prune, view: { ...shown, accuracy, report, timingsMs } } };
    }
    case 'prune-settled':
      return { ...state, prune: { ...state.prune, busy: false }, ...(!state.modelLoading && { loading: null, firstPrunePending: false }) };
    case 'sweep-started':
      return { ...state, sweep: { ...state.sweep, points: [], busy: true } };
    case 'sweep-point':
      return { ...state, sweep: { ...state.sweep, points: [...state.sweep.points, action.point] } };
    case 'sweep-finished':
      return { ...state, sweep: { ...state.sweep, busy: false } };
    case 'sweep-mode':
      return { ...state, sweep: { ...state.sweep, mode: action.mode } };
    case 'train-started':
      return { ...state, train: { busy: true, progress: null, curve: [] } };
    case 'train-progress': {
      const { progress } = action;
      const curve = [...state.train.curve, { step: progress.fraction, loss: progress.loss, accuracy: progress.accuracy }];
      return { ...state, train: { ...state.train, progress, curve: curve.length > 400 ? curve.filter((_, k) => k % 2 === 0) : curve } };
    }
    case 'train-finished':
      return { ...state, train: { ...state.train, busy: false } };
    case 'step':
      return { ...state, step: action.index };
    case 'pad-image':
      return { ...state, pad: { ...state.pad, image: action.image, label: action.label } };
    case 'pad-input':
      return { ...state, pad: { ...state.pad, pixels: action.pixels } };
    case 'prediction':
      return { ...state, pad: { ...state.pad, prediction: action.prediction } };
    case 'error':
      return withError(state, action.source, action.error);
    case 'announce':
      return { ...state, announcement: action.text };
    case 'presentation':
      return { ...state, presentation: action.on };
  }
}

let errorIds = 0;

/** Sets (or, with null, clears) the error of one source; errors of other sources stay. */
function withError(state: AppState, source: ErrorSource, message: string | null): AppState {
  const others = state.errors.filter((error) => error.source !== source);
  return { ...state, errors: message === null ? others : [...others, { source, message, id: ++errorIds }] };
}

function withoutResults(state: AppState): Partial<AppState> {
  return {
    prune: { view: null, busy: false, liveResiduals: [] },
    sweep: { ...state.sweep, points: [] },
    atlas: null,
    sparsity: null,
    step: null,
    pad: { ...state.pad, prediction: null },
  };
}

/** The first error of a source, for the message next to its control. */
export function errorOf(errors: readonly AppError[], source: ErrorSource): AppError | undefined {
  return errors.find((error) => error.source === source);
}

/** The keep ratios (fractions) per hidden layer the current settings ask for. */
export function keepRatios(settings: Settings, hiddenLayers: number): number[] {
  return (settings.perLayer ?? Array.from({ length: hiddenLayers }, () => settings.keep)).map((percent) => percent / 100);
}
