import { expect, test, type Page } from '@playwright/test';
import { collectErrors, openApp, percentOf, setKeep } from './helpers/app';

/** Every URL in the app's caches (Cache Storage), across cache names. */
async function cachedUrls(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
}

const STARTUP_FILES = [
  '/',
  '/index.html',
  '/models/index.json',
  '/data/train-images-idx3-ubyte.gz',
  '/data/train-labels-idx1-ubyte.gz',
  '/data/t10k-images-idx3-ubyte.gz',
  '/data/t10k-labels-idx1-ubyte.gz',
];

test('after the first visit, the app starts and prunes offline', async ({ page, context }) => {
  // One visit only: the page waits for the service worker to take control before it starts the
  // tfjs worker, so the worker's model and MNIST fetches pass through it and are cached.
  await openApp(page);
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // The default model is the first one in the manifest: its model.json and weights are needed offline.
  const defaultModel = await page.evaluate(async () => {
    const manifest = (await (await fetch('/models/index.json')).json()) as { models: { path: string }[] };
    return `/models/${manifest.models[0].path}`;
  });
  const folder = defaultModel.slice(0, defaultModel.lastIndexOf('/') + 1);
  await expect.poll(() => cachedUrls(page), { timeout: 60_000 }).toEqual(expect.arrayContaining([...STARTUP_FILES, defaultModel]));
  await expect.poll(async () => (await cachedUrls(page)).some((file) => file.startsWith(folder) && file.endsWith('.bin')), { timeout: 60_000 }).toBe(true);
  const cached = await cachedUrls(page);
  expect(cached.some((file) => /^\/assets\/index-.*\.js$/.test(file))).toBe(true);
  expect(cached.some((file) => /^\/assets\/playground\.worker-.*\.js$/.test(file))).toBe(true);
  expect(cached.some((file) => /^\/assets\/.*\.wasm$/.test(file))).toBe(true);

  await context.setOffline(true);
  // Really offline, the service worker's own fetches included: a file never fetched cannot be had.
  expect(await page.evaluate(() => fetch(`/models/never-fetched-${Date.now()}.json`).then(() => 'fetched', () => 'failed'))).toBe('failed');

  const errors = collectErrors(page);
  await page.reload();
  await expect(page.getByTestId('dense-accuracy')).toHaveText(/^\d+\.\d%$/, { timeout: 90_000 });
  await expect(page.getByTestId('kept-count')).toHaveText(/\d+ \/ \d+/, { timeout: 60_000 });
  expect(percentOf(await page.getByTestId('dense-accuracy').textContent())).toBeGreaterThan(90);
  // The page came from Cache Storage and is still cross-origin isolated (COOP/COEP kept).
  expect(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming & { deliveryType?: string }).deliveryType)).toBe('cache-storage');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(page.getByTestId('backend-badge')).toContainText(/WASM|WebGL|CPU|WebGPU/);

  const units = Number(/\d+ \/ (\d+)/.exec((await page.getByTestId('kept-count').textContent()) ?? '')?.[1]);
  await setKeep(page, 25);
  await expect(page.getByTestId('kept-count')).toHaveText(new RegExp(`^${Math.floor(0.25 * units + 1e-9)} / ${units}\\b`));
  await expect(page.getByTestId('pruned-accuracy')).toHaveText(/\d+\.\d%/);
  expect(errors).toEqual([]);
});
