/**
 * Registers public/sw.js (offline support) in production builds. Never throws and logs nothing on
 * success; a failed registration only costs offline support, so it is reported as a warning.
 *
 * The tfjs worker fetches the models and MNIST. A worker started before the service worker
 * controls the page bypasses it, and the first visit would then leave nothing cached for offline
 * use, so the client waits (briefly) for control before it starts the worker.
 */
const CONTROL_WAIT_MS = 2000;

let controlled: Promise<void> = Promise.resolve();

export function registerServiceWorker(): Promise<void> {
  try {
    if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return controlled;
    const container = navigator.serviceWorker;
    controlled = new Promise<void>((resolve) => {
      if (container.controller) return resolve();
      container.addEventListener(
        'controllerchange',
        () => {
          cacheLoadedAssets();
          resolve();
        },
        { once: true },
      );
      setTimeout(resolve, CONTROL_WAIT_MS);
    });
    container.register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL }).catch((error: unknown) => {
      console.warn('service worker registration failed; the app will not work offline:', error);
    });
  } catch {
    // Some browsers throw synchronously (for example in private modes); offline support is optional.
  }
  return controlled;
}

/**
 * How long after the service worker takes control the page still looks for files that were
 * requested before it did but finished loading after (a lazily imported chunk's stylesheet).
 */
const LATE_ASSETS_MS = 30_000;

/**
 * The page's own scripts and styles loaded before the service worker existed: fetch them again
 * through it. Files still loading at that moment have no timing entry yet; an observer catches
 * them as they finish (a fetch that went through the service worker has a workerStart).
 */
function cacheLoadedAssets(): void {
  const prefix = `${location.origin}${import.meta.env.BASE_URL}assets/`;
  const fetched = new Set<string>();
  const refetch = (entries: PerformanceEntryList) => {
    for (const entry of entries) {
      const url = entry.name;
      if (!url.startsWith(prefix) || fetched.has(url) || (entry as PerformanceResourceTiming).workerStart > 0) continue;
      fetched.add(url);
      fetch(url).catch(() => undefined);
    }
  };
  refetch(performance.getEntriesByType('resource'));
  if (typeof PerformanceObserver === 'undefined') return;
  const observer = new PerformanceObserver((list) => refetch(list.getEntries()));
  observer.observe({ type: 'resource' });
  setTimeout(() => observer.disconnect(), LATE_ASSETS_MS);
}

/** Resolves once the page is controlled by the service worker, or when waiting no longer pays. */
export function serviceWorkerControl(): Promise<void> {
  return controlled;
}
