/**
 * This machine's WebAssembly SIMD peak for the calibration pass's arithmetic, per thread: a loop
 * of 12 independent f32x4 multiply-then-add chains (no FMA: the kernel uses none), so the rate
 * is bound by the SIMD units, not by memory or by one chain's latency. Counted as 2 FLOP per lane
 * per multiply-add, as the pass's useful GFLOP/s are.
 */
import wabtInit from 'wabt';
import { compileWat } from './build-kernels';

const CHAINS = 12;
const FLOP_PER_ITERATION = CHAINS * 4 * 2;

const names = Array.from({ length: CHAINS }, (_, k) => `$a${k}`);
const SOURCE = `(module
  (func (export "peak") (param $n i32) (result f32)
    ${names.map((name) => `(local ${name} v128)`).join(' ')} (local $m v128) (local $x v128)
    (local.set $m (f32x4.splat (f32.const 0.999999)))
    (local.set $x (f32x4.splat (f32.const 0.000001)))
    (loop $next
      ${names.map((name) => `(local.set ${name} (f32x4.add (f32x4.mul (local.get ${name}) (local.get $m)) (local.get $x)))`).join('\n      ')}
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (f32x4.extract_lane 0 ${names.slice(1).reduce((sum, name) => `(f32x4.add ${sum} (local.get ${name}))`, `(local.get ${names[0]})`)})))`;

/** The best of `repeats` timed runs of the loop on this thread, in GFLOP/s. */
export async function wasmSimdPeakGflops(repeats = 7, iterations = 2_000_000): Promise<number> {
  const binary = compileWat(await wabtInit(), 'simd-peak.wat', SOURCE);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(binary)));
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
