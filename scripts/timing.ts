/**
 * Medians of timed runs, shared by `npm run bench` (Node), its browser calibration-pass worker
 * (scripts/browser/calibration-pass.worker.ts), `npm run bench:browser` and the CNN comparison, so
 * they measure the same way. No Node API.
 */

/** Untimed calls before each median: V8 reaches its optimised code for a prune after 3-5 calls. */
export const WARM_UP_CALLS = 5;

/** The middle value; for an even count, the mean of the two middle ones; NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
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
