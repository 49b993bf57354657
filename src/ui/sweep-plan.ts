/** Which keep ratios the accuracy sweep visits, coarse first so the chart fills in early. */
export const SWEEP_PERCENTS = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100];

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
