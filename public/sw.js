/*
 * SpaSP Playground service worker: the app keeps working offline once it has been loaded while
 * this worker controlled the page. Plain JS, no dependencies.
 *
 * - install: pre-caches the app shell (the site root and index.html).
 * - same-origin GET under assets/, models/, data/ and favicon.svg: cache first; a miss goes to the
 *   network and a complete 200 response is stored as it passes (the app fetches the MNIST files
 *   and the default model at start, so they are cached then).
 * - navigations: network first (a new deploy is picked up when online), the cached shell when
 *   offline.
 * - activate: deletes the caches of older versions.
 *
 * The page is cross-origin isolated (COOP/COEP, needed for SharedArrayBuffer); responses served
 * from here keep those headers, and they are added where a stored response lacks them.
 */
// Bump whenever cached files change in place (models/ above all: served cache-first).
const VERSION = 'v2';
const CACHE = `spasp-playground-${VERSION}`;
const CACHE_PREFIX = 'spasp-playground-';
const SCOPE = new URL(self.registration.scope);
const SHELL = [new URL('./', SCOPE).href, new URL('index.html', SCOPE).href];
const CACHED_PREFIXES = ['assets/', 'models/', 'data/'].map((folder) => new URL(folder, SCOPE).pathname);
const CACHED_FILES = [new URL('favicon.svg', SCOPE).pathname];
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await Promise.all(
        SHELL.map(async (url) => {
          const response = await fetch(url, { cache: 'no-cache' });
          if (cacheable(response)) await cache.put(url, response);
        }),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE).map((name) => caches.delete(name)));
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(event));
    return;
  }
  if (request.headers.has('range')) return;
  if (CACHED_PREFIXES.some((prefix) => url.pathname.startsWith(prefix)) || CACHED_FILES.includes(url.pathname)) {
    event.respondWith(cacheFirst(event));
  }
});

/** Only complete, same-origin, successful responses are worth keeping. */
function cacheable(response) {
  return response.status === 200 && response.type === 'basic' && !response.redirected && !response.headers.has('content-range');
}

/** The response with the cross-origin isolation headers, re-wrapped only when one is missing. */
function isolated(response) {
  if (response.type !== 'basic' && response.type !== 'default') return response;
  const missing = Object.entries(ISOLATION_HEADERS).filter(([name]) => !response.headers.has(name));
  if (missing.length === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of missing) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function cacheFirst(event) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(event.request, { ignoreVary: true });
  if (hit) return isolated(hit);
  const response = await fetch(event.request);
  if (cacheable(response)) {
    // Stored while the page reads its copy; the worker stays alive until the write is done.
    event.waitUntil(cache.put(event.request, response.clone()).catch(() => undefined));
  }
  return response;
}

async function networkFirst(event) {
  const cache = await caches.open(CACHE);
  // The shell does not depend on the query string (settings live there), so one copy serves all.
  const key = new URL(event.request.url);
  key.search = '';
  key.hash = '';
  try {
    const response = await fetch(event.request);
    if (cacheable(response)) event.waitUntil(cache.put(key.href, response.clone()).catch(() => undefined));
    return response;
  } catch (error) {
    const cached = (await cache.match(key.href)) ?? (await cache.match(SHELL[0])) ?? (await cache.match(SHELL[1]));
    if (cached) return isolated(cached);
    throw error;
  }
}
