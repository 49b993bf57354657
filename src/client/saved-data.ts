/**
 * The way out when saved data breaks the page: trained and imported models live in tfjs's
 * IndexedDB database (src/worker/persistence.ts), which nothing else of this app uses.
 */
const TFJS_DATABASE = 'tensorflowjs';

/** Deletes every saved model; resolves when the database is gone (or was never there). */
export function resetSavedModels(): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(TFJS_DATABASE);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error('the saved models could not be deleted'));
    // Another tab holds the database open; it goes once that tab closes.
    request.onblocked = () => resolve();
  });
}
