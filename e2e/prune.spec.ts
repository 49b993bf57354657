import { expect, test } from '@playwright/test';
import { collectErrors, openApp, percentOf, setKeep, waitForSweep, workerTensorCount } from './helpers/app';

test('loads a network, shows its dense accuracy and a first prune, without console errors', async ({ page }) => {
  const errors = collectErrors(page);
  await openApp(page);
  expect(percentOf(await page.getByTestId('dense-accuracy').textContent())).toBeGreaterThan(90);
  await expect(page.getByTestId('backend-badge')).toContainText(/WASM|WebGL|CPU|WebGPU/);
  // The sparse kernel shares its work with one helper per extra core (up to 4 threads) on a
  // cross-origin isolated page.
  const { cores, isolated } = await page.evaluate(() => ({ cores: navigator.hardwareConcurrency, isolated: crossOriginIsolated }));
  expect(isolated).toBe(true);
  await expect(page.getByTestId('backend-badge')).toContainText(`pruning kernel ${Math.min(4, cores)} thread`);
  await expect(page.getByTestId('pruned-accuracy')).toHaveText(/\d+\.\d%/);
  expect(errors).toEqual([]);
});

test('the slider at 10% updates kept count and accuracy; its label says kept and pruned', async ({ page }) => {
  await openApp(page);
  await setKeep(page, 50);
  await expect(page.getByTestId('kept-count')).toHaveText(/^512 \/ 1024$/);
  const atHalf = percentOf(await page.getByTestId('pruned-accuracy').textContent());
  await setKeep(page, 10);
  await expect(page.getByTestId('kept-count')).toHaveText(/^102 \/ 1024$/);
  await expect(page.getByTestId('keep-label')).toHaveText('Keep 10% of hidden neurons (prune 90%)');
  await expect.poll(async () => percentOf(await page.getByTestId('pruned-accuracy').textContent())).not.toBe(atHalf);
  await page.getByTestId('keep-slider').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('kept-count')).toHaveText(/^112 \/ 1024$/);
});

test('switching the method re-prunes', async ({ page }) => {
  await openApp(page);
  await setKeep(page, 5);
  await expect(page.getByTestId('kept-count')).toHaveText(/^51 \/ 1024$/);
  const ispasp = await page.getByTestId('pruned-accuracy').textContent();
  await page.getByTestId('method-select').selectOption('random');
  await expect(page.getByTestId('pruned-accuracy')).not.toHaveText(ispasp!);
  await page.getByTestId('method-select').selectOption('magnitude');
  await expect(page.getByTestId('residual-chart')).toContainText(/not iterative/);
});

test('every chart draws SVG paths', async ({ page }) => {
  await openApp(page);
  await waitForSweep(page);
  // Charts off screen keep their last render until they are scrolled into view, as a reader would.
  for (const id of ['residual-chart', 'accuracy-chart', 'kept-chart', 'timing-chart', 'sparsity-chart']) {
    await page.getByTestId(id).scrollIntoViewIfNeeded();
    await expect(page.getByTestId(id).locator('svg path').first()).toBeAttached({ timeout: 60_000 });
  }
  // The sweep fills the accuracy chart with one line per method.
  await expect.poll(async () => page.getByTestId('accuracy-chart').locator('.recharts-line').count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(5);
});

test('50 slider moves leave the worker tensor count unchanged', async ({ page }) => {
  await openApp(page);
  await waitForSweep(page);
  await setKeep(page, 20);
  await expect(page.getByTestId('kept-count')).toHaveText(/^204 \/ 1024$/);
  const before = await workerTensorCount(page);
  for (let move = 0; move < 50; move++) await setKeep(page, 2 + ((move * 7) % 97));
  await setKeep(page, 20);
  await expect(page.getByTestId('kept-count')).toHaveText(/^204 \/ 1024$/);
  await page.waitForTimeout(500);
  expect(await workerTensorCount(page)).toBe(before);
});

test('URL state round trip: settings in the link are restored on load', async ({ page }) => {
  await openApp(page, '?method=topk&keep=25&iterations=7&refit=1');
  await expect(page.getByTestId('method-select')).toHaveValue('topk');
  await expect(page.getByTestId('keep-slider')).toHaveValue('25');
  await expect(page.getByTestId('iterations-input')).toHaveValue('7');
  await expect(page.getByTestId('refit-toggle')).toBeChecked();
  await expect(page.getByTestId('kept-count')).toHaveText(/^256 \/ 1024$/);
  await setKeep(page, 33);
  await expect.poll(() => new URL(page.url()).searchParams.get('keep')).toBe('33');
  const link = page.url();
  await page.goto(link);
  await expect(page.getByTestId('keep-slider')).toHaveValue('33');
  await expect(page.getByTestId('kept-count')).toHaveText(/^337 \/ 1024$/, { timeout: 90_000 });
});
