/**
 * Top-k selection with the tie rule every method shares: larger score first, and among equal
 * scores the lower index wins. Results are returned in ascending index order.
 */

/** The `k` indices with the largest `scores[i]` over `candidates` (default: all indices), ascending. */
export function topIndices(scores: ArrayLike<number>, k: number, candidates?: ArrayLike<number>): number[] {
  const pool = candidates ? Array.from(candidates) : Array.from({ length: scores.length }, (_, i) => i);
  const take = Math.min(k, pool.length);
  pool.sort((a, b) => scores[b] - scores[a] || a - b);
  return pool.slice(0, take).sort((a, b) => a - b);
}

/** The sorted union of two index lists. */
export function unionSorted(a: readonly number[], b: readonly number[]): number[] {
  return Array.from(new Set([...a, ...b])).sort((x, y) => x - y);
}

/** How many hidden neurons a keep ratio leaves: `max(1, floor(rho * units + 1e-9))`. */
export function keptCount(keepRatio: number, units: number): number {
  return Math.max(1, Math.floor(keepRatio * units + 1e-9));
}
