/**
 * Top-k selection with the tie rule every method shares: larger score first, and among equal
 * scores the lower index wins. Results are returned in ascending index order.
 *
 * Runs in O(N log N) on a native typed-array sort of the scores only (no comparator), then one
 * scan in index order; this matters because i-SpaSP selects twice per iteration.
 */

/** The `k` indices with the largest `scores[i]` over `candidates` (ascending; default all), ascending. */
export function topIndices(scores: ArrayLike<number>, k: number, candidates?: readonly number[]): number[] {
  const count = candidates ? candidates.length : scores.length;
  const take = Math.min(k, count);
  if (take <= 0) return [];
  const index = candidates ? (i: number) => candidates[i] : (i: number) => i;
  const sorted = new Float64Array(count);
  for (let i = 0; i < count; i++) sorted[i] = scores[index(i)];
  sorted.sort();
  const threshold = sorted[count - take];
  let firstAbove = count - take;
  while (firstAbove < count && sorted[firstAbove] === threshold) firstAbove++;
  // Scores above the threshold are all taken; the remaining places go to the lowest tied indices.
  let tiesWanted = take - (count - firstAbove);
  const result: number[] = [];
  for (let i = 0; i < count; i++) {
    const j = index(i);
    const score = scores[j];
    if (score > threshold) result.push(j);
    else if (score === threshold && tiesWanted > 0) {
      result.push(j);
      tiesWanted--;
    }
  }
  return result;
}

/** The sorted union of two ascending index lists. */
export function unionSorted(a: readonly number[], b: readonly number[]): number[] {
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) merged.push(a[i++]);
    else if (i >= a.length || b[j] < a[i]) merged.push(b[j++]);
    else {
      merged.push(a[i++]);
      j++;
    }
  }
  return merged;
}

/** How many hidden neurons a keep ratio leaves: `max(1, floor(rho * units + 1e-9))`. */
export function keptCount(keepRatio: number, units: number): number {
  return Math.max(1, Math.floor(keepRatio * units + 1e-9));
}
