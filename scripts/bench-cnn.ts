/**
 * The CNN part of `npm run bench`: channel pruning of the shipped `cnn-sparse` (or another CNN
 * file) at 25% of every hidden layer, n = 1000 calibration images, T = 20: time per method from
 * the model and images in memory to all kept sets decided, calibration passes included.
 */
import { existsSync } from 'node:fs';
import type { Cnn } from '../src/core/cnn/cnn';
import { pruneCnn } from '../src/core/cnn/prune-cnn';
import { PRUNE_METHODS, type PruneMethod } from '../src/core/pruning/methods';
import { loadCnnFile } from '../src/node/cnn-files';
import type { TargetRow } from './bench-targets';

export const SHIPPED_CNN = 'public/models/cnn-sparse/model.json';

export interface CnnBench {
  readonly model: string;
  readonly keep: number;
  /** Median ms per method. */
  readonly pruneMs: Record<PruneMethod, number>;
  readonly targets: TargetRow[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** Null when no CNN file is there (run npm run train-models). */
export async function benchShippedCnn(calibration: Float32Array, repeats: number, modelPath = SHIPPED_CNN, keep = 0.25): Promise<CnnBench | null> {
  if (!existsSync(modelPath)) return null;
  const model: Cnn = await loadCnnFile(modelPath);
  const options = { keep, iterations: 20, seed: 0, refit: false };
  // One untimed run per method: JIT and the wasm kernels' first calls.
  for (const method of PRUNE_METHODS) await pruneCnn(model, calibration, { ...options, method });
  const pruneMs = {} as Record<PruneMethod, number>;
  for (const method of PRUNE_METHODS) {
    const times: number[] = [];
    for (let r = 0; r < repeats; r++) times.push((await pruneCnn(model, calibration, { ...options, method })).pruneMs);
    pruneMs[method] = median(times);
  }
  console.log(`\nCNN channel pruning, ${modelPath}, keep ${keep} of every hidden layer, n = ${calibration.length / 784}, T = 20 (median of ${repeats})`);
  for (const method of PRUNE_METHODS) console.log(`  ${method.padEnd(9)} ${pruneMs[method].toFixed(1)} ms`);
  return {
    model: modelPath,
    keep,
    pruneMs,
    targets: [
      { metric: `i-SpaSP prune of the shipped CNN, ${keep * 100}% of every layer (n = 1000, T = 20, passes included)`, target: '<= 1000 ms', measured: `${pruneMs.ispasp.toFixed(0)} ms`, met: pruneMs.ispasp <= 1000 },
      { metric: 'GFS / i-SpaSP time on the shipped CNN (channel Gram matrix shared)', target: 'shown', measured: `${(pruneMs.gfs / pruneMs.ispasp).toFixed(2)}x`, met: null },
    ],
  };
}
