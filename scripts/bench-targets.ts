/**
 * The speed targets of the "paper's scale" issue, each printed beside what `npm run bench`
 * measured. Slider latency on 784-10000-10 runs the worker's own session code in Node: prune with
 * the cached first-layer problem, then exact accuracy on all 10,000 test images.
 */
import { readdirSync, readFileSync } from 'node:fs';
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

/** Median time from a new keep ratio to the pruned network's accuracy on the test set. */
export function sliderLatency(dense: Mlp, train: MnistSplit, test: MnistSplit): { medianMs: number; rssMB: number } {
  const session = createModelSession('bench', dense, train, test, normalizedImages(test));
  const problem = session.firstLayerProblem(1000);
  const calibration = session.calibration(1000);
  const times: number[] = [];
  for (const keep of [0.02, 0.05, 0.08, 0.1, 0.12, 0.15, 0.2]) {
    const started = performance.now();
    const outcome = pruneNetwork(dense, calibration, { method: 'ispasp', keep, iterations: 20, seed: 0, refit: false, firstLayerProblem: problem });
    session.prunedAccuracy(outcome.selectedModel, outcome.layers[0].kept);
    times.push(performance.now() - started);
  }
  return { medianMs: median(times), rssMB: process.memoryUsage().rss / 2 ** 20 };
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
  console.log(['metric'.padEnd(64), 'target'.padEnd(22), 'measured'.padEnd(30), 'met'].join(' '));
  for (const row of rows) {
    console.log([row.metric.padEnd(64), row.target.padEnd(22), row.measured.padEnd(30), row.met === null ? '-' : row.met ? 'yes' : 'NO'].join(' '));
  }
}
