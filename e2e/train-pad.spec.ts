import { expect, test } from '@playwright/test';
import { drawOne, openApp, trainHere } from './helpers/app';

test('a tiny in-browser training run reaches 100%, becomes the current model and is kept after a reload', async ({ page }) => {
  await openApp(page);
  await trainHere(page, '0.05');
  const trainedId = await page.getByTestId('model-select').inputValue();
  await page.reload();
  await expect(page.getByTestId('model-select').locator('option', { hasText: 'Trained 784-16-10' })).toHaveCount(1, { timeout: 60_000 });
  // The URL still names the trained model, so the reload opens it again from IndexedDB.
  await expect(page.getByTestId('model-layers')).toHaveText('784 → 16 → 10', { timeout: 60_000 });
  await expect(page.getByTestId('model-select')).toHaveValue(trainedId);
});

test('a training run can be stopped', async ({ page }) => {
  await openApp(page);
  await page.getByText('Train a network here').click();
  const form = page.locator('form.grid-form');
  await form.getByLabel('Hidden widths').fill('64');
  await form.getByLabel('Epochs').fill('2');
  await page.getByTestId('train-button').click();
  await expect.poll(async () => Number(await page.getByTestId('train-progress').getAttribute('value')), { timeout: 60_000 }).toBeGreaterThan(0);
  await page.getByTestId('train-stop').click();
  await expect(page.getByTestId('train-button')).toBeEnabled({ timeout: 30_000 });
  expect(Number(await page.getByTestId('train-progress').getAttribute('value'))).toBeLessThan(1);
  // Stopping is not an error: the panel says what happened, and no error toast appears.
  await expect(page.getByTestId('train-outcome')).toContainText(/stopped/);
  await expect(page.getByTestId('error-toast')).toHaveCount(0);
});

test('drawing on the pad changes the prediction', async ({ page }) => {
  await openApp(page);
  const box = await drawOne(page);
  await expect(page.getByTestId('prediction-dense')).toContainText(/says 1/, { timeout: 30_000 });
  const first = await page.getByTestId('prediction-dense').textContent();
  await page.getByRole('button', { name: 'Clear' }).click();
  // A circle: a "0".
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx + box.width * 0.3, cy);
  await page.mouse.down();
  for (let k = 1; k <= 40; k++) {
    const angle = (k / 40) * 2 * Math.PI;
    await page.mouse.move(cx + box.width * 0.3 * Math.cos(angle), cy + box.height * 0.35 * Math.sin(angle));
  }
  await page.mouse.up();
  await expect(page.getByTestId('prediction-dense')).not.toHaveText(first!, { timeout: 30_000 });
  await expect(page.getByTestId('prediction-pruned')).toContainText(/says \d/);
});
