import { expect, test } from '@playwright/test';
import { collectErrors, percentOf, setKeep, workerMemory } from './helpers/app';

/**
 * The paper's width, 784-10000-10 (the shipped `mlp-10000`): its first prune takes seconds, so a
 * progress bar shows the phases; after that the slider must stay live (the worker scores the
 * pruned network from its cache of the test images' non-zero activations).
 */
test('784-10000-10: a progress bar until the first prune, then the slider updates the accuracy at 10% and 60%', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  await page.goto('/?model=mlp-10000&keep=30');
  const bar = page.getByTestId('prune-progress');
  await expect(bar).toBeVisible({ timeout: 60_000 });
  await expect(bar).toHaveAttribute('role', 'progressbar');
  const value = Number(await bar.getAttribute('aria-valuenow'));
  expect(value).toBeGreaterThanOrEqual(0);
  expect(value).toBeLessThanOrEqual(100);
  await expect(page.getByTestId('prune-progress-phase')).toHaveText(/^(Loading the model|Running the 10,000 test images|Calibration pass|Pruning|Measuring test accuracy)/);
  await expect(bar).toBeHidden({ timeout: 120_000 });

  await expect(page.getByTestId('model-layers')).toHaveText('784 → 10000 → 10');
  await expect(page.getByTestId('kept-count')).toHaveText(/^3000 \/ 10000$/);
  const dense = percentOf(await page.getByTestId('dense-accuracy').textContent());
  expect(dense).toBeGreaterThan(95);
  const at30 = percentOf(await page.getByTestId('pruned-accuracy').textContent());
  const before = await workerMemory(page);

  await setKeep(page, 10);
  await expect(page.getByTestId('kept-count')).toHaveText(/^1000 \/ 10000$/, { timeout: 10_000 });
  const at10 = percentOf(await page.getByTestId('pruned-accuracy').textContent());
  await setKeep(page, 60);
  await expect(page.getByTestId('kept-count')).toHaveText(/^6000 \/ 10000$/, { timeout: 10_000 });
  const at60 = percentOf(await page.getByTestId('pruned-accuracy').textContent());
  // i-SpaSP on a trained network: more kept neurons, closer to the dense accuracy, never above it by more than noise.
  expect(at10).toBeLessThan(at30);
  expect(at60).toBeGreaterThan(at10);
  expect(at60).toBeLessThanOrEqual(dense + 0.5);
  await expect(bar).toBeHidden();

  // Tensors the running sweep holds (GFS's data) come and go with it; nothing else may pile up.
  const after = await workerMemory(page);
  expect(after.numTensors - after.sweepTensors).toBe(before.numTensors - before.sweepTensors);
  expect(errors).toEqual([]);
});
