import { describe, expect, it, vi } from 'vitest';
import { createTurnQueue } from './chart-turn';

describe('chart turns', () => {
  it('grants one turn per task, in order, each after the last was released', () => {
    vi.useFakeTimers();
    try {
      const queue = createTurnQueue();
      const granted: string[] = [];
      const a = () => granted.push('a');
      const b = () => granted.push('b');
      const c = () => granted.push('c');
      queue.request(a);
      queue.request(b);
      queue.request(a); // already waiting: once
      queue.request(c);
      expect(granted).toEqual([]); // never in the requesting task
      vi.runOnlyPendingTimers();
      expect(granted).toEqual(['a']);
      vi.runOnlyPendingTimers();
      expect(granted).toEqual(['a']); // a holds the turn until released
      queue.release(a);
      expect(granted).toEqual(['a']);
      vi.runOnlyPendingTimers();
      expect(granted).toEqual(['a', 'b']);
      queue.release(c); // withdrawn while waiting
      queue.release(b);
      vi.runAllTimers();
      expect(granted).toEqual(['a', 'b']);
      queue.request(c);
      vi.runAllTimers();
      expect(granted).toEqual(['a', 'b', 'c']);
    } finally {
      vi.useRealTimers();
    }
  });
});
