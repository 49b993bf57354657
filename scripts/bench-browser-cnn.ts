/**
 * bench:browser's convolutional rows: `?model=cnn-sparse` in a fresh page; right after its first
 * prune (the accuracy sweep running meanwhile), then in a second fresh page after the sweep has
 * finished, slider moves to ratios whose kept channels differ, each timed from the input event to
 * the new kept counts and their accuracy shown (on the first 1,000 test images), then to the
 * accuracy on all 10,000 shown; main-thread long tasks over each series. Targets from issue 15.
 */
import type { Browser, Page } from 'playwright-core';

export const CNN_TARGETS = { sliderMs: 250, fullAccuracyMs: 3000, longTaskMs: 50 } as const;

/** Consecutive ratios keep different channel counts in every layer of a 16-32-64 network. */
const CNN_PERCENTS = [50, 12, 75, 37, 100, 18, 62, 31, 88, 6, 44, 25];

const LONG_TASKS = `(() => {
  window.__cnnBench = { longtasks: [] };
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__cnnBench.longtasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
})();`;

/** Page side: sets the slider, resolves with ms to the new kept counts shown and to the full-test accuracy shown. */
const CNN_SLIDER = `async ({ percent, timeoutMs }) => {
  const slider = document.querySelector('[data-testid="keep-slider"]');
  const kept = document.querySelector('[data-testid="kept-count"]');
  const widths = Array.from(kept.textContent.matchAll(/\\/ (\\d+)/g), (m) => Number(m[1]));
  const expected = widths.map((w) => Math.max(1, Math.floor((percent / 100) * w + 1e-9)) + ' / ' + w).join(', ');
  if (kept.textContent === expected) throw new Error('the kept counts already show ' + expected);
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const scope = () => document.querySelector('[data-testid="accuracy-scope"]');
  return new Promise((resolve) => {
    let started = 0;
    let shownMs = null;
    const finish = (fullMs) => {
      observer.disconnect();
      clearTimeout(timer);
      resolve({ shownMs, fullMs });
    };
    const check = () => {
      if (kept.textContent !== expected) return;
      const now = performance.now() - started;
      if (shownMs === null) shownMs = now;
      const s = scope();
      if (s && s.dataset.subset === 'no') finish(now);
    };
    const observer = new MutationObserver(check);
    observer.observe(document.querySelector('.results') || document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-subset'] });
    const timer = setTimeout(() => finish(null), timeoutMs);
    started = performance.now();
    setValue.call(slider, String(percent));
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    slider.dispatchEvent(new Event('change', { bubbles: true }));
  });
}`;

export interface CnnSeries {
  readonly readyMs: number;
  /** When the moves began, from navigation (after the sweep, for the second series). */
  readonly startMs: number;
  readonly samples: { percent: number; shownMs: number | null; fullMs: number | null }[];
  readonly longTasks: { count: number; maxMs: number };
}

export interface CnnBrowserResult {
  readonly duringSweep: CnnSeries;
  readonly afterSweep: CnnSeries;
}

async function run(page: Page, source: string, arg: unknown): Promise<unknown> {
  return page.evaluate(`(${source})(${JSON.stringify(arg)})`);
}

export async function cnnRun(browser: Browser, baseUrl: string): Promise<CnnBrowserResult> {
  return { duringSweep: await cnnSeries(browser, baseUrl, false), afterSweep: await cnnSeries(browser, baseUrl, true) };
}

async function cnnSeries(browser: Browser, baseUrl: string, afterSweep: boolean): Promise<CnnSeries> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    await context.addInitScript({ content: LONG_TASKS });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${baseUrl}/?model=cnn-sparse&keep=25`);
    await page.waitForFunction("(document.querySelector('[data-testid=\"accuracy-scope\"]') || { dataset: {} }).dataset.subset === 'no'", undefined, { timeout: 180_000, polling: 50 });
    const readyMs = (await page.evaluate('performance.now()')) as number;
    if (afterSweep) {
      await page.locator('[data-testid="sweep-status"]', { hasText: /^\d+ points/ }).waitFor({ timeout: 600_000 });
      await page.waitForTimeout(1000);
    }
    const from = (await page.evaluate('performance.now()')) as number;
    const samples: CnnSeries['samples'] = [];
    for (const percent of CNN_PERCENTS) {
      const sample = (await run(page, CNN_SLIDER, { percent, timeoutMs: 20_000 })) as { shownMs: number | null; fullMs: number | null };
      samples.push({ percent, ...sample });
      await page.waitForTimeout(150);
    }
    const tasks = ((await page.evaluate('window.__cnnBench.longtasks')) as { start: number; duration: number }[]).filter((task) => task.start + task.duration > from);
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    const f = (x: number | null) => (x === null ? '-' : `${Math.round(x)}`);
    console.log(
      `cnn-sparse: first prune on all test images at ${f(readyMs)} ms; moves from ${f(from)} ms (${afterSweep ? 'after the sweep' : 'sweep running'}): ` +
        samples.map((s) => `${s.percent}%: ${f(s.shownMs)} / ${f(s.fullMs)} ms`).join(', '),
    );
    return { readyMs, startMs: from, samples, longTasks: { count: tasks.length, maxMs: tasks.reduce((max, task) => Math.max(max, task.duration), 0) } };
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[sorted.length >> 1];
};

/** The table rows: metric, target, measured, met. */
export function cnnRows(result: CnnBrowserResult): [string, string, string, string][] {
  return [...seriesRows(result.duringSweep, 'right after the first prune (sweep running)'), ...seriesRows(result.afterSweep, 'after the sweep')];
}

function seriesRows(result: CnnSeries, when: string): [string, string, string, string][] {
  const ms = (x: number) => (Number.isFinite(x) ? `${Math.round(x)} ms` : 'n/a');
  const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
  const shown = result.samples.map((s) => s.shownMs).filter((x): x is number => x !== null);
  const full = result.samples.map((s) => s.fullMs).filter((x): x is number => x !== null);
  const all = result.samples.length;
  return [
    [
      `cnn-sparse, ${when}: slider -> kept channels and accuracy (first 1,000 test images) shown, ${all} ratios: median (max)`,
      `<= ${CNN_TARGETS.sliderMs} ms`,
      `${ms(median(shown))} (${ms(Math.max(...shown))})`,
      yes(shown.length === all && Math.max(...shown) <= CNN_TARGETS.sliderMs),
    ],
    [
      `cnn-sparse, ${when}: slider -> accuracy on all 10,000 test images shown: median (max)`,
      `<= ${CNN_TARGETS.fullAccuracyMs} ms`,
      `${ms(median(full))} (${ms(Math.max(...full))})`,
      yes(full.length === all && Math.max(...full) <= CNN_TARGETS.fullAccuracyMs),
    ],
    [
      `cnn-sparse, ${when}: long tasks over those slider moves`,
      `none > ${CNN_TARGETS.longTaskMs} ms`,
      `${result.longTasks.count}, max ${Math.round(result.longTasks.maxMs)} ms`,
      yes(result.longTasks.count === 0),
    ],
  ];
}
