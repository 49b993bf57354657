/** Stepping through i-SpaSP iterations (pure): null is the final result, 0..total-1 an iteration. */

/** null -> 0 -> 1 ... -> total-1, then stays; null when there is nothing to step through. */
export function nextStep(index: number | null, total: number): number | null {
  if (total <= 0) return null;
  if (index === null) return 0;
  return Math.min(Math.max(0, index + 1), total - 1);
}

export function stepCaption(index: number | null, total: number): string {
  if (total <= 0) return 'This method is not iterative: there are no i-SpaSP iterations to step through.';
  if (index === null) {
    return `Showing the final kept set after ${total} iteration${total === 1 ? '' : 's'}. Step replays them one by one.`;
  }
  const k = Math.min(Math.max(0, index), total - 1) + 1;
  return `Iteration ${k} of ${total}: 2s candidates (Ω), merged set, kept set.`;
}
