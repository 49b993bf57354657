import { expect, test, type Page } from '@playwright/test';
import { LESSON_STEPS, lessonSearch } from '../src/ui/lesson/lesson-steps';
import { collectErrors, openApp } from './helpers/app';

const COUNT = LESSON_STEPS.length;

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
