import { expect, test, type Page } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { normalizedImages } from '../src/core/data/mnist';
import { loadMnistSplit } from '../src/node/mnist-files';
import { argmaxAccuracy, loadTfjsFiles, tfjsOutputs } from '../test/helpers/exported-files';
import { downloadsFrom, drawOne, percentOf, trainHere } from './helpers/app';

/**
 * The `webgpu` project: ?backend=webgpu in headless Chromium with only the standard flags
 * (--enable-unsafe-webgpu --enable-unsafe-swiftshader), so tfjs runs on SwiftShader, a software
 * adapter. The app must run on it (no fallback), read every tensor asynchronously, and give the
 * same results as on WASM: the pruning engine does not depend on the backend.
 */

/** Console lines that mean some code read a GPU tensor synchronously (tfjs-webgpu warns on each). */
const SYNC_READ = /synchronously reading|dataSync|readSync|arraySync/i;

function watchConsole(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (message) => lines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => lines.push(`pageerror: ${error.message}`));
  return lines;
}

async function prunedReadouts(page: Page, query: string) {
  await page.goto(`/?${query}`);
  await expect(page.getByTestId('dense-accuracy')).toHaveText(/^\d+\.\d%$/, { timeout: 120_000 });
  await expect(page.getByTestId('kept-count')).toHaveText('8 / 32', { timeout: 120_000 });
  await expect(page.getByTestId('pruned-accuracy')).toHaveText(/\d+\.\d%/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
  const report = JSON.parse(await readFile((await download.path())!, 'utf8'));
  return {
    badge: (await page.getByTestId('backend-badge').textContent()) ?? '',
    dense: await page.getByTestId('dense-accuracy').textContent(),
    kept: await page.getByTestId('kept-count').textContent(),
    pruned: await page.getByTestId('pruned-accuracy').textContent(),
    report,
  };
}

test('forced WebGPU on a software adapter prunes mlp-32-sparse at 25% exactly like WASM', async ({ page, browser }) => {
  const lines = watchConsole(page);
  const query = 'model=mlp-32-sparse&keep=25&method=ispasp';
  const gpu = await prunedReadouts(page, `${query}&backend=webgpu`);
  expect(gpu.badge).toContain('WebGPU (software adapter, forced)');
  expect(gpu.report.backend).toBe('webgpu');
  expect(gpu.report.stages).toMatchObject({ training: 'tfjs on WebGPU (software adapter, forced)', selection: expect.stringContaining('JavaScript') });
  expect(gpu.report.stages.calibration).toMatch(/WASM kernel, \d+ threads?/);

  const wasmPage = await browser.newPage();
  const wasm = await prunedReadouts(wasmPage, `${query}&backend=wasm`);
  await wasmPage.close();
  expect(wasm.badge).toContain('WASM');
  expect(wasm.report.backend).toBe('wasm');
  expect({ dense: gpu.dense, kept: gpu.kept, pruned: gpu.pruned }).toEqual({ dense: wasm.dense, kept: wasm.kept, pruned: wasm.pruned });
  expect(gpu.report.layers[0].kept).toEqual(wasm.report.layers[0].kept);
  expect(gpu.report.layers[0].residuals).toEqual(wasm.report.layers[0].residuals);
  expect(gpu.report.accuracy).toEqual(wasm.report.accuracy);
  expect(lines.filter((line) => SYNC_READ.test(line))).toEqual([]);
});

test('on WebGPU a small network trains, is evaluated and listed, the pad predicts, and its export scores the shown accuracy in Node', async ({ page }) => {
  const lines = watchConsole(page);
  await page.goto('/?model=mlp-32-sparse&backend=webgpu');
  await expect(page.getByTestId('backend-badge')).toContainText('WebGPU (software adapter, forced)', { timeout: 60_000 });
  await expect(page.getByTestId('kept-count')).toHaveText(/\d+ \/ 32/, { timeout: 120_000 });

  await trainHere(page, '0.1', 120_000);
  await expect(page.getByTestId('dense-accuracy')).toHaveText(/^\d+\.\d%$/, { timeout: 60_000 });
  // A tenth of an epoch already learns: far above chance (10%; the same run on WASM in Node scores 63%).
  expect(percentOf(await page.getByTestId('dense-accuracy').textContent())).toBeGreaterThan(50);
  await expect(page.getByTestId('kept-count')).toHaveText(/\d+ \/ 16/, { timeout: 120_000 });

  await drawOne(page);
  await expect(page.getByTestId('prediction-dense')).toContainText(/says \d/, { timeout: 60_000 });
  await expect(page.getByTestId('prediction-pruned')).toContainText(/says \d/);

  const shown = percentOf(await page.getByTestId('pruned-accuracy').textContent());
  const [jsonDownload, binDownload] = await downloadsFrom(page, 2, () => page.getByTestId('export-button').click());
  await tf.setBackend('cpu');
  const model = await loadTfjsFiles((await jsonDownload.path())!, (await binDownload.path())!);
  const test10k = await loadMnistSplit('test');
  const correct = argmaxAccuracy(tfjsOutputs(model, normalizedImages(test10k), test10k.count), 10, test10k.labels) * test10k.count;
  model.dispose();
  expect(((correct / test10k.count) * 100).toFixed(1)).toBe(shown.toFixed(1));
  expect(lines.filter((line) => SYNC_READ.test(line))).toEqual([]);
});
