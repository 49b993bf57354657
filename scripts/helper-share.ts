import { kernelStripCounts } from '../src/core/kernels/sparse-relu-affine';

/**
 * `body`'s result and the helper threads' share of the kernel strips run during it. With both
 * cores free the share is over half (the calling thread also stages rows and computes U = H V:
 * 54-72% on 2 cores); near 0 the helper got no core, and the pass ran at one thread's speed.
 * Null when no strip was shared (one thread).
 */
export function withHelperShare<T>(body: () => T): { result: T; helperShare: number | null } {
  const before = kernelStripCounts();
  const result = body();
  const after = kernelStripCounts();
  const helpers = after.helpers - before.helpers;
  const total = helpers + after.caller - before.caller;
  return { result, helperShare: total > 0 ? helpers / total : null };
}
