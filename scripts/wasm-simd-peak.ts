/**
 * This machine's WebAssembly SIMD peak for the calibration pass's arithmetic, per thread: a loop
 * of 12 independent f32x4 multiply-then-add chains (no FMA: the kernel uses none), so the rate
 * is bound by the SIMD units, not by memory or by one chain's latency. Counted as 2 FLOP per lane
 * per multiply-add, as the pass's useful GFLOP/s are.
 */
import wabtInit from 'wabt';
import { compileWat } from './build-kernels';
import { PEAK_CHAINS, timeSimdPeak } from './simd-peak-timing';

const names = Array.from({ length: PEAK_CHAINS }, (_, k) => `$a${k}`);
const SOURCE = `(module
  (func (export "peak") (param $n i32) (result f32)
    ${names.map((name) => `(local ${name} v128)`).join(' ')} (local $m v128) (local $x v128)
    (local.set $m (f32x4.splat (f32.const 0.999999)))
    (local.set $x (f32x4.splat (f32.const 0.000001)))
    (loop $next
      ${names.map((name) => `(local.set ${name} (f32x4.add (f32x4.mul (local.get ${name}) (local.get $m)) (local.get $x)))`).join('\n      ')}
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (f32x4.extract_lane 0 ${names.slice(1).reduce((sum, name) => `(f32x4.add ${sum} (local.get ${name}))`, `(local.get ${names[0]})`)})))`;

/** The peak loop as a WebAssembly binary (exported function `peak(iterations)`). */
export async function wasmSimdPeakBinary(): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(compileWat(await wabtInit(), 'simd-peak.wat', SOURCE));
}

/** The best of `repeats` timed runs of the loop on this thread, in GFLOP/s. */
export async function wasmSimdPeakGflops(repeats = 7, iterations = 2_000_000): Promise<number> {
  return timeSimdPeak(await wasmSimdPeakBinary(), repeats, iterations);
}
