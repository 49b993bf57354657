/**
 * Starts the sparse kernel's helper threads in Node (node:worker_threads). The CLI and the
 * benchmark scripts turn them on; unit tests run single-threaded unless a test asks.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { helpersForCores, type KernelThreadSpawner } from '../core/kernels/kernel-threads';
import { useKernelThreads } from '../core/kernels/sparse-relu-affine';

export const nodeKernelThreadSpawner: KernelThreadSpawner = (body, init) => {
  const worker = new Worker(`require('node:worker_threads').parentPort.once('message', (init) => {${body}});`, { eval: true });
  worker.postMessage(init);
  // A helper waits in Atomics.wait for good; it must not keep the process alive.
  worker.unref();
  return { terminate: () => void worker.terminate() };
};

export function defaultKernelHelpers(): number {
  return helpersForCores(os.availableParallelism());
}

/** Turns on the kernel's helper threads; 0 helpers turns them off. */
export function enableNodeKernelThreads(helpers = defaultKernelHelpers()): void {
  useKernelThreads(helpers > 0 ? nodeKernelThreadSpawner : null, helpers);
}
