/**
 * Starts the sparse kernel's helper threads in the browser: plain Workers from a Blob URL, each
 * running the helper loop kernel-threads.ts ships as source, so the bundler has nothing to find.
 * Needs a cross-origin isolated page (SharedArrayBuffer); the app's servers and its service
 * worker send the COOP/COEP headers that make it so.
 */
import { helpersForCores, type KernelThreadSpawner } from '../core/kernels/kernel-threads';
import { kernelThreadStatus, useKernelThreads } from '../core/kernels/sparse-relu-affine';

const blobWorkerSpawner: KernelThreadSpawner = (body, init) => {
  const url = URL.createObjectURL(new Blob([`self.onmessage = (event) => { const init = event.data; ${body} };`], { type: 'text/javascript' }));
  const worker = new Worker(url, { name: `sparse-kernel-${init.index}` });
  worker.postMessage(init);
  return {
    terminate: () => {
      worker.terminate();
      URL.revokeObjectURL(url);
    },
  };
};

/**
 * One helper per core beyond the one this worker runs on, at most 3; none where the page is not
 * cross-origin isolated. Returns how many threads the kernel may use and why not more.
 */
export function startKernelThreads(): { threads: number; note: string } {
  const cores = typeof navigator === 'object' ? navigator.hardwareConcurrency || 1 : 1;
  if (!globalThis.crossOriginIsolated) return { threads: 1, note: 'page not cross-origin isolated' };
  const helpers = helpersForCores(cores);
  if (helpers === 0) return { threads: 1, note: 'one core' };
  useKernelThreads(blobWorkerSpawner, helpers);
  const status = kernelThreadStatus();
  return status.reason ? { threads: 1, note: status.reason } : { threads: helpers + 1, note: `${helpers} helper worker${helpers === 1 ? '' : 's'}` };
}
