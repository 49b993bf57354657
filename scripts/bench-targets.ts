/**
 * The speed targets of the "paper's scale" issue, each printed beside what `npm run bench`
 * measured. Slider latency on 784-10000-10 runs the worker's own session code in Node: prune with
 * the cached first-layer problem, then exact accuracy on all 10,000 test images, at keep ratios
 * 0.1, 0.5 and 1; with the session's build time, its test-activation cache and the memory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { MnistSplit } from '../src/core/data/mnist';
import { normalizedImages } from '../src/core/data/mnist';
import type { Mlp } from '../src/core/model/mlp';
import { pruneNetwork } from '../src/core/pruning/prune-network';
import { createModelSession } from '../src/worker/model-session';

export interface TargetRow {
  readonly metric: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** Peak resident memory so far (Linux VmHWM), in MiB; null elsewhere. */
function peakRssMB(): number | null {
  try {
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Restarts the peak count (Linux: writing 5 to clear_refs), so the peak is the session's. */
function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux, or not allowed: the peak then covers the whole process.
  }
}

export interface SliderLatency {
  /** Session build: one pass over the test images through layer 1, the dense accuracy and the test-activation cache. */
  readonly buildMs: number;
  /** Then the first prune: calibration pass, prune and evaluation. */
  readonly firstPruneMs: number;
  /** Median time from a new keep ratio to the pruned network's test accuracy, per keep ratio. */
  readonly latencyMs: ReadonlyMap<number, number>;
  readonly cache: { readonly kind: string; readonly bytes: number };
  /** Process resident memory after the runs, and its peak since just before the session was built. */
  readonly rssMB: number;
  readonly peakRssMB: number | null;
}

/**
 * The worker's session code on one model: build, first prune, then i-SpaSP prunes cycling
 * through `keeps` (so consecutive requests differ, as slider moves do), each timed from the
 * request to the accuracy on all test images.
 */
export async function sliderLatency(dense: Mlp, train: MnistSplit, test: MnistSplit, keeps: readonly number[] = [0.1, 0.5, 1], repeats = 3): Promise<SliderLatency> {
  const images = normalizedImages(test);
  resetPeakRss();
  let started = performance.now();
  const session = await createModelSession('bench', dense, train, test, images);
  const buildMs = performance.now() - started;
  const prune = async (keep: number) => {
    const outcome = pruneNetwork(dense, session.calibration(1000), { method: 'ispasp', keep, iterations: 20, seed: 0, refit: false, firstLayerProblem: session.firstLayerProblem(1000) });
    await session.prunedAccuracy(outcome.selectedModel, outcome.layers[0].kept);
  };
  started = performance.now();
  await prune(0.1);
  const firstPruneMs = performance.now() - started;
  const times = new Map<number, number[]>(keeps.map((keep) => [keep, []]));
  for (let r = 0; r < repeats; r++) {
    for (const keep of keeps) {
      started = performance.now();
      await prune(keep);
      times.get(keep)!.push(performance.now() - started);
    }
  }
  return {
    buildMs,
    firstPruneMs,
    latencyMs: new Map([...times].map(([keep, ms]) => [keep, median(ms)])),
    cache: session.testCache,
    rssMB: process.memoryUsage().rss / 2 ** 20,
    peakRssMB: peakRssMB(),
  };
}

/**
 * `npm run prune` on `model` (i-SpaSP, keep 0.1, n 1000, T 20) in `runs` fresh processes: the
 * `timingsMs.prune` each run's report states.
 */
/** `timingsMs.prune` and `timingsMs.warmUp` (part of load) of `runs` one-shot CLI runs. */
export function cliPruneMs(model: string, runs: number): { prune: number; warmUp: number }[] {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'spasp-bench-'));
  try {
    return Array.from({ length: runs }, (_, run) => {
      const report = path.join(folder, `report-${run}.json`);
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/prune-cli.ts', '--model', model, '--keep', '0.1', '--report', report], { stdio: ['ignore', 'ignore', 'pipe'] });
      const { timingsMs } = JSON.parse(readFileSync(report, 'utf8')) as { timingsMs: { prune: number; warmUp?: number } };
      return { prune: timingsMs.prune, warmUp: timingsMs.warmUp ?? 0 };
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export function builtJavaScriptGzipMB(distDir = 'dist/assets'): number | null {
  try {
    const files = readdirSync(distDir).filter((file) => file.endsWith('.js'));
    const bytes = files.reduce((sum, file) => sum + gzipSync(readFileSync(path.join(distDir, file))).byteLength, 0);
    return bytes / 2 ** 20;
  } catch {
    return null;
  }
}

export function printTargets(rows: readonly TargetRow[]): void {
  console.log('\nTargets');
  const width = (pick: (row: TargetRow) => string, title: string) => Math.max(title.length, ...rows.map((row) => pick(row).length));
  const [metric, target, measured] = [width((r) => r.metric, 'metric'), width((r) => r.target, 'target'), width((r) => r.measured, 'measured')];
  console.log(['metric'.padEnd(metric), 'target'.padEnd(target), 'measured'.padEnd(measured), 'met'].join(' | '));
  for (const row of rows) {
    console.log([row.metric.padEnd(metric), row.target.padEnd(target), row.measured.padEnd(measured), row.met === null ? '-' : row.met ? 'yes' : 'NO'].join(' | '));
  }
}
