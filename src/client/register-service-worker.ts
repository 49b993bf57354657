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

/** The page's own scripts and styles loaded before the service worker existed: fetch them again through it. */
function cacheLoadedAssets(): void {
  const assets = performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((url) => url.startsWith(`${location.origin}${import.meta.env.BASE_URL}assets/`));
  for (const url of new Set(assets)) fetch(url).catch(() => undefined);
}

/** Resolves once the page is controlled by the service worker, or when waiting no longer pays. */
export function serviceWorkerControl(): Promise<void> {
  return controlled;
}
