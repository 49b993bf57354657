import { expect, test, type Page } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { loadTfjsFiles, testSetAccuracy } from '../test/helpers/exported-files';
import { collectErrors, downloadsFrom, drawOne, openApp, percentOf, setKeep, workerTensorCount } from './helpers/app';

/** The kept channels each hidden layer shows, as lists of indices. */
async function keptChannels(page: Page): Promise<number[][]> {
  return page.getByTestId('kept-channels').locator('[data-kept]').evaluateAll((layers) =>
    layers.map((layer) => ((layer as HTMLElement).dataset.kept ?? '').split(',').filter(Boolean).map(Number)),
  );
}

/**
 * What the page shows of the channels after a prune, per hidden layer: `counts` kept. The channel
 * views (the kept-channel list, and feature maps per layer) are all checked here.
 */
async function expectChannelsShown(page: Page, counts: number[]): Promise<number[][]> {
  await expect.poll(async () => (await keptChannels(page)).map((layer) => layer.length)).toEqual(counts);
  const kept = await keptChannels(page);
  const layer1 = page.getByTestId('kept-channels-layer-1');
  await expect(layer1.locator('.kept-channels__cell--kept')).toHaveCount(counts[0]);
  await expect(layer1.locator('.kept-channels__cell--pruned')).toHaveCount(16 - counts[0]);
  // The feature maps: one cell per channel of each convolution, the pruned ones dimmed, the same channels as the list.
  await expect.poll(() => mapStatuses(page), { timeout: 30_000 }).toEqual(kept.slice(0, 2).map((set, l) => statusesOf(set, [16, 32][l])));
  await expect(page.getByTestId('channels-view')).toHaveAttribute('aria-busy', 'false');
  // The first layer's filters are dimmed with their channels.
  await expect(page.getByTestId('channels-grid-filters').locator('[data-status="pruned"]')).toHaveCount(16 - counts[0]);
  return kept;
}

/** The Channels view's map cells: per convolution, each channel's status ('kept' or 'pruned'). */
async function mapStatuses(page: Page): Promise<string[][]> {
  return page.locator('[data-testid^="channels-grid-layer-"]').evaluateAll((grids) =>
    grids.map((grid) => [...grid.querySelectorAll<HTMLElement>('[data-channel]')].map((cell) => cell.dataset.status ?? '')),
  );
}

const statusesOf = (kept: number[], channels: number) => Array.from({ length: channels }, (_, c) => (kept.includes(c) ? 'kept' : 'pruned'));

/** The second convolution's cells' accessible names: they carry each channel's activation sum for the digit shown. */
async function secondLayerLabels(page: Page): Promise<string[]> {
  return page.locator('[data-testid^="channels-grid-layer-"]').nth(1).locator('[data-channel]').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('aria-label') ?? ''));
}

/** Waits until the accuracies shown are on all 10,000 test images (the quick ones come first). */
async function fullAccuracy(page: Page): Promise<number> {
  await expect(page.getByTestId('accuracy-scope')).toHaveAttribute('data-subset', 'no', { timeout: 30_000 });
  await expect(page.getByTestId('accuracy-scope')).toHaveText('on all test images');
  return percentOf(await page.getByTestId('pruned-accuracy').textContent());
}

test('opens the CNN from a link, prunes channels as the slider moves, steps channels and keeps the settings in the URL', async ({ page }) => {
  const errors = collectErrors(page);
  await openApp(page, '?model=cnn-sparse&keep=25');
  await expect(page.getByTestId('model-select')).toHaveValue('cnn-sparse');
  await expect(page.getByTestId('model-select').locator('optgroup[label="Convolutional"] option')).toHaveCount(2);
  await expect(page.getByTestId('model-layers')).toHaveText('784 → conv 16 → conv 32 → 64 → 10');
  await expect(page.getByTestId('kept-count')).toHaveText('4 / 16, 8 / 32, 16 / 64');
  await expect(page.getByTestId('keep-label')).toHaveText('Keep 25% of hidden channels and neurons (prune 75%)');
  const atQuarter = await fullAccuracy(page);
  const keptAtQuarter = await expectChannelsShown(page, [4, 8, 16]);

  await setKeep(page, 50);
  await expect(page.getByTestId('kept-count')).toHaveText('8 / 16, 16 / 32, 32 / 64');
  const keptAtHalf = await expectChannelsShown(page, [8, 16, 32]);
  expect(keptAtHalf[0]).not.toEqual(keptAtQuarter[0]);
  const atHalf = await fullAccuracy(page);
  expect(atHalf).not.toBe(atQuarter);
  await expect(page.getByTestId('kept-chart')).toContainText('layer 1: 8 of 16 channels');
  await expect.poll(() => new URL(page.url()).searchParams.get('keep')).toBe('50');
  expect(new URL(page.url()).searchParams.get('model')).toBe('cnn-sparse');

  // Step mode walks i-SpaSP's iterations over the first layer's channels.
  await page.getByTestId('step-button').click();
  await expect(page.getByTestId('step-narration')).toContainText('s = 8 is the number of channels kept');
  await expect(page.getByTestId('step-caption')).toContainText('Iteration 1 of 20');
  // The feature maps follow the step: the first convolution shows the iteration's kept set.
  const stepKept = (await page.getByTestId('kept-channels-layer-1').locator('.kept-channels__cell--kept').allTextContents()).map(Number);
  expect(stepKept).toHaveLength(8);
  await expect.poll(async () => (await mapStatuses(page))[0]).toEqual(statusesOf(stepKept, 16));

  // One ratio per layer: the controls name channels, and the link carries them.
  await page.getByTestId('per-layer-toggle').check();
  await expect(page.getByText('Layer 1 (conv, 16 channels): keep 50%')).toBeVisible();
  await page.getByTestId('keep-slider-layer-1').fill('25');
  await expect(page.getByTestId('kept-count')).toHaveText('4 / 16, 16 / 32, 32 / 64');
  await expect.poll(() => new URL(page.url()).searchParams.get('layers')).toBe('25,50,50');
  expect(errors).toEqual([]);
});

test('every chart draws for the CNN; slider moves leave the worker tensor count unchanged', async ({ page }) => {
  await openApp(page, '?model=cnn-sparse&keep=25');
  await fullAccuracy(page);
  for (const id of ['residual-chart', 'accuracy-chart', 'kept-chart', 'timing-chart', 'sparsity-chart']) {
    await page.getByTestId(id).scrollIntoViewIfNeeded();
    await expect(page.getByTestId(id).locator('svg path').first()).toBeAttached({ timeout: 60_000 });
  }
  await expect(page.getByTestId('accuracy-chart')).toContainText('hidden channels and neurons kept');
  await expect(page.getByTestId('sparsity-chart')).toContainText('a few channels carry most of the activation mass');
  await expect.poll(async () => page.getByTestId('accuracy-chart').locator('.recharts-line').count(), { timeout: 90_000 }).toBeGreaterThanOrEqual(5);
  const before = await workerTensorCount(page);
  for (const percent of [30, 40, 60, 25]) {
    await setKeep(page, percent);
    await expect(page.getByTestId('kept-count')).toHaveText(new RegExp(`^${Math.floor(0.16 * percent + 1e-9)} / 16`));
  }
  await fullAccuracy(page);
  await expect.poll(() => workerTensorCount(page)).toBe(before);
});

test('exports the pruned CNN as a tfjs model that reloads in Node at the accuracy shown; ONNX and safetensors are off', async ({ page }, testInfo) => {
  await openApp(page, '?model=cnn-sparse&keep=50&refit=1');
  await expect(page.getByTestId('kept-count')).toHaveText('8 / 16, 16 / 32, 32 / 64');
  const shown = await fullAccuracy(page);
  await expect(page.getByTestId('export-onnx-button')).toBeDisabled();
  await expect(page.getByTestId('export-safetensors-button')).toBeDisabled();
  await expect(page.getByTestId('export-formats-note')).toContainText('Dense networks only');
  const [jsonDownload, binDownload] = await downloadsFrom(page, 2, () => page.getByTestId('export-button').click());
  expect(jsonDownload.suggestedFilename()).toBe('cnn-sparse-ispasp-keep50-T20-n1000-seed0-refit.json');
  const jsonPath = testInfo.outputPath(jsonDownload.suggestedFilename());
  const binPath = testInfo.outputPath(binDownload.suggestedFilename());
  await jsonDownload.saveAs(jsonPath);
  await binDownload.saveAs(binPath);

  const modelJson = JSON.parse(await readFile(jsonPath, 'utf8'));
  expect(modelJson.userDefinedMetadata.pruning.layers.map((layer: { kind: string; keptCount: number }) => [layer.kind, layer.keptCount])).toEqual([
    ['conv', 8],
    ['conv', 16],
    ['dense', 32],
  ]);
  await tf.setBackend('cpu');
  const model = await loadTfjsFiles(jsonPath, binPath);
  expect(((await testSetAccuracy(model, [28, 28, 1])) * 100).toFixed(1)).toBe(shown.toFixed(1));
  model.dispose();
});

test('the Channels view shows every feature map of the CNN for a digit; the slider, another digit and a drawn digit change them', async ({ page }) => {
  const errors = collectErrors(page);
  await openApp(page, '?model=cnn-sparse&keep=25');
  const view = page.getByTestId('channels-view');
  await view.scrollIntoViewIfNeeded();
  await expect(page.locator('[data-testid^="channels-grid-layer-"]')).toHaveCount(2);
  await expect(page.getByTestId('channels-grid-filters').locator('[data-channel]')).toHaveCount(16);
  await expect(page.locator('[data-testid^="channels-grid-layer-"]').nth(0).locator('[data-channel]')).toHaveCount(16);
  await expect(page.locator('[data-testid^="channels-grid-layer-"]').nth(1).locator('[data-channel]')).toHaveCount(32);
  // Ten test digits, one per class, the first chosen; "Drawn" waits for a drawing.
  await expect(page.getByTestId('channels-digits').locator('input[data-testid^="channels-digit-"]:not([data-testid$="drawn"])')).toHaveCount(10);
  await expect(page.getByTestId('channels-digits').locator('input:checked')).toHaveCount(1);
  await expect(page.getByTestId('channels-digit-drawn')).toBeDisabled();
  const quarter = await expectChannelsShown(page, [4, 8, 16]);
  await expect(page.locator('[data-testid^="channels-layer-"] h4').first()).toContainText('4 kept');

  await setKeep(page, 50);
  await expect(page.getByTestId('kept-count')).toHaveText('8 / 16, 16 / 32, 32 / 64');
  const half = await expectChannelsShown(page, [8, 16, 32]);
  expect(half[1]).not.toEqual(quarter[1]);
  const labels = await secondLayerLabels(page);
  // Hover: the channel's activation sum and its importance from the prune.
  const firstKept = page.locator('[data-testid^="channels-grid-layer-"]').nth(0).locator(`[data-channel="${half[0][0]}"]`);
  await firstKept.hover();
  await expect(page.getByTestId('channels-info')).toContainText(new RegExp(`Conv 1, channel ${half[0][0]}: kept, activation sum .*importance`));

  // Another test digit: other maps, the same kept channels.
  const other = page.getByTestId('channels-digits').locator('input[data-testid^="channels-digit-"]').nth(3);
  await other.check();
  await expect.poll(() => secondLayerLabels(page)).not.toEqual(labels);
  await expect(view).toHaveAttribute('aria-busy', 'false');
  await expectChannelsShown(page, [8, 16, 32]);
  const otherLabels = await secondLayerLabels(page);

  // A digit drawn on the pad, then "Drawn".
  await drawOne(page);
  await expect(page.getByTestId('channels-digit-drawn')).toBeEnabled();
  await page.getByTestId('channels-digit-drawn').check();
  await expect.poll(() => secondLayerLabels(page)).not.toEqual(otherLabels);
  await expect(view).toHaveAttribute('aria-busy', 'false');
  await expectChannelsShown(page, [8, 16, 32]);

  // And the network whose maps are shown exports (its reload is checked above).
  const [jsonDownload] = await downloadsFrom(page, 2, () => page.getByTestId('export-button').click());
  expect(jsonDownload.suggestedFilename()).toBe('cnn-sparse-ispasp-keep50-T20-n1000-seed0.json');
  const modelJson = JSON.parse(await readFile(await jsonDownload.path(), 'utf8'));
  expect(modelJson.userDefinedMetadata.pruning.layers.map((layer: { kept: number[] }) => layer.kept)).toEqual(half);
  expect(errors).toEqual([]);
});
