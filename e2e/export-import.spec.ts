import { expect, test } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadTfjsFiles, testSetAccuracy } from '../test/helpers/exported-files';
import { downloadsFrom, openApp, percentOf, setKeep } from './helpers/app';

test('exported model loads with tfjs in Node, scores the shown accuracy and has the pruned size', async ({ page }, testInfo) => {
  await openApp(page);
  await setKeep(page, 10);
  await expect(page.getByTestId('kept-count')).toHaveText(/^102 \/ 1024$/);
  const shown = percentOf(await page.getByTestId('pruned-accuracy').textContent());
  const [jsonDownload, binDownload] = await downloadsFrom(page, 2, () => page.getByTestId('export-button').click());
  expect(jsonDownload.suggestedFilename()).toMatch(/-ispasp-keep10-T20-n1000-seed0\.json$/);
  const jsonPath = testInfo.outputPath(jsonDownload.suggestedFilename());
  const binPath = testInfo.outputPath(binDownload.suggestedFilename());
  await jsonDownload.saveAs(jsonPath);
  await binDownload.saveAs(binPath);

  const modelJson = JSON.parse(await readFile(jsonPath, 'utf8'));
  expect(modelJson.weightsManifest[0].paths).toEqual([path.basename(binPath)]);
  const weights = await readFile(binPath);
  // 784 x 102 + 102 + 102 x 10 + 10 float32 values.
  expect(weights.byteLength).toBe((784 * 102 + 102 + 102 * 10 + 10) * 4);
  await tf.setBackend('cpu');
  const model = await loadTfjsFiles(jsonPath, binPath);
  expect(((await testSetAccuracy(model, [784])) * 100).toFixed(1)).toBe(shown.toFixed(1));
  model.dispose();
});

test('run report and sweep CSV download', async ({ page }, testInfo) => {
  await openApp(page);
  const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
  const reportPath = testInfo.outputPath('report.json');
  await report.saveAs(reportPath);
  const parsed = JSON.parse(await readFile(reportPath, 'utf8'));
  expect(parsed).toMatchObject({ method: 'ispasp', iterations: 20, samples: 1000 });
  expect(parsed.layers[0].kept.length).toBe(parsed.layers[0].keptCount);
  await expect(page.getByTestId('export-sweep')).toBeEnabled({ timeout: 60_000 });
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-sweep').click()]);
  const csvPath = testInfo.outputPath('sweep.csv');
  await csv.saveAs(csvPath);
  expect((await readFile(csvPath, 'utf8')).split('\n')[0]).toBe('method,keep_ratio,accuracy_raw,accuracy_refit,prune_ms');
});

test('a bad import shows one clear error and the current model keeps working', async ({ page }) => {
  await openApp(page);
  const before = await page.getByTestId('model-layers').textContent();
  await page.getByTestId('model-import').setInputFiles([
    { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{"modelTopology": {"class_name": "Sequential"}, "weightsManifest": [{"paths": ["w.bin"], "weights": []}]}') },
  ]);
  await expect(page.getByTestId('error-message')).toBeVisible();
  await expect(page.getByTestId('error-message')).toHaveText(/.+/);
  expect((await page.getByTestId('error-message').textContent())!.split('\n')).toHaveLength(1);
  await expect(page.getByTestId('model-layers')).toHaveText(before!);
  await setKeep(page, 30);
  await expect(page.getByTestId('kept-count')).toHaveText(/^307 \/ 1024$/);
});
