import { kernelStripCounts } from '../src/core/kernels/sparse-relu-affine';

/**
 * Medians of timed runs, shared by `npm run bench` (Node) and its browser calibration-pass worker
 * (scripts/browser/calibration-pass.worker.ts), so both measure the same way. No Node API.
 */

/** Untimed calls before each median: V8 reaches its optimised code for a prune after 3-5 calls. */
export const WARM_UP_CALLS = 5;

/** The middle value; for an even count, the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `body` run WARM_UP_CALLS times untimed, then the median ms of `runs` timed runs. */
export function timeMedian(runs: number, body: () => void): number {
  for (let w = 0; w < WARM_UP_CALLS; w++) body();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    body();
    times.push(performance.now() - started);
  }
  return median(times);
}

/**
 * `body`'s result and the helper threads' share of the kernel strips run during it. With both
 * cores free the share is over half (the calling thread also stages rows and computes U = H V:
 * 54-72% on 2 cores); near 0 the helper got no core, and the pass ran at one thread's speed.
 * Null when no strip was shared (one thread).
 */
export function withHelperShare<T>(body: () => T): { result: T; helperShare: number | null } {
  const before = kernelStripCounts();
  const result = body();
  const after = kernelStripCounts();
  const helpers = after.helpers - before.helpers;
  const total = helpers + after.caller - before.caller;
  return { result, helperShare: total > 0 ? helpers / total : null };
}
