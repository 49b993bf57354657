import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { calibrationImages } from '../src/core/data/mnist';
import { pruneNetwork } from '../src/core/pruning/prune-network';
import { loadMnistSplit } from '../src/node/mnist-files';
import { loadMlpFile } from '../src/node/model-files';
import { initNodeBackend } from '../src/node/tf-node';

/**
 * ?backend=webgpu forces WebGPU even on SwiftShader (software), which the app otherwise refuses.
 * The engine trusts a GPU backend only if a known product reads back correctly; where it does not
 * (tfjs-webgpu's synchronous readback returns zeros on SwiftShader in a worker), the app must say
 * so and prune on WASM instead. Either way the kept neurons must equal the Node engine's.
 */
test('forced WebGPU prunes a small model exactly like the Node engine, or says why it fell back', async ({ page }, testInfo) => {
  await page.goto('/?backend=webgpu&model=mlp-32-sparse&keep=25&method=ispasp');
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toContainText('forced by ?backend=webgpu', { timeout: 60_000 });
  const onWebGpu = (await badge.textContent())!.startsWith('WEBGPU');
  if (!onWebGpu) await expect(badge).toContainText('webgpu started but read back wrong values');
  await expect(page.getByTestId('kept-count')).toHaveText('8 / 32', { timeout: 120_000 });
  await expect(page.getByTestId('dense-accuracy')).toHaveText('96.5%');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
  const reportPath = testInfo.outputPath('report.json');
  await download.saveAs(reportPath);
  const report = JSON.parse(await readFile(reportPath, 'utf8'));
  expect(report.backend).toBe(onWebGpu ? 'webgpu' : 'wasm');

  await initNodeBackend('wasm');
  const model = await loadMlpFile('public/models/mlp-32-sparse/model.json');
  const train = await loadMnistSplit('train');
  const outcome = pruneNetwork(model, calibrationImages(train, 1000), { method: 'ispasp', keep: 0.25, iterations: 20, seed: 0, refit: false });
  expect(report.layers[0].kept).toEqual(outcome.layers[0].kept);
  report.layers[0].residuals.forEach((value: number, t: number) => expect(Math.abs(value - outcome.layers[0].residuals![t])).toBeLessThan(1e-4));
});
