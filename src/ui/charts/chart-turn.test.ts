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

  it('gives no turn while held, except one per maxHoldMs; the release lets the waiting turn go at once', () => {
    vi.useFakeTimers();
    try {
      const queue = createTurnQueue(150);
      const granted: string[] = [];
      const a = () => granted.push('a');
      const b = () => granted.push('b');
      const c = () => granted.push('c');
      const unhold = queue.hold();
      queue.request(a);
      queue.request(b);
      queue.request(c);
      vi.advanceTimersByTime(149);
      expect(granted).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(granted).toEqual(['a']); // held for maxHoldMs: one turn
      queue.release(a);
      vi.advanceTimersByTime(100);
      expect(granted).toEqual(['a']); // the next waits another maxHoldMs
      unhold();
      unhold(); // idempotent: must not release a second hold
      expect(granted).toEqual(['a']); // still a task of its own
      vi.advanceTimersByTime(0);
      expect(granted).toEqual(['a', 'b']);
      const first = queue.hold();
      const second = queue.hold();
      queue.release(b);
      first();
      vi.advanceTimersByTime(100);
      expect(granted).toEqual(['a', 'b']); // the second hold still holds
      second();
      vi.advanceTimersByTime(0);
      expect(granted).toEqual(['a', 'b', 'c']);
    } finally {
      vi.useRealTimers();
    }
  });
});
