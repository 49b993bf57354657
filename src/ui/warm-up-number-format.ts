/**
 * A page's first `Intl.NumberFormat` costs 20-40 ms on the 2-core build machine (measured in fresh
 * Chromium contexts): V8 resolves the locale against the list of locales ICU supports, which it
 * builds once per renderer process. The views' modules build their formatters when they are
 * evaluated, so that cost landed in the start-up task that evaluates them (40-55 ms in all under
 * load); paid on the main thread in tasks of its own it was still 12-55 ms. The list is shared by
 * the process's threads, so a throwaway worker builds it while the bundle's chunks download, and
 * the main thread's formatters then take a fraction of a millisecond. The worker is a data: URL
 * (no request, offline included; a blob URL cost the main thread 4-6 ms more), started in a task
 * of its own; where workers are unavailable the first formatter simply pays the cost itself.
 */
const WARM_UP = `data:text/javascript,postMessage(Intl.NumberFormat.supportedLocalesOf('en-US'))`;

export function warmUpNumberFormat(): void {
  setTimeout(() => {
    try {
      const worker = new Worker(WARM_UP);
      const done = () => worker.terminate();
      worker.addEventListener('message', done, { once: true });
      worker.addEventListener('error', done, { once: true });
    } catch {
      // No worker: the first formatter builds the list on the main thread.
    }
  });
}
