/**
 * Top-k selection with the tie rule every method shares: larger score first, and among equal
 * scores the lower index wins. Results are returned in ascending index order. A NaN score ranks
 * with -Infinity (below every number).
 *
 * Runs in O(N): a quickselect finds the k-th largest score, then one scan in index order takes
 * what is above it and the lowest-index ties. This matters because i-SpaSP selects twice per
 * iteration (a full sort of 10,000 scores cost about as much as the rest of an iteration).
 */

/** The `k` indices with the largest `scores[i]` over `candidates` (ascending; default all), ascending. */
export function topIndices(scores: ArrayLike<number>, k: number, candidates?: readonly number[]): number[] {
  const count = candidates ? candidates.length : scores.length;
  const take = Math.min(k, count);
  if (take <= 0) return [];
  const scoreAt = (j: number) => {
    const score = scores[j];
    return score === score ? score : -Infinity;
  };
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) values[i] = scoreAt(candidates ? candidates[i] : i);
  const threshold = selectAscending(values, count - take);
  // Scores above the threshold are all taken; the remaining places go to the lowest tied indices.
  let above = 0;
  for (let i = 0; i < count; i++) if (values[i] > threshold) above++;
  let tiesWanted = take - above;
  const result: number[] = [];
  for (let i = 0; i < count; i++) {
    const j = candidates ? candidates[i] : i;
    const score = scoreAt(j);
    if (score > threshold) result.push(j);
    else if (score === threshold && tiesWanted > 0) {
      result.push(j);
      tiesWanted--;
    }
  }
  return result;
}

/**
 * The value at position `position` of `values` sorted ascending (no NaNs), reordering `values`
 * in place: iterative quickselect with a median-of-three pivot.
 */
export function selectAscending(values: Float32Array | Float64Array, position: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const [j, i] = partition(values, lo, hi);
    if (position <= j) hi = j;
    else if (position >= i) lo = i;
    else return values[position];
  }
  return values[position];
}

/**
 * One Hoare partition of `values[lo..hi]` (lo < hi) around the median of three: afterwards
 * [lo, j] <= pivot <= [i, hi], and anything strictly between j and i equals the pivot.
 */
function partition(values: Float32Array | Float64Array, lo: number, hi: number): [j: number, i: number] {
  const mid = (lo + hi) >>> 1;
  // Median of three as the pivot, which also guards the scans below.
  if (values[mid] < values[lo]) swap(values, mid, lo);
  if (values[hi] < values[lo]) swap(values, hi, lo);
  if (values[hi] < values[mid]) swap(values, hi, mid);
  const pivot = values[mid];
  let i = lo;
  let j = hi;
  while (i <= j) {
    while (values[i] < pivot) i++;
    while (values[j] > pivot) j--;
    if (i <= j) {
      swap(values, i, j);
      i++;
      j--;
    }
  }
  return [j, i];
}

/**
 * The values at several positions of `values` sorted ascending (no NaNs), in the order of
 * `positions` (each in range), reordering `values` in place: one quickselect that only descends
 * into the parts holding a wanted position, O(N log P) for P positions instead of a sort.
 */
export function selectPositionsAscending(values: Float32Array | Float64Array, positions: readonly number[]): number[] {
  const wanted = [...new Set(positions)].sort((a, b) => a - b);
  const found = new Map<number, number>();
  // Ranges still to split: [lo, hi] of values with the wanted positions [first, end) inside them.
  const stack: [number, number, number, number][] = [[0, values.length - 1, 0, wanted.length]];
  while (stack.length > 0) {
    const [lo, hi, first, end] = stack.pop()!;
    if (first >= end) continue;
    if (hi <= lo) {
      for (let w = first; w < end; w++) found.set(wanted[w], values[wanted[w]]);
      continue;
    }
    const [j, i] = partition(values, lo, hi);
    // Positions strictly between j and i hold the pivot.
    let leftEnd = first;
    while (leftEnd < end && wanted[leftEnd] <= j) leftEnd++;
    let rightStart = leftEnd;
    for (; rightStart < end && wanted[rightStart] < i; rightStart++) found.set(wanted[rightStart], values[wanted[rightStart]]);
    stack.push([lo, j, first, leftEnd], [i, hi, rightStart, end]);
  }
  return positions.map((position) => found.get(position)!);
}

function swap(values: Float32Array | Float64Array, a: number, b: number): void {
  const t = values[a];
  values[a] = values[b];
  values[b] = t;
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
