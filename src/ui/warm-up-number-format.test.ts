import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { warmUpNumberFormat } from './warm-up-number-format';

/** A stand-in for the browser's Worker: records its URL and listeners, and whether it was ended. */
class FakeWorker {
  static started: FakeWorker[] = [];
  readonly listeners = new Map<string, () => void>();
  terminated = false;
  constructor(readonly url: string) {
    FakeWorker.started.push(this);
  }
  addEventListener(type: string, listener: () => void) {
    this.listeners.set(type, listener);
  }
  terminate() {
    this.terminated = true;
  }
}

describe('the number-format warm-up', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeWorker.started = [];
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("starts one worker in a task of its own, whose script lists NumberFormat's locales, and ends it on its message", () => {
    vi.stubGlobal('Worker', FakeWorker);
    warmUpNumberFormat();
    expect(FakeWorker.started).toHaveLength(0);
    vi.runAllTimers();
    expect(FakeWorker.started).toHaveLength(1);
    const [worker] = FakeWorker.started;
    // The script itself, run here with a recording postMessage: it is valid and posts the list.
    const prefix = 'data:text/javascript,';
    expect(worker.url.startsWith(prefix)).toBe(true);
    const posted: unknown[] = [];
    new Function('postMessage', decodeURIComponent(worker.url.slice(prefix.length)))((message: unknown) => posted.push(message));
    expect(posted).toEqual([['en-US']]);
    expect(worker.terminated).toBe(false);
    worker.listeners.get('message')!();
    expect(worker.terminated).toBe(true);
  });

  it('ends the worker if its script fails, and does nothing where workers cannot start', () => {
    vi.stubGlobal('Worker', FakeWorker);
    warmUpNumberFormat();
    vi.runAllTimers();
    FakeWorker.started[0].listeners.get('error')!();
    expect(FakeWorker.started[0].terminated).toBe(true);

    vi.stubGlobal('Worker', function Unavailable() {
      throw new Error('workers are disabled');
    });
    warmUpNumberFormat();
    expect(() => vi.runAllTimers()).not.toThrow();
  });
});
