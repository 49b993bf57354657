import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { normalizedImages } from '../src/core/data/mnist';
import { loadMnistSplit } from '../src/node/mnist-files';
import { initNodeBackend } from '../src/node/tf-node';
import {
  argmaxAccuracy,
  loadTfjsFiles,
  maxAbsDifference,
  parseSafetensors,
  runOnnx,
  safetensorsDifferences,
  tfjsDenseWeights,
  tfjsOutputs,
  torchStateDictBytes,
} from '../test/helpers/exported-files';
import { downloadsFrom, openApp, percentOf, setKeep } from './helpers/app';

async function downloadBytes(page: Page, testId: string, savePath: (name: string) => string): Promise<{ name: string; bytes: Uint8Array }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const file = savePath(download.suggestedFilename());
  await download.saveAs(file);
  return { name: download.suggestedFilename(), bytes: new Uint8Array(await readFile(file)) };
}

test('ONNX and safetensors downloads: ONNX Runtime scores the shown accuracy, safetensors holds the tfjs weights', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  await openApp(page);
  await setKeep(page, 10);
  await expect(page.getByTestId('kept-count')).toHaveText(/^102 \/ 1024$/);
  const shown = percentOf(await page.getByTestId('pruned-accuracy').textContent());
  const save = (name: string) => testInfo.outputPath(name);

  const onnxFile = await downloadBytes(page, 'export-onnx-button', save);
  const safetensorsFile = await downloadBytes(page, 'export-safetensors-button', save);
  const report = JSON.parse(new TextDecoder().decode((await downloadBytes(page, 'export-report', save)).bytes));
  const [jsonDownload, binDownload] = await downloadsFrom(page, 2, () => page.getByTestId('export-button').click());
  await jsonDownload.saveAs(save('model.json'));
  await binDownload.saveAs(save('weights.bin'));
  expect(onnxFile.name).toMatch(/ispasp-keep10\.onnx$/);
  expect(safetensorsFile.name).toMatch(/ispasp-keep10\.safetensors$/);

  const test10k = await loadMnistSplit('test');
  const images = normalizedImages(test10k);
  const run = await runOnnx(onnxFile.bytes, images, test10k.count);
  expect(run.inputNames).toEqual(['input']);
  const onnxAccuracy = argmaxAccuracy(run.outputs, run.classes, test10k.labels);
  expect(onnxAccuracy).toBe(report.accuracy.pruned);
  expect((onnxAccuracy * 100).toFixed(1)).toBe(shown.toFixed(1));

  // The tfjs model the page exports, run in Node: the same outputs, and the same weights as the safetensors file.
  await initNodeBackend('wasm');
  const model = await loadTfjsFiles(save('model.json'), save('weights.bin'));
  const tfjs = { outputs: tfjsOutputs(model, images, test10k.count), layers: tfjsDenseWeights(model) };
  model.dispose();
  expect(maxAbsDifference(run.outputs, tfjs.outputs)).toBeLessThanOrEqual(1e-4);
  const safetensors = parseSafetensors(safetensorsFile.bytes);
  expect(safetensors.tensors.map((t) => `${t.name}:${t.shape.join('x')}`)).toEqual(['0.weight:102x784', '0.bias:102', '2.weight:10x102', '2.bias:10']);
  expect(safetensorsDifferences(safetensors, torchStateDictBytes(tfjs.layers))).toEqual([]);
  expect(safetensors.metadata).toMatchObject({ method: 'ispasp', keep: '0.1', architecture: '784-102-10' });
});
