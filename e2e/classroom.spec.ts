import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { LESSON_STEPS, lessonSearch } from '../src/ui/lesson/lesson-steps';
import { collectErrors, openApp, setKeep, waitForSweep } from './helpers/app';

const COUNT = LESSON_STEPS.length;

async function expectNoSeriousViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(serious).toEqual([]);
}

/** What the page shows for a lesson step: the panel, the settings it drives, the region it points at. */
async function expectStep(page: Page, index: number): Promise<void> {
  const step = LESSON_STEPS[index];
  await expect(page.getByTestId('lesson-step')).toHaveText(`${index + 1} / ${COUNT}`);
  await expect(page.getByTestId('lesson-title')).toHaveText(step.title);
  await expect(page.getByTestId('method-select')).toHaveValue(step.method, { timeout: 60_000 });
  await expect(page.getByTestId('keep-slider')).toHaveValue(String(step.keep));
  await expect(page.getByTestId('refit-toggle')).toBeChecked({ checked: step.refit });
  await expect(page.getByTestId('model-select')).toHaveValue(step.model, { timeout: 90_000 });
  await expect(page.locator(`.lesson-focus[data-testid="${step.focus}"], .lesson-focus [data-testid="${step.focus}"]`)).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => new URL(page.url()).searchParams.get('lesson')).toBe(String(index + 1));
  // On the dense network the page itself says why random can beat i-SpaSP before a repair.
  if (step.model === 'mlp-1024') await expect(page.getByTestId('dense-note')).toContainText('not a flaw in the paper');
  else await expect(page.getByTestId('dense-note')).toHaveCount(0);
  if (step.compare) await expect(page.getByTestId('side-by-side')).toBeVisible();
  else await expect(page.getByTestId('side-by-side')).toHaveCount(0);
}

test('the guided lesson walks every step, each changing the page, by buttons and arrow keys', async ({ page }) => {
  test.setTimeout(600_000);
  const errors = collectErrors(page);
  await openApp(page);
  await page.getByTestId('lesson-button').click();
  await expectStep(page, 0);
  await expect(page.getByTestId('lesson-prev')).toBeDisabled();
  let previous = '';
  for (let index = 0; index < COUNT; index++) {
    await expectStep(page, index);
    // What the page shows differs from the step before: title, settings or the region pointed at.
    const shown = [
      await page.getByTestId('lesson-text').textContent(),
      await page.getByTestId('method-select').inputValue(),
      await page.getByTestId('keep-slider').inputValue(),
      await page.locator('.lesson-focus').evaluate((card) => card.querySelector('h2, h3')?.textContent ?? ''),
    ].join('|');
    expect(shown).not.toBe(previous);
    previous = shown;
    if (LESSON_STEPS[index].iteration !== undefined) {
      // The i-SpaSP step opens step mode on its first iteration, with its numbers.
      await expect(page.getByTestId('step-caption')).toContainText(/^Iteration 1 of \d+: \d+ in, \d+ out, relative residual \d\.\d{4}/, { timeout: 60_000 });
      await expect(page.getByTestId('step-narration')).toContainText('s = 102 is the number of neurons kept');
    }
    if (index < COUNT - 1) {
      if (index % 2 === 0) await page.getByTestId('lesson-next').click();
      else {
        await page.getByTestId('lesson-title').focus();
        await page.keyboard.press('ArrowRight');
      }
    }
  }
  await expect(page.getByTestId('lesson-next')).toBeDisabled();
  await page.keyboard.press('ArrowLeft');
  await expectStep(page, COUNT - 2);
  await page.getByTestId('lesson-prev').click();
  await expectStep(page, COUNT - 3);
  expect(errors).toEqual([]);
});

test("each lesson step's URL reopens it", async ({ page }) => {
  test.setTimeout(600_000);
  for (let index = 0; index < COUNT; index++) {
    await page.goto(`/${lessonSearch(index)}`);
    await expectStep(page, index);
    await expect(page.getByTestId('lesson-link')).toHaveAttribute('href', `/${lessonSearch(index)}`);
  }
});

test('step mode on GFS adds one neuron per step, with its residual; on top-k it shows the one selection and its criterion', async ({ page }) => {
  await openApp(page, '?method=gfs&keep=5');
  await expect(page.getByTestId('kept-count')).toHaveText(/^51 \/ 1024$/, { timeout: 60_000 });
  await expect(page.getByTestId('step-panel')).toHaveAttribute('data-kind', 'additions');
  await page.getByTestId('step-button').click();
  await expect(page.getByTestId('step-caption')).toHaveText(/^Addition 1 of 51: neuron \d+ joined; relative residual (\d\.\d{4}) \(was 1\.0000\)\.$/);
  const first = Number(/relative residual (\d\.\d{4})/.exec((await page.getByTestId('step-caption').textContent())!)![1]);
  await page.getByTestId('step-button').click();
  const second = /^Addition 2 of 51: neuron \d+ joined; relative residual (\d\.\d{4}) \(was (\d\.\d{4})\)\.$/.exec((await page.getByTestId('step-caption').textContent())!);
  expect(second).not.toBeNull();
  // "was" is the previous step's residual, and a greedy addition never raises it.
  expect(Number(second![2])).toBe(first);
  expect(Number(second![1])).toBeLessThanOrEqual(first);
  await expect(page.getByTestId('neuron-grid').locator('canvas')).toHaveAttribute('aria-label', /Addition 2: neuron \d+ added, 2 kept\./);
  await page.getByTestId('step-jump').click();
  await expect(page.getByTestId('step-caption')).toHaveText(/^Addition 51 of 51/);

  await page.getByTestId('method-select').selectOption('topk');
  await expect(page.getByTestId('step-panel')).toHaveAttribute('data-kind', 'single');
  await page.getByTestId('step-button').click();
  await expect(page.getByTestId('step-caption')).toHaveText('One selection: the 51 neurons with the largest activation sum over the calibration images (h̄_j).');
  const criterion = /Every kept neuron has h̄_j ≥ ([\d,.]+); the highest pruned one has ([\d,.]+)\./.exec((await page.getByTestId('step-narration').textContent())!);
  expect(criterion).not.toBeNull();
  expect(Number(criterion![1].replace(/,/g, ''))).toBeGreaterThanOrEqual(Number(criterion![2].replace(/,/g, '')));

  await page.getByTestId('method-select').selectOption('ispasp');
  await expect(page.getByTestId('step-panel')).toHaveAttribute('data-kind', 'iterations');
  await expect(page.getByTestId('step-narration')).toContainText('s = 51 is the number of neurons kept');
  await expect(page.getByTestId('step-narration')).toContainText('2s = 102 is the number of candidates');
  // On the default network the kept set settles within a few iterations; the jump goes there.
  await expect(page.getByTestId('step-narration')).toContainText(/The kept set stopped changing after iteration \d+/);
  await page.getByTestId('step-jump').click();
  await expect(page.getByTestId('step-caption')).toHaveText(/^Iteration \d+ of 20: /);
});

test('side by side: the sparse and the dense network pruned at the same ratio in one view', async ({ page }) => {
  await openApp(page, '?keep=10');
  await page.getByTestId('side-by-side-toggle').click();
  const left = page.getByTestId('side-left');
  const right = page.getByTestId('side-right');
  await expect(left.getByRole('heading')).toHaveText('mlp-1024-sparse');
  await expect(right.getByRole('heading')).toHaveText('mlp-1024');
  await expect(page.getByTestId('side-left-kept')).toHaveText('102 / 1024');
  await expect(page.getByTestId('side-right-kept')).toHaveText('102 / 1024', { timeout: 90_000 });
  await setKeep(page, 20);
  await expect(page.getByTestId('side-left-kept')).toHaveText('204 / 1024');
  await expect(page.getByTestId('side-right-kept')).toHaveText('204 / 1024', { timeout: 60_000 });
  const percentIn = async (id: string) => Number(/([\d.]+)%/.exec((await page.getByTestId(id).textContent())!)![1]);
  // The sparse network keeps more of its accuracy at the same ratio (the lesson of the view).
  expect(await percentIn('side-left-accuracy')).toBeGreaterThan(await percentIn('side-right-accuracy'));
  await page.getByTestId('side-by-side-close').click();
  await expect(page.getByTestId('side-by-side')).toHaveCount(0);
});

test('method cards open from the method select, the readouts and the charts', async ({ page }) => {
  await openApp(page, '?method=random');
  await page.getByTestId('card-button-random').click();
  const card = page.getByTestId('method-card');
  await expect(card).toBeVisible();
  await expect(card.getByRole('heading')).toHaveText('random');
  await expect(page.getByTestId('method-card-note')).toContainText('mlp-10000');
  await page.getByTestId('method-card-close').click();
  await expect(card).toBeHidden();
  await page.getByTestId('card-button-residual').click();
  await expect(page.getByTestId('method-card-formula')).toContainText('‖U − H[:, S] V[S, :]‖_F / ‖U‖_F');
  await page.keyboard.press('Escape');
  await expect(card).toBeHidden();
  await page.getByTestId('accuracy-chart').locator('xpath=..').getByRole('button', { name: 'GFS' }).click();
  await expect(card.getByRole('heading')).toHaveText('GFS (greedy forward selection)');
});

for (const presentation of [false, true]) {
  test(`no serious or critical accessibility violations${presentation ? ' in presentation mode' : ''}`, async ({ page }) => {
    await openApp(page);
    if (presentation) await page.getByTestId('presentation-toggle').click();
    await page.getByTestId('lesson-button').click();
    await expect(page.getByTestId('lesson-step')).toHaveText(`1 / ${COUNT}`);
    await expectNoSeriousViolations(page);
    if (presentation) return;
    // The classroom's other views: step mode with its narration, the side-by-side view, a method card.
    await page.getByTestId('lesson-close').click();
    await page.getByTestId('step-button').click();
    await page.getByTestId('side-by-side-toggle').click();
    await expect(page.getByTestId('side-right-kept')).toHaveText(/\d+ \/ 1024/, { timeout: 90_000 });
    await expectNoSeriousViolations(page);
    await page.getByTestId('card-button-residual').click();
    await expect(page.getByTestId('method-card')).toBeVisible();
    await expectNoSeriousViolations(page);
  });
}

test('honest charts: keyboard tooltips with exact values, timings at one kept count, repeated timings with their spread', async ({ page }) => {
  await openApp(page, '?keep=5');
  await waitForSweep(page);
  const accuracy = page.getByTestId('accuracy-chart');
  await accuracy.scrollIntoViewIfNeeded();
  // Straight segments between measured points, each point marked.
  await expect(accuracy.locator('.recharts-line')).toHaveCount(5);
  await expect(accuracy.locator('path.point-marks--ispasp')).toHaveAttribute('d', /^M[\d.]+,[\d.]+a/);
  await accuracy.locator('[tabindex="0"]').first().focus();
  await page.keyboard.press('ArrowRight');
  await expect(accuracy.locator('.recharts-tooltip-wrapper')).toContainText(/\d+(\.\d+)?% kept/);
  await expect(accuracy.locator('.recharts-tooltip-wrapper')).toContainText(/i-SpaSP\s*:\s*\d+(\.\d+)?%/);

  const timing = page.getByTestId('timing-chart');
  await timing.scrollIntoViewIfNeeded();
  await expect(timing).toContainText(/Prune time at [\d.]+% kept \(\d+ neurons in the first layer\), one sweep measurement per method/);
  await page.getByTestId('repeat-timings').click();
  const result = page.getByTestId('repeated-timings-result');
  await expect(result).toContainText(/i-SpaSP: median [\d.]+ m?s, range [\d.]+ m?s to [\d.]+ m?s \(5 runs\)/, { timeout: 120_000 });
  await expect(result).toContainText(/GFS: median [\d.]+ m?s, range [\d.]+ m?s to [\d.]+ m?s \(5 runs\)/);
  await expect(page.getByTestId('repeated-speedup')).toContainText(/GFS takes [\d.]+× i-SpaSP’s median time/);
});

test('projector-ready neurons: the size control enlarges the tiles', async ({ page }) => {
  await openApp(page);
  const canvas = page.getByTestId('neuron-grid').locator('canvas');
  await canvas.scrollIntoViewIfNeeded();
  const before = (await canvas.boundingBox())!.height;
  await page.getByTestId('tile-size').selectOption('44');
  // 1,024 tiles of at least 44 px in the same width need more rows.
  await expect.poll(async () => (await canvas.boundingBox())!.height).toBeGreaterThan(before * 1.5);
});
