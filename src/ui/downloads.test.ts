import { describe, expect, it } from 'vitest';
import { sweepCsv } from './downloads';

describe('sweepCsv', () => {
  it('writes a header and one sorted row per point', () => {
    const csv = sweepCsv([
      { method: 'topk', keep: 0.5, raw: 0.9, pruneMs: 1.234 },
      { method: 'ispasp', keep: 0.1, raw: 0.8, refit: 0.95, pruneMs: 10 },
    ]);
    expect(csv).toBe('method,keep_ratio,accuracy_raw,accuracy_refit,prune_ms\nispasp,0.1,0.8,0.95,10.00\ntopk,0.5,0.9,,1.23\n');
  });
});
