/**
 * The UI's handle on the worker. Types come from the worker's own API (`typeof api`), wrapped by
 * Comlink. Adds what the UI needs on top: callbacks proxied across the boundary, a request
 * counter so only the latest prune is rendered, and a hard stop that terminates a runaway worker
 * and starts a fresh one (its caches are rebuilt lazily).
 */
import * as Comlink from 'comlink';
import type { PlaygroundApi } from '../worker/api';
import type {
  BackendName,
  LoadProgress,
  PruneRequest,
  PruneView,
  SweepPoint,
  SweepRequest,
  TrainProgressView,
  TrainRequest,
} from '../worker/types';

export type * from '../worker/types';
export type { PruneMethod } from '../core/pruning/methods';
export { METHOD_LABELS, PRUNE_METHODS } from '../core/pruning/methods';

import { serviceWorkerControl } from './register-service-worker';
import { isCancelled } from '../core/errors';
import { oneLine } from '../core/error-line';

type Remote = Comlink.Remote<PlaygroundApi>;

/** Errors keep their `name` across the boundary; branch on it, never on instanceof. */
export function errorName(error: unknown): string {
  return (error as { name?: string } | null)?.name ?? 'Error';
}

/** One line of at most 200 characters, whatever the error carried. */
export function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return oneLine(typeof message === 'string' ? message : String(error));
}

export { isCancelled };

/** A callback the worker can call back across the boundary (Comlink proxies functions). */
function proxied<A extends unknown[]>(callback: ((...args: A) => void) | undefined) {
  return callback ? Comlink.proxy(callback) : undefined;
}

export class PlaygroundClient {
  private worker: Worker | null = null;
  private remote: Remote | null = null;
  private pruneCounter = 0;
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

  async init(forced: BackendName | null) {
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

  sweep(request: SweepRequest, onPoint: (point: SweepPoint) => void) {
    return this.api().sweep(request, Comlink.proxy(onPoint));
  }

  train(request: TrainRequest, onProgress: (progress: TrainProgressView) => void, onLoadProgress?: (progress: LoadProgress) => void) {
    return this.api().train(request, Comlink.proxy(onProgress), proxied(onLoadProgress));
  }

  cancel() {
    return this.api().cancel();
  }

  /** Ends whatever the worker is doing, even a job that never checks for cancellation. */
  restart() {
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }

  /** The atlas with weights for the first `maxNeurons` neurons (those the grid draws). */
  neurons(onProgress?: (progress: LoadProgress) => void, maxNeurons?: number) {
    return this.api().neurons(undefined, proxied(onProgress), maxNeurons);
  }

  sparsity(onProgress?: (progress: LoadProgress) => void) {
    return this.api().sparsity(undefined, proxied(onProgress));
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
