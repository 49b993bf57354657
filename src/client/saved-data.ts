/**
 * The app's saved data: networks trained or imported here, kept by the worker in IndexedDB
 * through tfjs's own handler (database "tensorflowjs"). Reset from the page itself, so it works
 * even when the app cannot start.
 */
const TFJS_DATABASE = 'tensorflowjs';

export function resetSavedData(): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(TFJS_DATABASE);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(new Error(`could not delete the saved networks: ${request.error?.message ?? 'unknown error'}`));
    // Another tab still has the database open: the delete completes when it closes.
    request.onblocked = () => reject(new Error('close the playground in your other tabs, then reset again'));
  });
}
