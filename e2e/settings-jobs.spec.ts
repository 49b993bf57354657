import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { openApp, percentOf, setKeep, waitForSweep } from './helpers/app';

test('typing 500 into "Calibration images" prunes with 500; a bad value says why and changes nothing', async ({ page }) => {
  await openApp(page);
  const samples = page.getByTestId('samples-input');
  await samples.fill('');
  await samples.press('Tab');
  await expect(page.getByTestId('samples-input-error')).toHaveText('Calibration images: enter a value (an integer from 1 to 10000)');
  expect(new URL(page.url()).searchParams.get('samples')).toBe('1000');
  await samples.fill('5');
  await samples.press('Enter');
  await expect(samples).toHaveValue('5');
  await expect.poll(() => new URL(page.url()).searchParams.get('samples')).toBe('5');
  await samples.fill('500');
  await samples.press('Enter');
  await expect(samples).toHaveValue('500');
  await expect(page.getByTestId('samples-input-error')).toHaveCount(0);
  await expect.poll(() => new URL(page.url()).searchParams.get('samples')).toBe('500');
  await samples.fill('20000');
  await samples.press('Enter');
  await expect(page.getByTestId('samples-input-error')).toHaveText("Calibration images must be an integer from 1 to 10000, got '20000'");
  await expect(samples).toHaveValue('20000');
  expect(new URL(page.url()).searchParams.get('samples')).toBe('500');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
  const report = JSON.parse(await readFile((await download.path())!, 'utf8'));
  expect(report.samples).toBe(500);
});

test('a per-layer link reopens with those ratios, in the label and the kept counts', async ({ page }) => {
  await openApp(page, '?model=mlp-512-256-sparse&keep=10&layers=5,50');
  await expect(page.getByTestId('kept-count')).toHaveText('25 / 512, 128 / 256', { timeout: 60_000 });
  await expect(page.getByTestId('keep-label')).toHaveText('Keep 5% / 50% of hidden neurons, layer by layer');
  await expect(page.getByTestId('per-layer-toggle')).toBeChecked();
  await page.getByTestId('keep-slider-layer-2').fill('20');
  await expect(page.getByTestId('kept-count')).toHaveText('25 / 512, 51 / 256');
  await expect.poll(() => new URL(page.url()).searchParams.get('layers')).toBe('5,20');
  await page.goto(page.url());
  await expect(page.getByTestId('kept-count')).toHaveText('25 / 512, 51 / 256', { timeout: 90_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
  expect(download.suggestedFilename()).toBe('mlp-512-256-sparse-ispasp-keep5-20-T20-n1000-seed0.report.json');
});

test('with fine-tuning on, the report records what ran, the readout leads with it and the accuracy chart still fills', async ({ page }) => {
  await openApp(page, '?finetune=0.1&keep=10');
  await expect(page.getByTestId('finetuned-accuracy')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('delivered-kind')).toHaveText('after fine-tuning');
  const finetuned = percentOf(await page.getByTestId('finetuned-accuracy').textContent());
  expect(percentOf(await page.getByTestId('pruned-accuracy').textContent())).toBe(finetuned);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
  expect(download.suggestedFilename()).toBe('mlp-1024-sparse-ispasp-keep10-T20-n1000-seed0-ft0.1ep-lr0.001.report.json');
  const report = JSON.parse(await readFile((await download.path())!, 'utf8'));
  expect(report).toMatchObject({ finetuneEpochs: 0.1, finetuneLearningRate: 0.001, samples: 1000 });
  expect(report.timingsMs.finetune).toBeGreaterThan(0);
  expect(report.accuracy.pruned).toBe(report.accuracy.finetuned);
  await waitForSweep(page);
  const points = Number(/^(\d+) points/.exec((await page.getByTestId('sweep-status').textContent())!)![1]);
  expect(points).toBeGreaterThan(50);
  await expect.poll(async () => page.getByTestId('accuracy-chart').locator('.recharts-line').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(5);
});

test('an error stays visible after the next prune, and in view when the page is scrolled', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('model-import').setInputFiles([{ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{"modelTopology": {}}') }]);
  await expect(page.getByTestId('error-toast')).toHaveCount(1);
  await expect(page.getByTestId('error-note-model')).toBeVisible();
  await setKeep(page, 30);
  await expect(page.getByTestId('kept-count')).toHaveText('307 / 1024');
  await page.waitForTimeout(500);
  await expect(page.getByTestId('error-toast')).toHaveCount(1);
  await page.getByTestId('digit-pad').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('error-toast')).toBeInViewport();
  await page.getByTestId('error-dismiss').click();
  await expect(page.getByTestId('error-toast')).toHaveCount(0);
  await expect(page.getByTestId('error-note-model')).toHaveCount(0);
});

test('an unknown ?model= says so and names the models; ?backend=cuda is refused with a reason', async ({ page }) => {
  await openApp(page, '?model=nope&backend=cuda');
  await expect(page.getByTestId('error-note-link')).toContainText("There is no model 'nope' here; opened mlp-1024-sparse instead. Pick one in the Model panel: mlp-1024-sparse");
  await expect(page.getByTestId('error-note-start')).toContainText('?backend=cuda is not a backend: use webgpu, wasm, webgl or cpu');
  await expect(page.getByTestId('backend-badge')).not.toContainText('forced');
});

test('switching models clears the old results at once', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('model-select').selectOption('mlp-32-sparse');
  await expect(page.getByTestId('kept-count')).toHaveText('–');
  await expect(page.getByTestId('kept-count')).toHaveText('3 / 32', { timeout: 60_000 });
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });
  test('a compact result bar stays in view while the slider moves', async ({ page }) => {
    await openApp(page);
    const slider = page.getByTestId('keep-slider');
    await slider.scrollIntoViewIfNeeded();
    await setKeep(page, 40);
    await expect(page.getByTestId('kept-count')).toHaveText('409 / 1024');
    const bar = page.getByTestId('compact-result');
    await expect(bar).toBeInViewport();
    await expect(slider).toBeInViewport();
    await expect(bar).toContainText('409 / 1024');
    await expect(bar).toContainText((await page.getByTestId('pruned-accuracy').textContent())!);
    await page.screenshot({ path: test.info().outputPath('phone.png') });
  });
});

test('after training, the panel stays open with its final status and a labelled curve', async ({ page }) => {
  await openApp(page);
  await page.getByText('Train a network here').click();
  const form = page.locator('form.grid-form');
  await form.getByLabel('Hidden widths').fill('16');
  await form.getByLabel('Epochs').fill('');
  await form.getByLabel('Epochs').press('Tab');
  await expect(page.getByTestId('train-epochs-error')).toContainText('Epochs: enter a value');
  await expect(page.getByTestId('train-button')).toBeDisabled();
  await form.getByLabel('Epochs').fill('0.05');
  await form.getByLabel('Epochs').press('Enter');
  await expect(page.getByTestId('train-button')).toBeEnabled();
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('model-layers')).toHaveText('784 → 16 → 10', { timeout: 90_000 });
  await expect(page.getByTestId('train-panel')).toHaveAttribute('open', '');
  await expect(page.getByTestId('train-outcome')).toContainText('Training finished');
  await expect(page.getByTestId('train-status')).toContainText('100%');
  const curve = page.getByTestId('train-curve');
  await expect(curve.locator('.recharts-cartesian-axis-tick-value').first()).toBeVisible();
  await expect(curve).toContainText('share of training done');
  await expect(curve).toContainText('loss (left)');
  await curve.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('train-panel.png') });
});
