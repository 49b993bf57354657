import { expect, type Download, type Page } from '@playwright/test';

/** Console errors and uncaught page errors seen while a test ran. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Opens the app and waits until the default model is loaded and its first prune is shown. */
export async function openApp(page: Page, query = ''): Promise<void> {
  await page.goto(`/${query}`);
  await expect(page.getByTestId('dense-accuracy')).toHaveText(/^\d+\.\d%$/, { timeout: 90_000 });
  await expect(page.getByTestId('kept-count')).toHaveText(/\d+ \/ \d+/, { timeout: 60_000 });
}

/**
 * Trains a 784-16-10 network with the "Train a network here" form for `epochs` epochs and waits
 * until it is the current model and listed as trained (slow backends get `timeoutMs`).
 */
export async function trainHere(page: Page, epochs: string, timeoutMs = 60_000): Promise<void> {
  await page.getByText('Train a network here').click();
  const form = page.locator('form.grid-form');
  await form.getByLabel('Hidden widths').fill('16');
  await form.getByLabel('Epochs').fill(epochs);
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('train-progress')).toHaveAttribute('value', '1', { timeout: 1.5 * timeoutMs });
  await expect(page.getByTestId('model-layers')).toHaveText('784 → 16 → 10', { timeout: timeoutMs });
  await expect(page.getByTestId('model-select').locator('option', { hasText: 'Trained 784-16-10' })).toHaveCount(1);
}

/** Draws a vertical stroke (a "1") on the digit pad with the mouse; returns the pad's box for more strokes. */
export async function drawOne(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  const pad = page.getByTestId('pad-canvas');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  for (let k = 1; k <= 12; k++) await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.15 + 0.06 * k));
  await page.mouse.up();
  return box;
}

/** Sets the keep slider the way a user's drag ends: value plus an input event. */
export async function setKeep(page: Page, percent: number): Promise<void> {
  await page.getByTestId('keep-slider').fill(String(percent));
}

export async function workerTensorCount(page: Page): Promise<number> {
  return (await workerMemory(page)).numTensors;
}

/** The worker's tfjs memory; `sweepTensors` of its tensors belong to a running sweep (none since GFS works on typed arrays). */
export async function workerMemory(page: Page): Promise<{ numTensors: number; numBytes: number; sweepTensors: number }> {
  return page.evaluate(async () => {
    const probe = (window as unknown as { __spasp?: { memory(): Promise<{ numTensors: number; numBytes: number; sweepTensors: number }> } }).__spasp;
    if (!probe) throw new Error('the app exposes no __spasp probe');
    return probe.memory();
  });
}

export function percentOf(text: string | null): number {
  const match = /([\d.]+)%/.exec(text ?? '');
  if (!match) throw new Error(`no percentage in ${text}`);
  return Number(match[1]);
}

/** Waits until the accuracy sweep has finished (a running sweep legitimately holds tensors). */
export async function waitForSweep(page: Page): Promise<void> {
  await expect(page.getByTestId('sweep-status')).toContainText(/^\d+ points/, { timeout: 90_000 });
}

/**
 * The downloads one action starts, in order. A listener set up before the action catches them
 * all: waiting for each in turn misses a second download that fires a few milliseconds after the first.
 */
export async function downloadsFrom(page: Page, count: number, action: () => Promise<void>): Promise<Download[]> {
  const downloads: Download[] = [];
  const collect = (download: Download) => downloads.push(download);
  page.on('download', collect);
  try {
    await action();
    await expect.poll(() => downloads.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(count);
  } finally {
    page.off('download', collect);
  }
  return downloads;
}
