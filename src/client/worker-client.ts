/**
 * The UI's handle on the worker. Types come from the worker's own API (`typeof api`), wrapped by
 * Comlink. Adds what the UI needs on top: callbacks proxied across the boundary, a request
 * counter so only the latest prune is rendered, and a hard stop that terminates a runaway worker
 * and starts a fresh one (its caches are rebuilt lazily).
 */
import * as Comlink from 'comlink';
import { SETTINGS } from '../core/settings';
import type { PruneMethod } from '../core/pruning/methods';
import type { PlaygroundApi } from '../worker/api';
import type { ChannelMapsView } from '../worker/channel-maps';
import type {
  ChannelMapsRequest,
  JobLane,
  JobStatus,
  LoadProgress,
  PruneRequest,
  PruneView,
  SweepPoint,
  SweepRequest,
  TrainProgressView,
  TrainRequest,
} from '../worker/types';

import { serviceWorkerControl } from './register-service-worker';

/** The boundary's plain-data types (worker/types.ts): what the UI receives and sends. */
export type * from '../worker/types';
export type { PruneMethod };

/** The methods in the settings table's order, and their names, for menus and chart legends. */
export const PRUNE_METHODS: readonly PruneMethod[] = SETTINGS.method.choices.map((choice) => choice.value);
export const METHOD_LABELS = Object.fromEntries(SETTINGS.method.choices.map((choice) => [choice.value, choice.label])) as Record<PruneMethod, string>;
import { oneLine } from '../core/error-line';

type Remote = Comlink.Remote<PlaygroundApi>;

/** Errors keep their `name` across the boundary; branch on it, never on instanceof. */
function errorName(error: unknown): string {
  return (error as { name?: string } | null)?.name ?? 'Error';
}

/** One line of at most 200 characters, whatever the error carried. */
export function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return oneLine(typeof message === 'string' ? message : String(error));
}

/** A job the worker ended on purpose (superseded, stopped); its state comes through `watchJobs`. */
export function isCancelled(error: unknown): boolean {
  return errorName(error) === 'CancelledError';
}

/** A callback the worker can call back across the boundary (Comlink proxies functions). */
function proxied<A extends unknown[]>(callback: ((...args: A) => void) | undefined) {
  return callback ? Comlink.proxy(callback) : undefined;
}

export class PlaygroundClient {
  private worker: Worker | null = null;
  private remote: Remote | null = null;
  private pruneCounter = 0;
  private mapsCounter = 0;
  /** Shared with the worker: 1 while a prune is on its way, so a running sweep step gives way. */
  private pruneFlag: Int32Array | null = null;

  private api(): Remote {
    if (!this.remote) {
      this.worker = new Worker(new URL('../worker/playground.worker.ts', import.meta.url), { type: 'module' });
      this.remote = Comlink.wrap<PlaygroundApi>(this.worker);
      this.pruneFlag = null;
      if (globalThis.crossOriginIsolated && typeof SharedArrayBuffer === 'function') {
        const buffer = new SharedArrayBuffer(4);
        this.pruneFlag = new Int32Array(buffer);
        void this.remote.sharePruneFlag(buffer);
      }
    }
    return this.remote;
  }

  /** `forced` is the raw ?backend= value; the worker says when it is not a backend. */
  async init(forced: string | null) {
    await serviceWorkerControl();
    return this.api().init(forced);
  }

  /** Opening a model (fetch, then the test-activation cache) reports its phases to `onProgress`; a newer load cancels it. */
  loadModel(id: string, onProgress?: (progress: LoadProgress) => void) {
    return this.api().loadModel(id, proxied(onProgress));
  }

  /** Files go as they are (cloned, not read): the worker checks their sizes before reading any. */
  importModel(files: File[], onProgress?: (progress: LoadProgress) => void) {
    return this.api().importModel(files, proxied(onProgress));
  }

  /** Resolves with the view, or null when a newer prune was requested meanwhile. */
  async prune(request: PruneRequest, onIteration?: (layer: number, residual: number) => void, onProgress?: (progress: LoadProgress) => void): Promise<PruneView | null> {
    const ticket = ++this.pruneCounter;
    try {
      const api = this.api();
      if (this.pruneFlag) Atomics.store(this.pruneFlag, 0, 1);
      const view = await api.prune(request, proxied(onIteration), proxied(onProgress));
      return ticket === this.pruneCounter ? view : null;
    } catch (error) {
      if (isCancelled(error) || ticket !== this.pruneCounter) return null;
      throw error;
    }
  }

  /** A convolutional network's quick result (`view.accuracy.subset`) measured on every test image; null when superseded. */
  completeAccuracy(serial: number) {
    return this.api().completeAccuracy(serial);
  }

  sweep(request: SweepRequest, onPoint: (point: SweepPoint) => void) {
    return this.api().sweep(request, Comlink.proxy(onPoint));
  }

  train(request: TrainRequest, onProgress: (progress: TrainProgressView) => void, onLoadProgress?: (progress: LoadProgress) => void) {
    return this.api().train(request, Comlink.proxy(onProgress), proxied(onLoadProgress));
  }

  /** Stops one lane's job (training's Stop), or every job when no lane is given. */
  cancel(lane?: JobLane) {
    return this.api().cancel(lane);
  }

  /** Ends this client's worker, and whatever it is doing (a side-by-side or timing worker closing with its view). */
  restart() {
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }

  /** Hears every lane's latest job state whenever one changes. Call after `init` (which waits for the service worker). */
  watchJobs(listener: (jobs: JobStatus[]) => void) {
    return this.api().watchJobs(Comlink.proxy(listener));
  }

  /** The atlas from `samples` calibration images, with weights for the first `maxNeurons` neurons (those the grid draws). */
  neurons(samples: number, onProgress?: (progress: LoadProgress) => void, maxNeurons?: number) {
    return this.api().neurons(samples, proxied(onProgress), maxNeurons);
  }

  sparsity(samples: number, onProgress?: (progress: LoadProgress) => void) {
    return this.api().sparsity(samples, proxied(onProgress));
  }

  /** The Channels view's test digits (the first test image of each class). */
  channelDigits() {
    return this.api().channelDigits();
  }

  /** The feature maps for one digit and the kept sets; null when a newer request was made meanwhile. */
  async channelMaps(request: ChannelMapsRequest): Promise<ChannelMapsView | null> {
    const ticket = ++this.mapsCounter;
    try {
      const view = await this.api().channelMaps(request);
      return ticket === this.mapsCounter ? view : null;
    } catch (error) {
      if (isCancelled(error) || ticket !== this.mapsCounter) return null;
      throw error;
    }
  }

  testImage(index: number) {
    return this.api().testImage(index);
  }

  predict(pixels: Float32Array) {
    return this.api().predict(pixels);
  }

  exportPruned() {
    return this.api().exportPruned();
  }

  exportNetworkAs(format: 'onnx' | 'safetensors') {
    return this.api().exportNetworkAs(format);
  }

  memory() {
    return this.api().memory();
  }
}
