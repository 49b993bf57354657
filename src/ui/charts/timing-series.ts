/** Prune timings -> bars and the speed-up sentence (pure; the TimingChart draws them). */
import { METHOD_LABELS, PRUNE_METHODS, type PruneMethod } from '../../client/worker-client';
import { count } from '../format';
import { decadeDomain, formatMs } from './format';

export interface TimingInput {
  readonly method: PruneMethod;
  readonly ms: number;
}

export interface TimingBar {
  readonly method: PruneMethod;
  readonly label: string;
  /** Milliseconds, clamped to at least MIN_MS so the log axis can draw it. */
  readonly ms: number;
  /** The measured value, for labels. */
  readonly measured: number;
  readonly text: string;
}

/** Sub-microsecond timings are drawn at this floor (log axes need positive values). */
export const MIN_MS = 0.01;

/** One bar per method in PRUNE_METHODS order; the last timing of a method wins; non-finite or negative timings are dropped. */
export function timingBars(timings: readonly TimingInput[]): TimingBar[] {
  const byMethod = new Map<PruneMethod, number>();
  for (const { method, ms } of timings) if (Number.isFinite(ms) && ms >= 0) byMethod.set(method, ms);
  return PRUNE_METHODS.filter((method) => byMethod.has(method)).map((method) => {
    const measured = byMethod.get(method)!;
    return { method, label: METHOD_LABELS[method], ms: Math.max(MIN_MS, measured), measured, text: formatMs(measured) };
  });
}

/** Whole decades enclosing the bars, e.g. [1, 1000] for 3 ms .. 600 ms. */
export function timingDomain(bars: readonly TimingBar[]): [number, number] {
  if (bars.length === 0) return [1, 10];
  const values = bars.map((bar) => bar.ms);
  return decadeDomain(Math.min(...values), Math.max(...values) * 1.5);
}

/** Ticks at each power of ten in the domain. */
export function decadeTicks([lo, hi]: readonly [number, number]): number[] {
  const ticks: number[] = [];
  for (let exponent = Math.round(Math.log10(lo)); exponent <= Math.round(Math.log10(hi)); exponent++) ticks.push(Number((10 ** exponent).toPrecision(6)));
  return ticks;
}

/** A ratio as "37×", "2.4×". */
export function formatRatio(ratio: number): string {
  if (ratio >= 100) return `${count(Math.round(ratio))}×`;
  if (ratio >= 10) return `${Math.round(ratio)}×`;
  return `${ratio.toFixed(1)}×`;
}

/**
 * "i-SpaSP is 37× faster than GFS on this machine" when both were timed (positive times);
 * reversed when GFS was faster; null otherwise. `where` ("at 1,000 kept neurons") goes before
 * "on this machine".
 */
export function speedupSentence(timings: readonly TimingInput[], fast: PruneMethod = 'ispasp', slow: PruneMethod = 'gfs', where?: string): string | null {
  const bars = timingBars(timings);
  const a = bars.find((bar) => bar.method === fast)?.measured;
  const b = bars.find((bar) => bar.method === slow)?.measured;
  if (a === undefined || b === undefined || !(a > 0) || !(b > 0)) return null;
  const tail = where ? `${where} on this machine.` : 'on this machine.';
  if (Math.abs(a - b) / Math.max(a, b) < 0.05) return `${METHOD_LABELS[fast]} and ${METHOD_LABELS[slow]} take about as long ${tail}`;
  return a < b
    ? `${METHOD_LABELS[fast]} is ${formatRatio(b / a)} faster than ${METHOD_LABELS[slow]} ${tail}`
    : `${METHOD_LABELS[slow]} is ${formatRatio(a / b)} faster than ${METHOD_LABELS[fast]} ${tail}`;
}

export function timingSummary(bars: readonly TimingBar[]): string {
  if (bars.length === 0) return 'No timings yet.';
  return `Prune time per method, log scale: ${bars.map((bar) => `${bar.label} ${bar.text}`).join(', ')}.`;
}
