/**
 * `npm run bench:browser -- --backend webgpu`: the same page on WASM and on WebGPU, side by side
 * (`?backend=` forces each): training images/s (784-64-10, 0.2 epochs), the page getting ready on
 * a repeat visit of `mlp-1024-sparse` (files from the HTTP cache: the test pass over 10,000
 * images, the calibration pass and the first prune), and slider latency once the sweep is done.
 * Writes JSON (default reports/bench-browser-backends.json) and prints a table.
 *
 * Chromium gets --enable-unsafe-webgpu; add --software to also allow SwiftShader
 * (--enable-unsafe-swiftshader), which is how this runs on a machine without a GPU: the badge
 * then says "software adapter", and the figures say nothing about a real GPU.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export interface BackendBenchOptions {
  readonly backends: readonly string[];
  readonly runs: number;
  readonly out: string;
  readonly software: boolean;
  readonly baseUrl: string;
}

const LATENCY_PERCENTS = [3, 47, 12, 85, 25, 60, 5, 33, 90, 18];
const MODEL = 'mlp-1024-sparse';

const text = (page: Page, id: string) => page.getByTestId(id).first().textContent();

/** Sets the keep slider and resolves with the ms until the kept count shows the new ratio. */
const SLIDER_LATENCY = `async (percent) => {
  const slider = document.querySelector('[data-testid="keep-slider"]');
  const kept = document.querySelector('[data-testid="kept-count"]');
  const units = Number(/(\\d+) \\/ (\\d+)/.exec(kept.textContent)[2]);
  const expected = Math.max(1, Math.floor((percent / 100) * units + 1e-9)) + ' / ' + units;
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  return await new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (kept.textContent === expected) { observer.disconnect(); resolve(performance.now() - started); }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    const started = performance.now();
    setValue.call(slider, String(percent));
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    slider.dispatchEvent(new Event('change', { bubbles: true }));
  });
}`;

interface BackendRun {
  readonly badge: string;
  readonly readyMs: number;
  readonly sliderMs: number[];
  readonly trainImagesPerSecond: number | null;
}

async function ready(page: Page, url: string): Promise<number> {
  const started = Date.now();
  await page.goto(url);
  await page.waitForFunction(
    `(() => { const d = document.querySelector('[data-testid="dense-accuracy"]'); const k = document.querySelector('[data-testid="kept-count"]'); return d && /^\\d+\\.\\d%$/.test(d.textContent) && k && /\\d+ \\/ \\d+/.test(k.textContent); })()`,
    undefined,
    { timeout: 600_000, polling: 50 },
  );
  return Date.now() - started;
}

async function oneRun(browser: Browser, baseUrl: string, backend: string): Promise<BackendRun> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    const url = `${baseUrl}/?model=${MODEL}&backend=${backend}`;
    await ready(page, url);
    // Repeat visit: files from the HTTP cache, so this is mostly the test and calibration passes.
    const readyMs = await ready(page, url);
    const badge = ((await text(page, 'backend-badge')) ?? '').split('forced by')[0].trim();
    await page.waitForFunction(
      `[...document.querySelectorAll('p.hint')].some((p) => p.textContent.includes('GFS is swept') && /\\d+ points/.test(p.textContent) && !p.textContent.includes('Sweeping'))`,
      undefined,
      { timeout: 900_000, polling: 250 },
    );
    const sliderMs: number[] = [];
    for (const percent of LATENCY_PERCENTS) {
      sliderMs.push((await page.evaluate(`(${SLIDER_LATENCY})(${percent})`)) as number);
      await page.waitForTimeout(700);
    }
    await page.getByText('Train a network here').click();
    const form = page.locator('form.grid-form');
    await form.getByLabel('Hidden widths').fill('64');
    await form.getByLabel('Epochs').fill('0.2');
    await page.getByTestId('train-button').click();
    await page.waitForFunction(`Number(document.querySelector('[data-testid="train-progress"]').getAttribute('value')) >= 1`, undefined, { timeout: 900_000, polling: 200 });
    const status = (await page.locator('.train-status .hint').first().textContent()) ?? '';
    const match = /(\d+) images\/s/.exec(status);
    return { badge, readyMs, sliderMs, trainImagesPerSecond: match ? Number(match[1]) : null };
  } finally {
    await context.close();
  }
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)];
};

export async function benchBackends(options: BackendBenchOptions, executablePath: string, chromiumArgs: readonly string[]): Promise<void> {
  const args = [...chromiumArgs, '--enable-unsafe-webgpu', ...(options.software ? ['--enable-unsafe-swiftshader'] : [])];
  const browser = await chromium.launch({ executablePath, args, headless: true });
  const results: Record<string, BackendRun[]> = {};
  try {
    for (const backend of options.backends) {
      results[backend] = [];
      for (let r = 0; r < options.runs; r++) {
        const run = await oneRun(browser, options.baseUrl, backend);
        console.log(`${backend} run ${r + 1}: ${run.badge}; ready ${run.readyMs} ms, slider median ${median(run.sliderMs).toFixed(0)} ms, training ${run.trainImagesPerSecond ?? '?'} images/s`);
        results[backend].push(run);
      }
    }
  } finally {
    await browser.close();
  }
  const rows = Object.entries(results).map(([backend, runs]) => ({
    backend,
    badge: runs[0]?.badge ?? '',
    readyMs: median(runs.map((run) => run.readyMs)),
    sliderMedianMs: median(runs.flatMap((run) => run.sliderMs)),
    sliderMaxMs: Math.max(...runs.flatMap((run) => run.sliderMs)),
    trainImagesPerSecond: median(runs.map((run) => run.trainImagesPerSecond ?? NaN).filter(Number.isFinite)),
  }));
  console.log(`\n| backend (badge) | ${MODEL} ready, repeat visit (test pass, calibration, first prune) | slider latency median / max | training 784-64-10 |`);
  console.log('| --- | ---: | ---: | ---: |');
  for (const row of rows) {
    console.log(`| ${row.badge} | ${(row.readyMs / 1000).toFixed(1)} s | ${row.sliderMedianMs.toFixed(0)} / ${row.sliderMaxMs.toFixed(0)} ms | ${Math.round(row.trainImagesPerSecond)} images/s |`);
  }
  const out = path.resolve(options.out);
  if (!existsSync(path.dirname(out))) mkdirSync(path.dirname(out), { recursive: true });
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', platform: `${os.platform()} ${os.release()}` };
  writeFileSync(out, `${JSON.stringify({ createdAt: new Date().toISOString(), machine, chromiumArgs: args, software: options.software, rows, results }, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
}
