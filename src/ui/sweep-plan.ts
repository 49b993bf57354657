/** Which keep ratios the accuracy sweep visits, coarse first so the chart fills in early. */
export const SWEEP_PERCENTS = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100];

/** Hidden layers wider than this are "wide": their sweep starts from a few landmark ratios and GFS stops early. */
export const WIDE_LAYER_UNITS = 2048;

/** On wide layers these ratios come first (each sweep point takes a noticeable fraction of a second there). */
export const WIDE_FIRST_PERCENTS = [5, 10, 25, 50, 100];

/**
 * GFS costs one pass over the calibration data per kept neuron, so the sweep stops it early:
 * at 50% kept, and at 10% on wide layers (1,000 of 10,000 neurons already take about 40 s on
 * one core), which is still where the paper compares it with i-SpaSP. On a convolutional
 * network it works on the channels' Gram matrix (as cheap as i-SpaSP): swept all the way.
 */
export function gfsMaxPercent(hiddenWidths: readonly number[], kind: 'mlp' | 'cnn' = 'mlp'): number {
  if (kind === 'cnn') return 100;
  return hiddenWidths.some((units) => units > WIDE_LAYER_UNITS) ? 10 : 50;
}

/** The sweep's ratios (percents) in the order it visits them. */
export function sweepOrder(hiddenWidths: readonly number[]): number[] {
  if (!hiddenWidths.some((units) => units > WIDE_LAYER_UNITS)) return coarseFirst(SWEEP_PERCENTS);
  return [...WIDE_FIRST_PERCENTS, ...coarseFirst(SWEEP_PERCENTS.filter((percent) => !WIDE_FIRST_PERCENTS.includes(percent)))];
}

/** Orders percents so that every prefix covers the range as evenly as possible (bisection order). */
export function coarseFirst(percents: readonly number[]): number[] {
  const sorted = [...percents].sort((a, b) => a - b);
  if (sorted.length <= 2) return sorted.reverse();
  const order: number[] = [sorted[sorted.length - 1], sorted[0]];
  const taken = new Set([sorted.length - 1, 0]);
  let spans: [number, number][] = [[0, sorted.length - 1]];
  while (spans.length > 0) {
    const next: [number, number][] = [];
    for (const [low, high] of spans) {
      if (high - low < 2) continue;
      const mid = (low + high) >> 1;
      if (!taken.has(mid)) {
        taken.add(mid);
        order.push(sorted[mid]);
      }
      next.push([low, mid], [mid, high]);
    }
    spans = next;
  }
  return order;
}
