/** Number formatting shared by the charts (pure). */

/** A fraction in [0, 1] as a percentage: 0.9759 -> "97.6%"; digits adapt to small values. */
export function formatPercent(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return '–';
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A keep ratio as a percentage without trailing zeros: 0.1 -> "10%", 0.005 -> "0.5%". */
export function formatKeep(ratio: number): string {
  if (!Number.isFinite(ratio)) return '–';
  return `${trimNumber(ratio * 100)}%`;
}

/** Percent values already in 0..100: 12.5 -> "12.5", 7.000000000001 -> "7". */
export function trimNumber(value: number, maxDigits = 2): string {
  const rounded = Number(value.toFixed(maxDigits));
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/** Milliseconds in a readable unit: 0.42 -> "0.42 ms", 12.3 -> "12 ms", 1530 -> "1.53 s", 95000 -> "95 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1) return `${Number(ms.toPrecision(2))} ms`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 100) return `${seconds.toFixed(1)} s`;
  return `${Math.round(seconds)} s`;
}

/** Rounds x*100 so that 0.07 * 100 gives 7, not 7.000000000000001. */
export function toPercent(fraction: number): number {
  return Math.round(fraction * 100 * 1e6) / 1e6;
}

/** Log-axis ticks on the 1-2-5 sequence within [lo, hi] (both positive). */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi >= lo)) return [];
  const ticks: number[] = [];
  for (let exponent = Math.floor(Math.log10(lo)); exponent <= Math.ceil(Math.log10(hi)); exponent++) {
    for (const mantissa of [1, 2, 5]) {
      const tick = Number((mantissa * 10 ** exponent).toPrecision(6));
      if (tick >= lo * (1 - 1e-9) && tick <= hi * (1 + 1e-9)) ticks.push(tick);
    }
  }
  return ticks;
}

/** Largest 1-2-5 value <= x (x > 0). */
export function niceFloor125(x: number): number {
  const exponent = Math.floor(Math.log10(x));
  for (const mantissa of [5, 2, 1]) {
    const candidate = Number((mantissa * 10 ** exponent).toPrecision(6));
    if (candidate <= x * (1 + 1e-9)) return candidate;
  }
  return 10 ** exponent;
}

/** Decade bounds around [min, max] (both positive), for log axes: [10^floor, 10^ceil]. */
export function decadeDomain(min: number, max: number): [number, number] {
  const lo = 10 ** Math.floor(Math.log10(min));
  let hi = 10 ** Math.ceil(Math.log10(max));
  if (hi <= lo) hi = lo * 10;
  return [lo, hi];
}

/** Symmetric ticks for a diverging axis: 0, ±step, ±2 step ... up to ±max, with a 1-2-5 step (about 2 ticks per side). */
export function symmetricTicks(max: number): number[] {
  if (!(max > 0)) return [0];
  const step = Math.max(1, niceFloor125(max / 2));
  const ticks = [0];
  for (let value = step; value <= max * (1 + 1e-9); value += step) ticks.push(value, -value);
  return ticks.sort((a, b) => a - b);
}

/** Compact millisecond ticks on log axes: 0.1 ms, 1 ms, 10 ms, 100 ms, 1 s, 10 s. */
export function formatMsTick(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toPrecision(3))} s`;
  return `${Number(ms.toPrecision(3))} ms`;
}

/** Ticks 0, step, 2 step ... max for a linear axis from 0, with a 1-2-5 step giving 3 to 6 intervals. */
export function linearTicks(max: number): number[] {
  if (!(max > 0)) return [0];
  const step = niceFloor125(max / 3);
  const ticks: number[] = [];
  for (let i = 0; i * step <= max * (1 + 1e-9); i++) ticks.push(Number((i * step).toPrecision(6)));
  return ticks;
}
