/**
 * Registers public/sw.js (offline support) in production builds. Never throws and logs nothing on
 * success; a failed registration only costs offline support, so it is reported as a warning.
 */
export function registerServiceWorker(): void {
  try {
    if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
    navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL }).catch((error: unknown) => {
      console.warn('service worker registration failed; the app will not work offline:', error);
    });
  } catch {
    // Some browsers throw synchronously (for example in private modes); offline support is optional.
  }
}
