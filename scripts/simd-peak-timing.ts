/**
 * Times the WebAssembly SIMD peak loop (wasm-simd-peak.ts builds it) on the calling thread. No
 * Node API: the browser bench runs the same timing in a worker (browser/calibration-pass.worker.ts).
 */

/** f32x4 multiply-then-add chains in the loop; each iteration does one multiply-add per lane of each. */
export const PEAK_CHAINS = 12;
const FLOP_PER_ITERATION = PEAK_CHAINS * 4 * 2;

/** The best of `repeats` timed runs of the loop in `binary`, in GFLOP/s. */
export function timeSimdPeak(binary: Uint8Array<ArrayBuffer>, repeats = 7, iterations = 2_000_000): number {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(binary));
  const peak = instance.exports.peak as (n: number) => number;
  peak(iterations / 10);
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    peak(iterations);
    best = Math.min(best, performance.now() - started);
  }
  return (iterations * FLOP_PER_ITERATION) / best / 1e6;
}
