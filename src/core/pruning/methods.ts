/** The pruning methods and their user-facing names. */
export const PRUNE_METHODS = ['ispasp', 'topk', 'magnitude', 'random', 'gfs'] as const;
export type PruneMethod = (typeof PRUNE_METHODS)[number];

export const METHOD_LABELS: Record<PruneMethod, string> = {
  ispasp: 'i-SpaSP',
  topk: 'top-k',
  magnitude: 'magnitude',
  random: 'random',
  gfs: 'GFS',
};

export function isPruneMethod(value: string): value is PruneMethod {
  return (PRUNE_METHODS as readonly string[]).includes(value);
}
