/**
 * `npm run bench:browser`: the playground's speed in Chromium, measured against the product
 * targets. Prints a table and writes JSON (default reports/bench-browser.json).
 *
 * Needs a production build (`npm run build`; nothing is built here). Serves dist/ with
 * `vite preview` (COOP/COEP headers) on a free port and drives Chromium (playwright-core, the
 * system browser: CHROMIUM_PATH or /usr/bin/chromium; nothing is downloaded). Each run uses a
 * fresh browser context (empty HTTP cache, no service worker yet) and measures, in the page:
 *
 * - page ready: navigation start to the first prune shown (dense accuracy and kept count) for
 *   the default model; also a repeat visit (reload once the service worker is active);
 * - full sweep: from the hint under the accuracy chart first saying "Sweeping" to it saying
 *   "N points" (all methods over the 20 ratios);
 * - slider latency: an input event on the keep slider to the kept count showing the new ratio
 *   (a MutationObserver started before the event; performance.now() in the page), for 20 ratios
 *   once the sweep is done, and for 20 ratios right after the first prune of a reload (the sweep
 *   then runs in the worker for the first moves; those are also reported on their own);
 * - main-thread long tasks (PerformanceObserver 'longtask', installed before the app's scripts):
 *   startup, the sweep, 30 rapid slider moves (one every 16 ms), a mouse drag on the thumb (48
 *   pointer moves 16 ms apart) and a short training run (784-64-10, 0.2 epochs);
 * - the drag, frame by frame: whether the keep label and the kept chart's count show the thumb's
 *   value in every frame, and how long after the release the result (kept count and accuracy
 *   from the worker) shows the last ratio;
 * - a cost measure that does not depend on the machine's load: how many chart plots (Recharts
 *   SVGs) change on a slider move, the slider's own marks excluded;
 * - the built JavaScript, raw and gzipped; the backend named by the badge;
 * - the paper's width (`mlp-10000`, 784-10000-10) in one more fresh context: navigation to the
 *   progress bar, to the first prune shown (download, test-activation cache, calibration pass,
 *   prune, accuracy), slider latency at several ratios after it, the renderer process's resident
 *   memory (page and its workers, read from /proc: an upper bound for the worker), the sweep's
 *   duration and the GFS / i-SpaSP speed-up sentence the app shows with the slider at 10% (GFS
 *   stops there on this width);
 * - the shipped CNN (`cnn-sparse`, bench-browser-cnn.ts): slider to kept channels and accuracy
 *   shown, then to the accuracy on all 10,000 test images, and long tasks meanwhile;
 * - the calibration pass in a Chromium worker (bench-browser-kernel.ts): useful GFLOP/s beside
 *   the WebAssembly SIMD peak measured in the same worker, 784-1024-10 and 784-10000-10.
 *
 * Options: --runs N (5), --out FILE, --no-train (skip the training phase), --no-wide (skip the
 * 784-10000-10 phase), --no-cnn (skip the CNN phase), --only-cnn (the CNN rows alone, printed, no report file), --no-kernel (skip the calibration pass),
 * --only-kernel (the calibration pass rows alone, printed, no report file),
 * --only-wide (the 784-10000-10 slider moves alone, --runs times, printed, no report file), --only-startup (cold start to
 * the first prune, --runs times: each long task with its long-animation-frame scripts, printed, no
 * report file), --port N (vite preview's port; a free one by default). `--backend webgpu` instead compares WASM and WebGPU on the same page
 * (bench-browser-backends.ts; --software allows a software adapter, SwiftShader).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { benchBackends } from './bench-browser-backends';
import { cnnRows, cnnRun, CNN_TARGETS, type CnnBrowserResult } from './bench-browser-cnn';
import { calibrationPassInBrowser, calibrationPassRows, type BrowserCalibrationPass } from './bench-browser-kernel';
import { freePort } from './free-port';
import { median } from './timing';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    out: { type: 'string', default: 'reports/bench-browser.json' },
    'no-train': { type: 'boolean', default: false },
    'no-wide': { type: 'boolean', default: false },
    'no-cnn': { type: 'boolean', default: false },
    'only-cnn': { type: 'boolean', default: false },
    'only-wide': { type: 'boolean', default: false },
    'only-startup': { type: 'boolean', default: false },
    'no-kernel': { type: 'boolean', default: false },
    'only-kernel': { type: 'boolean', default: false },
    port: { type: 'string' },
    backend: { type: 'string' },
    software: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('error: --runs must be a positive integer');
  process.exit(2);
}

const root = process.cwd();
const dist = path.join(root, 'dist');
if (!existsSync(path.join(dist, 'index.html')) || !existsSync(path.join(dist, 'assets'))) {
  console.error('error: dist/ is missing or incomplete: run `npm run build` first (this benchmark builds nothing)');
  process.exit(2);
}

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** The calibration pass in the browser: the widths and sizes `npm run bench` times in Node. */
const KERNEL_BENCH = { units: [1024, 10000], samples: 1000, repeats: 15 };
const LATENCY_PERCENTS = [3, 47, 12, 85, 25, 60, 5, 33, 90, 18, 72, 8, 50, 2, 40, 95, 15, 66, 22, 30];
const RAPID_MOVES = Array.from({ length: 30 }, (_, k) => 2 + ((k * 37) % 97));
const DRAG_PERCENTS = Array.from({ length: 48 }, (_, k) => 8 + k * 2);
/** The product targets (issue 10: "the slider is instant"). */
const TARGETS = {
  readyMs: 5000,
  sliderMedianMs: 50,
  sliderP90Ms: 80,
  wideMedianMs: 100,
  wideMaxMs: 150,
  sweepMs: 3000,
  longTaskMs: 50,
  jsGzipBytes: 1.5e6,
};

// Page-side code is kept as source text: what page.evaluate runs must not depend on helpers the
// TypeScript loader might inject.

/** Installed before the app's scripts on every document: long tasks and the ready/sweep marks. */
const INIT_SCRIPT = `(() => {
  const bench = { longtasks: [], marks: {} };
  window.__bench = bench;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        bench.longtasks.push({
          start: entry.startTime,
          duration: entry.duration,
          name: entry.name,
          attribution: (entry.attribution || []).map((a) => ({ name: a.name, containerType: a.containerType, containerSrc: a.containerSrc, containerName: a.containerName })),
        });
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch (error) {
    bench.longtaskError = String(error);
  }
  const text = (id) => { const el = document.querySelector('[data-testid="' + id + '"]'); return el ? el.textContent : ''; };
  const observer = new MutationObserver(() => {
    const now = performance.now();
    const marks = bench.marks;
    if (marks.ready === undefined && /^\\d+\\.\\d%$/.test(text('dense-accuracy')) && /\\d+ \\/ \\d+/.test(text('kept-count'))) {
      marks.ready = now;
      marks.readyKept = text('kept-count');
    }
    let hint = null;
    for (const p of document.querySelectorAll('p.hint')) if (p.textContent.includes('GFS is swept')) hint = p;
    if (hint) {
      const t = hint.textContent;
      if (t.includes('Sweeping')) {
        if (marks.sweepStart === undefined) marks.sweepStart = now;
      } else if (marks.sweepStart !== undefined && marks.sweepDone === undefined) {
        const m = /(\\d+) points/.exec(t);
        marks.sweepDone = now;
        marks.sweepPoints = m ? Number(m[1]) : null;
      }
    }
    if (marks.ready !== undefined && marks.sweepDone !== undefined) observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, characterData: true });
})();`;

/**
 * Sets the keep slider (value + input event) and resolves with the ms until the kept count shows
 * it (null on timeout), and whether the sweep was running when the slider moved.
 */
const SLIDER_LATENCY = `async ({ percent, timeoutMs }) => {
  const slider = document.querySelector('[data-testid="keep-slider"]');
  const kept = document.querySelector('[data-testid="kept-count"]');
  const m = /(\\d+) \\/ (\\d+)/.exec(kept.textContent);
  const units = Number(m[2]);
  const expected = Math.max(1, Math.floor((percent / 100) * units + 1e-9)) + ' / ' + units;
  if (kept.textContent === expected) throw new Error('the kept count already shows ' + expected);
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  let sweeping = false;
  for (const p of document.querySelectorAll('p.hint')) if (p.textContent.includes('GFS is swept') && p.textContent.includes('Sweeping')) sweeping = true;
  // Load-independent cost: how many chart plots (Recharts SVGs) change while the move is shown.
  const plots = Array.from(document.querySelectorAll('.recharts-wrapper'));
  const changed = new Set();
  const plotObserver = new MutationObserver((records) => {
    for (const record of records) {
      const plot = plots.find((p) => p.contains(record.target));
      const element = record.target.nodeType === Node.ELEMENT_NODE ? record.target : record.target.parentElement;
      if (plot && !(element && element.closest('.slider-line, .slider-dots'))) changed.add(plot);
    }
  });
  for (const plot of plots) plotObserver.observe(plot, { subtree: true, childList: true, attributes: true, characterData: true });
  const ms = await new Promise((resolve) => {
    let started = 0;
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      observer.disconnect();
      clearTimeout(timer);
      // Let the deferred chart renders of this move land before counting them.
      setTimeout(() => { plotObserver.disconnect(); resolve(value); }, 300);
    };
    const observer = new MutationObserver(() => {
      if (kept.textContent === expected) finish(performance.now() - started);
    });
    observer.observe(kept.closest('section') || document.body, { subtree: true, childList: true, characterData: true });
    const timer = setTimeout(() => finish(null), timeoutMs);
    started = performance.now();
    setValue.call(slider, String(percent));
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    slider.dispatchEvent(new Event('change', { bubbles: true }));
  });
  return { ms, sweeping, plotsRedrawn: changed.size, plots: plots.length };
}`;

/** Moves the slider through the percents, one every intervalMs, then waits for the last one to show. */
const RAPID_SLIDER = `async ({ percents, intervalMs, timeoutMs }) => {
  const slider = document.querySelector('[data-testid="keep-slider"]');
  const kept = document.querySelector('[data-testid="kept-count"]');
  const units = Number(/(\\d+) \\/ (\\d+)/.exec(kept.textContent)[2]);
  const last = percents[percents.length - 1];
  const expected = Math.max(1, Math.floor((last / 100) * units + 1e-9)) + ' / ' + units;
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const start = performance.now();
  for (const percent of percents) {
    setValue.call(slider, String(percent));
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    slider.dispatchEvent(new Event('change', { bubbles: true }));
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const deadline = performance.now() + timeoutMs;
  while (kept.textContent !== expected) {
    if (performance.now() > deadline) return { start, end: performance.now(), timedOut: true };
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  return { start, end: performance.now(), timedOut: false };
}`;

/**
 * Samples every animation frame from now until stopped: whether the keep label and the kept
 * chart's count (both follow the slider itself) show the thumb's value, and whether the result
 * readout (kept count from the worker) does.
 */
const FRAME_SAMPLER_START = `(() => {
  const slider = document.querySelector('[data-testid="keep-slider"]');
  const label = document.querySelector('[data-testid="keep-label"]');
  const kept = document.querySelector('[data-testid="kept-count"]');
  const chart = document.querySelector('[data-testid="kept-chart"] figcaption');
  const units = Number(/(\\d+) \\/ (\\d+)/.exec(kept.textContent)[2]);
  const count = (percent) => Math.max(1, Math.floor((percent / 100) * units + 1e-9));
  const frames = [];
  const sampler = { frames, running: true };
  window.__frames = sampler;
  const tick = () => {
    if (!sampler.running) return;
    const percent = Number(slider.value);
    frames.push({
      t: performance.now(),
      percent,
      label: label.textContent.includes('Keep ' + percent + '%'),
      chart: chart ? chart.textContent.includes(count(percent) + ' of ' + units) : false,
      result: kept.textContent === count(percent) + ' / ' + units,
    });
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;

/** Resolves with performance.now() once the training progress reaches 1 (null on timeout). */
const TRAIN_DONE = `async ({ timeoutMs }) => {
  const bar = () => document.querySelector('[data-testid="train-progress"]');
  const finished = () => bar() && Number(bar().getAttribute('value')) >= 1;
  if (finished()) return performance.now();
  return await new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (finished()) {
        observer.disconnect();
        clearTimeout(timer);
        resolve(performance.now());
      }
    });
    observer.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['value'] });
    const timer = setTimeout(() => {
      observer.disconnect();
      resolve(null);
    }, timeoutMs);
  });
}`;

/** True once Cache Storage holds the files the worker fetches at start. */
const CACHED_STARTUP_FILES = `(async () => {
  const wanted = ['/models/index.json', '/data/train-images-idx3-ubyte.gz', '/data/train-labels-idx1-ubyte.gz', '/data/t10k-images-idx3-ubyte.gz', '/data/t10k-labels-idx1-ubyte.gz'];
  const urls = [];
  for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
  return wanted.every((file) => urls.includes(file)) && urls.some((file) => file.endsWith('.weights.bin'));
})()`;

interface LongTask {
  start: number;
  duration: number;
  name: string;
  attribution: { name: string; containerType: string; containerSrc: string; containerName: string }[];
}
interface Marks {
  ready?: number;
  readyKept?: string;
  sweepStart?: number;
  sweepDone?: number;
  sweepPoints?: number | null;
}
interface PhaseTasks {
  count: number;
  maxMs: number;
  tasks: { startMs: number; durationMs: number }[];
}
interface DragResult {
  frames: number;
  /** Frames in which the keep label, the kept chart's count and the result readout showed the thumb's value. */
  labelFrames: number;
  chartFrames: number;
  resultFrames: number;
  /** From releasing the mouse to the result readout showing the last value (latest wins). */
  catchUpMs: number | null;
}

interface RunResult {
  readyMs: number;
  repeatReadyMs: number | null;
  sweepMs: number;
  sweepDoneSinceNavigationMs: number;
  sweepPoints: number | null;
  sliderAfterSweepMs: (number | null)[];
  /** After the first prune of a page load: the sweep runs in the worker for the first few moves. */
  sliderAfterFirstPruneMs: (number | null)[];
  /** Of those, the moves made while the sweep was still running. */
  sliderWhileSweepingMs: (number | null)[];
  trainMs: number | null;
  /** Chart plots whose SVG changed per slider move (after the sweep), besides the slider's own marks. */
  plotsRedrawnPerMove: number[];
  /** Chart plots in the page (the denominator of the above). */
  plotsInPage: number;
  drag: DragResult;
  longTasks: { startup: PhaseTasks; sweep: PhaseTasks; rapidSlider: PhaseTasks; drag: PhaseTasks; training: PhaseTasks | null };
  backend: string;
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function startPreview(port: number): Promise<ChildProcess> {
  const viteBin = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const child = spawn(process.execPath, [viteBin, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite preview exited (${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      if (response.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill();
  throw new Error(`vite preview did not answer on port ${port} within 30 s:\n${output}`);
}

function jsSize(): { files: { name: string; bytes: number; gzipBytes: number }[]; bytes: number; gzipBytes: number } {
  const assets = path.join(dist, 'assets');
  const files = readdirSync(assets)
    .filter((name) => name.endsWith('.js'))
    .map((name) => {
      const content = readFileSync(path.join(assets, name));
      return { name, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
    });
  return { files, bytes: files.reduce((s, f) => s + f.bytes, 0), gzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0) };
}

async function evaluate<T>(page: Page, source: string, arg: unknown): Promise<T> {
  return page.evaluate(`(${source})(${JSON.stringify(arg)})`) as Promise<T>;
}

async function marks(page: Page): Promise<Marks> {
  return page.evaluate('window.__bench.marks') as Promise<Marks>;
}

/**
 * Polled with plain evaluations: page.waitForFunction would first compile Playwright's injected
 * script in the page (an anonymous script of 30-50 ms on the main thread, in a trace), and the
 * start-up phase would count the harness's own task as the app's.
 */
async function waitForMark(page: Page, name: keyof Marks, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = (await page.evaluate(`window.__bench ? window.__bench.marks[${JSON.stringify(name)}] : undefined`)) as number | undefined;
    if (value !== undefined && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`the page never reached the ${name} mark within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function longTasks(page: Page): Promise<LongTask[]> {
  return page.evaluate('window.__bench.longtasks') as Promise<LongTask[]>;
}

function phase(tasks: LongTask[], from: number, to: number): PhaseTasks {
  const inside = tasks.filter((task) => task.start + task.duration > from && task.start < to);
  return {
    count: inside.length,
    maxMs: inside.reduce((max, task) => Math.max(max, task.duration), 0),
    tasks: inside.map((task) => ({ startMs: Math.round(task.start), durationMs: Math.round(task.duration) })),
  };
}

interface SliderSample {
  ms: number | null;
  sweeping: boolean;
  plotsRedrawn: number;
  plots: number;
}

async function sliderSeries(page: Page, pauseMs: number): Promise<SliderSample[]> {
  const samples: SliderSample[] = [];
  for (const percent of LATENCY_PERCENTS) {
    samples.push(await evaluate<SliderSample>(page, SLIDER_LATENCY, { percent, timeoutMs: 30_000 }));
    // A short pause, as between two deliberate slider changes.
    await page.waitForTimeout(pauseMs);
  }
  return samples;
}

/**
 * A mouse drag on the keep slider: press on the thumb, move through DRAG_PERCENTS one mouse event
 * per 16 ms (a 60 Hz pointer), release; every frame is sampled in the page meanwhile.
 */
async function mouseDrag(page: Page): Promise<DragResult & { start: number; end: number }> {
  const slider = page.getByTestId('keep-slider');
  await slider.scrollIntoViewIfNeeded();
  const box = (await slider.boundingBox())!;
  // The thumb's centre at a percent: the range runs from 1 to 100 over the track minus the thumb.
  const thumb = 16;
  const xOf = (percent: number) => box.x + thumb / 2 + ((percent - 1) / 99) * (box.width - thumb);
  const y = box.y + box.height / 2;
  const from = Number(await slider.inputValue());
  await page.mouse.move(xOf(from), y);
  const start = (await page.evaluate('performance.now()')) as number;
  await page.evaluate(FRAME_SAMPLER_START);
  await page.mouse.down();
  for (const percent of DRAG_PERCENTS) {
    await page.mouse.move(xOf(percent), y);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  const released = (await page.evaluate('performance.now()')) as number;
  const last = Number(await slider.inputValue());
  let catchUpMs: number | null = null;
  try {
    await page.waitForFunction(
      `(() => { const kept = document.querySelector('[data-testid="kept-count"]'); const units = Number(/(\\d+) \\/ (\\d+)/.exec(kept.textContent)[2]); return kept.textContent === Math.max(1, Math.floor((${last} / 100) * units + 1e-9)) + ' / ' + units; })()`,
      undefined,
      { timeout: 30_000, polling: 'raf' },
    );
    catchUpMs = ((await page.evaluate('performance.now()')) as number) - released;
  } catch {
    // Never caught up: reported as null.
  }
  const frames = (await page.evaluate('(() => { window.__frames.running = false; return window.__frames.frames; })()')) as { percent: number; label: boolean; chart: boolean; result: boolean }[];
  const end = (await page.evaluate('performance.now()')) as number;
  const during = frames.filter((_, k) => k > 0);
  return {
    start,
    end,
    frames: during.length,
    labelFrames: during.filter((f) => f.label).length,
    chartFrames: during.filter((f) => f.chart).length,
    resultFrames: during.filter((f) => f.result).length,
    catchUpMs,
  };
}

async function oneRun(browser: Browser, baseUrl: string, index: number): Promise<RunResult> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    await context.addInitScript({ content: INIT_SCRIPT });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    // Cold start: fresh profile, nothing cached, no service worker yet.
    await page.goto(`${baseUrl}/`);
    const readyMs = await waitForMark(page, 'ready', 120_000);
    const backend = (await page.evaluate(
      "(() => { const b = document.querySelector('[data-testid=\"backend-badge\"]'); const reason = b.querySelector('.badge-reason'); return b.textContent.replace(reason ? reason.textContent : '', '').trim() + (reason ? ' (' + reason.textContent + ')' : ''); })()",
    )) as string;
    const sweepDone = await waitForMark(page, 'sweepDone', 300_000);
    // The hint can say "N points" a frame before the last points are drawn: count a little later.
    await page.waitForTimeout(300);
    const m = await marks(page);
    const pointsText = (await page.locator('p.hint', { hasText: 'GFS is swept' }).textContent()) ?? '';
    m.sweepPoints = Number(/(\d+) points/.exec(pointsText)?.[1] ?? NaN);
    const afterSweepSamples = await sliderSeries(page, 150);
    const afterSweep = afterSweepSamples.map((sample) => sample.ms);

    await page.waitForTimeout(300);
    const rapid = await evaluate<{ start: number; end: number; timedOut: boolean }>(page, RAPID_SLIDER, { percents: RAPID_MOVES, intervalMs: 16, timeoutMs: 30_000 });
    if (rapid.timedOut) throw new Error('the last of the rapid slider moves never showed');
    await page.waitForTimeout(300);
    const drag = await mouseDrag(page);
    await page.waitForTimeout(300);
    const firstTasks = await longTasks(page);

    let training: PhaseTasks | null = null;
    let trainMs: number | null = null;
    if (!values['no-train']) {
      await page.getByText('Train a network here').click();
      const form = page.locator('form.grid-form');
      await form.getByLabel('Hidden widths').fill('64');
      await form.getByLabel('Epochs').fill('0.2');
      const started = (await page.evaluate('performance.now()')) as number;
      await page.getByTestId('train-button').click();
      const finished = await evaluate<number | null>(page, TRAIN_DONE, { timeoutMs: 300_000 });
      if (finished === null) throw new Error('training did not reach 100% within 300 s');
      trainMs = finished - started;
      await page.waitForTimeout(100);
      training = phase(await longTasks(page), started, finished);
      // Let the new model open before the reload.
      await page.getByTestId('model-layers').filter({ hasText: '784 → 64 → 10' }).waitFor({ timeout: 120_000 });
    }

    // Repeat visit: once the service worker is active, one load under its control caches the
    // worker's files (models, MNIST); the next is served from Cache Storage. On that one, slider
    // moves right after the first prune, while the sweep runs in the worker.
    let repeatReadyMs: number | null = null;
    const registered = (await page.evaluate(
      "navigator.serviceWorker ? Promise.race([navigator.serviceWorker.ready.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 10000))]) : false",
    )) as boolean;
    if (registered) {
      await page.goto(`${baseUrl}/`);
      await waitForMark(page, 'ready', 120_000);
      await page.waitForFunction(CACHED_STARTUP_FILES, undefined, { timeout: 60_000, polling: 250 });
    }
    await page.goto(`${baseUrl}/`);
    const last = await waitForMark(page, 'ready', 120_000);
    if (registered && (await page.evaluate('navigator.serviceWorker.controller !== null'))) repeatReadyMs = last;
    const afterFirstPrune = await sliderSeries(page, 50);
    const duringSweep = afterFirstPrune.map((sample) => sample.ms);
    const whileSweeping = afterFirstPrune.filter((sample) => sample.sweeping).map((sample) => sample.ms);
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);

    const result: RunResult = {
      readyMs,
      repeatReadyMs,
      sweepMs: sweepDone - (m.sweepStart ?? NaN),
      sweepDoneSinceNavigationMs: sweepDone,
      sweepPoints: m.sweepPoints ?? null,
      sliderAfterSweepMs: afterSweep,
      sliderAfterFirstPruneMs: duringSweep,
      sliderWhileSweepingMs: whileSweeping,
      trainMs,
      plotsRedrawnPerMove: afterSweepSamples.map((sample) => sample.plotsRedrawn),
      plotsInPage: afterSweepSamples[0]?.plots ?? 0,
      drag: { frames: drag.frames, labelFrames: drag.labelFrames, chartFrames: drag.chartFrames, resultFrames: drag.resultFrames, catchUpMs: drag.catchUpMs },
      longTasks: {
        startup: phase(firstTasks, 0, readyMs),
        sweep: phase(firstTasks, readyMs, sweepDone),
        rapidSlider: phase(firstTasks, rapid.start, rapid.end + 200),
        drag: phase(firstTasks, drag.start, drag.end),
        training,
      },
      backend,
    };
    const f = (x: number | null) => (x === null ? '-' : `${Math.round(x)}`);
    console.log(
      `run ${index + 1}/${runs}: ready ${f(readyMs)} ms (repeat ${f(repeatReadyMs)}), sweep ${f(result.sweepMs)} ms (${result.sweepPoints} points), ` +
        `slider median ${f(median(afterSweep.filter((x): x is number => x !== null)))} ms after sweep / ${f(median(duringSweep.filter((x): x is number => x !== null)))} ms after first prune ` +
        `(${whileSweeping.length} of ${duringSweep.length} moves while sweeping, median ${f(median(whileSweeping.filter((x): x is number => x !== null)))} ms), ` +
        `long tasks: startup ${result.longTasks.startup.count} (max ${f(result.longTasks.startup.maxMs)}), sweep ${result.longTasks.sweep.count} (max ${f(result.longTasks.sweep.maxMs)}), ` +
        `rapid slider ${result.longTasks.rapidSlider.count} (max ${f(result.longTasks.rapidSlider.maxMs)}), drag ${result.longTasks.drag.count} (max ${f(result.longTasks.drag.maxMs)}; ` +
        `label ${drag.labelFrames}/${drag.frames} frames, kept chart ${drag.chartFrames}/${drag.frames}, result caught up ${f(drag.catchUpMs)} ms after release), ` +
        `plots redrawn per move median ${median(result.plotsRedrawnPerMove)} of ${afterSweepSamples[0]?.plots ?? '?'}` +
        (training ? `, training ${training.count} (max ${f(training.maxMs)}) in ${f(trainMs)} ms` : ''),
    );
    return result;
  } finally {
    await context.close();
  }
}

/** Long animation frames (Chromium's LoAF API) with their scripts: what a long task ran. */
const LOAF_SCRIPT = `(() => {
  const frames = [];
  window.__loaf = frames;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.duration <= 50) continue;
        frames.push({
          start: entry.startTime,
          duration: entry.duration,
          blocking: entry.blockingDuration,
          render: entry.renderStart ? entry.startTime + entry.duration - entry.renderStart : 0,
          style: entry.styleAndLayoutStart ? entry.startTime + entry.duration - entry.styleAndLayoutStart : 0,
          scripts: (entry.scripts || []).map((s) => ({ invoker: s.invoker, fn: s.sourceFunctionName, src: (s.sourceURL || '').split('/').pop(), at: s.sourceCharPosition, duration: s.duration, forcedLayout: s.forcedStyleAndLayoutDuration })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch (error) {
    window.__loafError = String(error);
  }
})();`;

/** Cold start to the first prune shown: the long tasks on the way, each with the long animation frame around it. */
async function startupRun(browser: Browser, baseUrl: string, index: number): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    await context.addInitScript({ content: INIT_SCRIPT });
    await context.addInitScript({ content: LOAF_SCRIPT });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    const readyMs = await waitForMark(page, 'ready', 120_000);
    await page.waitForTimeout(200);
    const tasks = phase(await longTasks(page), 0, readyMs);
    const frames = (await page.evaluate('window.__loaf || []')) as { start: number; duration: number; blocking: number; render: number; style: number; scripts: { invoker: string; fn: string; src: string; at: number; duration: number; forcedLayout: number }[] }[];
    const load = os.loadavg()[0].toFixed(2);
    console.log(`startup ${index + 1}/${runs}: ready ${Math.round(readyMs)} ms, ${tasks.count} long tasks (max ${Math.round(tasks.maxMs)} ms) ${JSON.stringify(tasks.tasks)}, load ${load}`);
    for (const frame of frames.filter((f) => f.start < readyMs)) {
      const scripts = frame.scripts.filter((s) => s.duration >= 5).map((s) => `${s.invoker} ${s.fn || '?'}@${s.src}:${s.at} ${Math.round(s.duration)} ms${s.forcedLayout > 1 ? ` (layout ${Math.round(s.forcedLayout)})` : ''}`);
      console.log(`  frame at ${Math.round(frame.start)} ms: ${Math.round(frame.duration)} ms (blocking ${Math.round(frame.blocking)}, render ${Math.round(frame.render)}, style+layout ${Math.round(frame.style)}): ${scripts.join('; ') || 'no script >= 5 ms'}`);
    }
  } finally {
    await context.close();
  }
}

const WIDE_PERCENTS = [50, 100, 25, 75, 5, 30, 90, 15];

interface WideResult {
  progressShownMs: number | null;
  readyMs: number;
  sliderMs: { percent: number; ms: number | null }[];
  rendererRssMB: number | null;
  /** performance.measureUserAgentSpecificMemory: the dedicated workers' share (the app's worker and the kernel's helpers). */
  workerMB: number | null;
  sweepMs: number | null;
  speedup: string | null;
}

/** Resident memory of the largest Chromium renderer process, in MB (Linux /proc), or null. */
function largestRendererRssMB(): number | null {
  if (!existsSync('/proc')) return null;
  let largest: number | null = null;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('--type=renderer')) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss) largest = Math.max(largest ?? 0, Number(rss[1]) / 1024);
    } catch {
      // The process ended while we looked.
    }
  }
  return largest;
}

async function wideRun(browser: Browser, baseUrl: string, slidersOnly = false): Promise<WideResult> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${baseUrl}/?model=mlp-10000&keep=10`);
    let progressShownMs: number | null = null;
    try {
      await page.waitForFunction("document.querySelector('[data-testid=\"prune-progress\"]') !== null", undefined, { timeout: 60_000, polling: 20 });
      progressShownMs = (await page.evaluate('performance.now()')) as number;
    } catch {
      // Never shown: the first prune finished before the first poll, or the bar is missing.
    }
    await page.waitForFunction("(document.querySelector('[data-testid=\"kept-count\"]') || {}).textContent === '1000 / 10000'", undefined, { timeout: 300_000, polling: 20 });
    const readyMs = (await page.evaluate('performance.now()')) as number;
    const sliderMs: { percent: number; ms: number | null }[] = [];
    for (const percent of WIDE_PERCENTS) {
      const sample = await evaluate<{ ms: number | null }>(page, SLIDER_LATENCY, { percent, timeoutMs: 60_000 });
      sliderMs.push({ percent, ms: sample.ms });
      await page.waitForTimeout(150);
    }
    const rendererRssMB = largestRendererRssMB();
    if (slidersOnly) {
      const f = (x: number | null) => (x === null ? '-' : `${Math.round(x)}`);
      console.log(`784-10000-10: first prune shown at ${f(readyMs)} ms, slider ${sliderMs.map((s) => `${s.percent}%: ${f(s.ms)} ms`).join(', ')}, load ${os.loadavg()[0].toFixed(2)}`);
      return { progressShownMs, readyMs, sliderMs, rendererRssMB, workerMB: null, sweepMs: null, speedup: null };
    }
    let sweepMs: number | null = null;
    let speedup: string | null = null;
    try {
      const started = (await page.evaluate('performance.now()')) as number;
      await page.locator('p.hint', { hasText: /\d+ points/ }).first().waitFor({ timeout: 600_000 });
      await page.waitForFunction("!Array.from(document.querySelectorAll('p.hint')).some((p) => p.textContent.includes('Sweeping'))", undefined, { timeout: 600_000, polling: 250 });
      sweepMs = ((await page.evaluate('performance.now()')) as number) - started;
      // The timing card compares methods at a ratio where both were timed; GFS stops at 10% here.
      await evaluate<{ ms: number | null }>(page, SLIDER_LATENCY, { percent: 10, timeoutMs: 60_000 });
      // Charts below the fold keep their last render until scrolled into view (VisibleOnly).
      await page.getByTestId('timing-chart').first().scrollIntoViewIfNeeded({ timeout: 5_000 });
      speedup = (await page.getByTestId('speedup').first().textContent({ timeout: 10_000 })) ?? null;
    } catch (error) {
      speedup = `not seen (${(error as Error).message.split('\n')[0]})`;
    }
    let workerMB: number | null = null;
    try {
      workerMB = (await page.evaluate(
        "Promise.race([performance.measureUserAgentSpecificMemory().then((r) => r.breakdown.filter((e) => e.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')).reduce((sum, e) => sum + e.bytes, 0) / 2 ** 20), new Promise((resolve) => setTimeout(() => resolve(null), 90000))])",
      )) as number | null;
    } catch {
      // Not available (needs a cross-origin isolated page).
    }
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    const f = (x: number | null) => (x === null ? '-' : `${Math.round(x)}`);
    console.log(
      `784-10000-10: progress bar at ${f(progressShownMs)} ms, first prune shown at ${f(readyMs)} ms, slider ${sliderMs.map((s) => `${s.percent}%: ${f(s.ms)} ms`).join(', ')}, ` +
        `renderer RSS ${f(rendererRssMB)} MB, workers ${f(workerMB)} MB, sweep ${f(sweepMs)} ms (from after the slider moves), "${speedup ?? ''}"`,
    );
    return { progressShownMs, readyMs, sliderMs, rendererRssMB, workerMB, sweepMs, speedup };
  } finally {
    await context.close();
  }
}

/**
 * Lets the browser finish its own start-up before the first measured page: with the first
 * context, Chromium also starts a renderer for its own WebUI (omnibox and search-box modules in a
 * trace: 300-500 ms of CPU), which on 2 cores stretched the first run's start-up tasks past 50 ms.
 * Every measured page still starts cold (fresh context: empty HTTP cache, no service worker).
 */
async function settleBrowser(browser: Browser): Promise<void> {
  const context = await browser.newContext();
  try {
    await (await context.newPage()).goto('about:blank');
    await new Promise((resolve) => setTimeout(resolve, 3000));
  } finally {
    await context.close();
  }
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

async function main(): Promise<void> {
  const js = jsSize();
  const port = values.port !== undefined ? Number(values.port) : await freePort();
  const server = await startPreview(port);
  const stop = () => {
    if (server.exitCode === null) server.kill('SIGTERM');
  };
  process.on('SIGINT', () => {
    stop();
    process.exit(130);
  });
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (values.backend !== undefined) {
    if (values.backend !== 'webgpu') throw new Error(`--backend compares WASM with webgpu; got '${values.backend}'`);
    const out = values.out === 'reports/bench-browser.json' ? 'reports/bench-browser-backends.json' : values.out!;
    try {
      await benchBackends({ backends: ['wasm', 'webgpu'], runs: Number(values.runs === '5' ? '1' : values.runs), out, software: values.software!, baseUrl: `http://127.0.0.1:${port}` }, executablePath, CHROMIUM_ARGS);
    } finally {
      stop();
    }
    return;
  }
  let browser: Browser | null = null;
  const results: RunResult[] = [];
  let wide: WideResult | null = null;
  let cnn: CnnBrowserResult | null = null;
  let kernel: BrowserCalibrationPass | null = null;
  const loadBefore = os.loadavg();
  try {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
    await settleBrowser(browser);
    console.log(`Chromium ${browser.version()} on ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), ${runs} runs, vite preview on port ${port}`);
    if (values['only-wide']) {
      for (let run = 0; run < runs; run++) await wideRun(browser, `http://127.0.0.1:${port}`, true);
      console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
      return;
    }
    if (values['only-startup']) {
      for (let run = 0; run < runs; run++) await startupRun(browser, `http://127.0.0.1:${port}`, run);
      console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
      return;
    }
    if (values['only-kernel']) {
      const pass = await calibrationPassInBrowser(browser, KERNEL_BENCH);
      console.log(`${pass.userAgent}; ${pass.threadNote}; load average ${pass.loadAverage.map((x) => x.toFixed(2)).join(' ')}`);
      for (const row of calibrationPassRows(pass)) console.log(row.join(' | '));
      return;
    }
    if (values['only-cnn']) {
      const rows = cnnRows(await cnnRun(browser, `http://127.0.0.1:${port}`));
      console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
      for (const row of rows) console.log(row.join(' | '));
      return;
    }
    for (let run = 0; run < runs; run++) results.push(await oneRun(browser, `http://127.0.0.1:${port}`, run));
    if (!values['no-wide']) wide = await wideRun(browser, `http://127.0.0.1:${port}`);
    if (!values['no-cnn']) cnn = await cnnRun(browser, `http://127.0.0.1:${port}`);
    if (!values['no-kernel']) kernel = await calibrationPassInBrowser(browser, KERNEL_BENCH);
  } finally {
    await browser?.close();
    stop();
  }

  const numbers = (list: (number | null)[]) => list.filter((x): x is number => x !== null && Number.isFinite(x));
  const after = numbers(results.flatMap((r) => r.sliderAfterSweepMs));
  const during = numbers(results.flatMap((r) => r.sliderAfterFirstPruneMs));
  const sweeping = numbers(results.flatMap((r) => r.sliderWhileSweepingMs));
  const timeouts = results.flatMap((r) => [...r.sliderAfterSweepMs, ...r.sliderAfterFirstPruneMs]).filter((x) => x === null).length;
  const phaseSummary = (pick: (r: RunResult) => PhaseTasks | null) => {
    const phases = results.map(pick).filter((p): p is PhaseTasks => p !== null);
    return {
      runs: phases.length,
      medianCount: median(phases.map((p) => p.count)),
      totalCount: phases.reduce((s, p) => s + p.count, 0),
      maxMs: phases.reduce((max, p) => Math.max(max, p.maxMs), 0),
      runsWithLongTasks: phases.filter((p) => p.count > 0).length,
    };
  };
  const longTaskSummary = {
    startup: phaseSummary((r) => r.longTasks.startup),
    sweep: phaseSummary((r) => r.longTasks.sweep),
    rapidSlider: phaseSummary((r) => r.longTasks.rapidSlider),
    drag: phaseSummary((r) => r.longTasks.drag),
    training: phaseSummary((r) => r.longTasks.training),
  };
  const summary = {
    readyMs: median(results.map((r) => r.readyMs)),
    repeatReadyMs: median(numbers(results.map((r) => r.repeatReadyMs))),
    sweepMs: median(results.map((r) => r.sweepMs)),
    sweepDoneSinceNavigationMs: median(results.map((r) => r.sweepDoneSinceNavigationMs)),
    sweepPoints: results[0]?.sweepPoints ?? null,
    sliderAfterSweep: { medianMs: median(after), p90Ms: quantile(after, 0.9), maxMs: Math.max(...after), samples: after.length },
    sliderAfterFirstPrune: { medianMs: median(during), p90Ms: quantile(during, 0.9), maxMs: Math.max(...during), samples: during.length },
    sliderWhileSweeping: { medianMs: median(sweeping), p90Ms: quantile(sweeping, 0.9), maxMs: Math.max(...sweeping), samples: sweeping.length },
    sliderTimeouts: timeouts,
    trainMs: median(numbers(results.map((r) => r.trainMs))),
    plotsRedrawnPerMove: median(results.flatMap((r) => r.plotsRedrawnPerMove)),
    drag: {
      frames: results.reduce((sum, r) => sum + r.drag.frames, 0),
      labelFrames: results.reduce((sum, r) => sum + r.drag.labelFrames, 0),
      chartFrames: results.reduce((sum, r) => sum + r.drag.chartFrames, 0),
      resultFrames: results.reduce((sum, r) => sum + r.drag.resultFrames, 0),
      catchUpMs: median(numbers(results.map((r) => r.drag.catchUpMs))),
      caughtUp: results.every((r) => r.drag.catchUpMs !== null),
    },
    longTasks: longTaskSummary,
    js: { bytes: js.bytes, gzipBytes: js.gzipBytes },
    backend: results[0]?.backend ?? '',
  };

  const ms = (x: number) => (Number.isFinite(x) ? `${Math.round(x)} ms` : 'n/a');
  const tasks = (p: { totalCount: number; maxMs: number; runs: number; runsWithLongTasks: number }) =>
    p.runs === 0 ? 'not measured' : `${p.totalCount} over ${p.runs} runs (in ${p.runsWithLongTasks}), max ${Math.round(p.maxMs)} ms`;
  const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
  const slider = (figures: { medianMs: number; p90Ms: number; samples: number }) => ({
    measured: `${ms(figures.medianMs)} (${ms(figures.p90Ms)})`,
    met: figures.samples === 0 ? '-' : yes(figures.medianMs <= TARGETS.sliderMedianMs && figures.p90Ms <= TARGETS.sliderP90Ms),
  });
  const sliderTarget = `median <= ${TARGETS.sliderMedianMs} ms, p90 <= ${TARGETS.sliderP90Ms} ms`;
  const afterSweepRow = slider(summary.sliderAfterSweep);
  const afterFirstRow = slider(summary.sliderAfterFirstPrune);
  const whileSweepingRow = slider(summary.sliderWhileSweeping);
  const drag = summary.drag;
  const rows: [string, string, string, string][] = [
    ['page ready (cold, fresh profile), median', `<= ${TARGETS.readyMs} ms`, ms(summary.readyMs), yes(summary.readyMs <= TARGETS.readyMs)],
    ['page ready (repeat visit, service worker), median', `<= ${TARGETS.readyMs} ms`, ms(summary.repeatReadyMs), yes(summary.repeatReadyMs <= TARGETS.readyMs)],
    ['slider -> kept count and accuracy shown, after the sweep: median (p90)', sliderTarget, afterSweepRow.measured, afterSweepRow.met],
    ['slider -> kept count and accuracy shown, after first prune: median (p90)', sliderTarget, afterFirstRow.measured, afterFirstRow.met],
    [`  of which while the sweep ran (${sweeping.length} moves)`, sliderTarget, whileSweepingRow.measured, whileSweepingRow.met],
    ['chart plots redrawn per slider move (median; slider marks excluded)', 'only those whose data changed', `${summary.plotsRedrawnPerMove} of ${results[0]?.plotsInPage ?? '?'}`, '-'],
    [`full sweep, ${summary.sweepPoints ?? '?'} points (all methods, 20 ratios, coarse to fine), median`, `<= ${TARGETS.sweepMs} ms`, ms(summary.sweepMs), yes(summary.sweepMs <= TARGETS.sweepMs)],
    ['long tasks: startup (to first prune, progress bar included)', `none > ${TARGETS.longTaskMs} ms`, tasks(longTaskSummary.startup), yes(longTaskSummary.startup.totalCount === 0)],
    ['long tasks: sweep (first prune to sweep done)', `none > ${TARGETS.longTaskMs} ms`, tasks(longTaskSummary.sweep), yes(longTaskSummary.sweep.totalCount === 0)],
    ['long tasks: 30 rapid slider moves', `none > ${TARGETS.longTaskMs} ms`, tasks(longTaskSummary.rapidSlider), yes(longTaskSummary.rapidSlider.totalCount === 0)],
    [`long tasks: a mouse drag (${DRAG_PERCENTS.length} pointer moves, 16 ms apart)`, `none > ${TARGETS.longTaskMs} ms`, tasks(longTaskSummary.drag), yes(longTaskSummary.drag.totalCount === 0)],
    [
      'mouse drag: label and kept count (kept chart) follow the thumb every frame',
      'every frame',
      `label ${drag.labelFrames} / ${drag.frames} frames, kept count ${drag.chartFrames} / ${drag.frames}`,
      yes(drag.frames > 0 && drag.labelFrames === drag.frames && drag.chartFrames === drag.frames),
    ],
    [
      'mouse drag: results catch up, latest wins (release -> last ratio\'s result), median',
      'caught up',
      `${ms(drag.catchUpMs)}; results matched the thumb in ${drag.resultFrames} / ${drag.frames} frames`,
      yes(drag.caughtUp),
    ],
    ['long tasks: training 784-64-10, 0.2 epochs', `none > ${TARGETS.longTaskMs} ms`, tasks(longTaskSummary.training), longTaskSummary.training.runs === 0 ? '-' : yes(longTaskSummary.training.totalCount === 0)],
    ...(wide
      ? ((): [string, string, string, string][] => {
          const w = wide;
          const wideSlider = numbers(w.sliderMs.map((s) => s.ms));
          const worst = wideSlider.length ? Math.max(...wideSlider) : NaN;
          return [
            ['784-10000-10: progress bar shown after navigation', 'shown', w.progressShownMs === null ? 'not seen' : ms(w.progressShownMs), yes(w.progressShownMs !== null)],
            ['784-10000-10: first prune shown (download, cache, pass, prune, accuracy)', '-', ms(w.readyMs), '-'],
            [
              `784-10000-10: slider -> accuracy on 10,000 images, ${w.sliderMs.length} ratios 5-100%: median (max)`,
              `median <= ${TARGETS.wideMedianMs} ms, max <= ${TARGETS.wideMaxMs} ms`,
              `${ms(median(wideSlider))} (${ms(worst)})`,
              yes(wideSlider.length === w.sliderMs.length && median(wideSlider) <= TARGETS.wideMedianMs && worst <= TARGETS.wideMaxMs),
            ],
            ['784-10000-10: worker memory (measureUserAgentSpecificMemory)', '< 1024 MB', w.workerMB === null ? 'n/a' : `${Math.round(w.workerMB)} MB`, w.workerMB === null ? '-' : yes(w.workerMB < 1024)],
            ['784-10000-10: renderer process RSS (page + workers + browser overhead)', '-', w.rendererRssMB === null ? 'n/a' : `${Math.round(w.rendererRssMB)} MB`, '-'],
            ['784-10000-10: sweep (GFS to 10%), after the slider moves', '-', w.sweepMs === null ? 'n/a' : ms(w.sweepMs), '-'],
            ['784-10000-10: GFS / i-SpaSP, as the app says it', 'shown', w.speedup ?? 'n/a', '-'],
          ];
        })()
      : []),
    ...(cnn ? cnnRows(cnn) : []),
    ...(kernel ? calibrationPassRows(kernel) : []),
    [
      'JavaScript (dist/assets/*.js), gzipped',
      `<= ${(TARGETS.jsGzipBytes / 1e6).toFixed(1)} MB`,
      `${(js.gzipBytes / 1e6).toFixed(2)} MB (raw ${(js.bytes / 1e6).toFixed(2)} MB)`,
      yes(js.gzipBytes <= TARGETS.jsGzipBytes),
    ],
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...[['metric', 'target', 'measured', 'met?'][c], ...rows.map((r) => r[c])].map((s) => s.length)));
  const line = (cells: string[]) => cells.map((cell, c) => pad(cell, widths[c])).join(' | ');
  console.log('');
  console.log(line(['metric', 'target', 'measured', 'met?']));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of rows) console.log(line(row));
  console.log('');
  console.log(`backend: ${summary.backend}`);
  console.log(`training 784-64-10 for 0.2 epochs: ${ms(summary.trainMs)} (median); slider timeouts: ${timeouts}`);
  for (const file of js.files) console.log(`  ${file.name}: ${(file.bytes / 1e3).toFixed(0)} kB, gzipped ${(file.gzipBytes / 1e3).toFixed(0)} kB`);

  const report = {
    createdAt: new Date().toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      platform: `${os.platform()} ${os.release()}`,
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg(),
    },
    browser: { executablePath, args: CHROMIUM_ARGS, headless: true },
    settings: { runs, latencyPercents: LATENCY_PERCENTS, rapidMoves: RAPID_MOVES, rapidIntervalMs: 16, training: values['no-train'] ? null : { hiddenWidths: [64], epochs: 0.2 } },
    targets: { ...TARGETS, cnn: CNN_TARGETS },
    table: rows.map(([metric, target, measured, met]) => ({ metric, target, measured, met })),
    summary,
    js,
    runs: results,
    wide,
    cnn,
    calibrationPass: kernel,
  };
  mkdirSync(path.dirname(path.resolve(values.out!)), { recursive: true });
  writeFileSync(values.out!, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${values.out}`);
}

main().catch((error: unknown) => {
  console.error(`error: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
