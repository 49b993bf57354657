import { describe, expect, it } from 'vitest';
import { JobScheduler, LANE_PRIORITY } from './scheduler';
import type { JobStatus } from './types';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('job scheduler', () => {
  it('lets the latest job of a lane win and records why the older one ended', async () => {
    const jobs = new JobScheduler();
    const older = jobs.start('prune');
    const newer = jobs.start('prune');
    expect(older.signal.aborted).toBe(true);
    expect(() => older.throwIfCancelled()).toThrow(/superseded by newer prune/);
    expect(newer.signal.aborted).toBe(false);
    newer.settle();
    expect(jobs.status()).toEqual([{ lane: 'prune', id: newer.id, state: 'done' }]);
  });

  it('a fine-tune during a sweep pauses the sweep, which says why and resumes when the fine-tune ends', async () => {
    const jobs = new JobScheduler();
    const log: JobStatus[][] = [];
    jobs.subscribe((status) => log.push(status));
    const sweep = jobs.start('sweep');
    let steps = 0;
    const sweeping = (async () => {
      for (let step = 0; step < 5; step++) {
        await sweep.turn();
        steps++;
        await tick();
      }
      sweep.settle();
    })();
    await tick();
    const finetune = jobs.start('finetune');
    await tick();
    await tick();
    const stepsWhilePaused = steps;
    expect(jobs.status().find((job) => job.lane === 'sweep')).toMatchObject({ state: 'paused', reason: 'paused while fine-tuning runs; it resumes after' });
    await tick();
    expect(steps).toBe(stepsWhilePaused);
    finetune.settle();
    await sweeping;
    expect(steps).toBe(5);
    expect(jobs.status()).toEqual([
      { lane: 'finetune', id: finetune.id, state: 'done' },
      { lane: 'sweep', id: sweep.id, state: 'done' },
    ]);
    const sweepStates = log.map((status) => status.find((job) => job.lane === 'sweep')?.state);
    expect(sweepStates).toContain('paused');
    expect(sweepStates.lastIndexOf('paused')).toBeLessThan(sweepStates.lastIndexOf('running'));
  });

  it('does not pause a sweep for a prune (a prune interrupts a sweep step instead)', async () => {
    const jobs = new JobScheduler();
    const sweep = jobs.start('sweep');
    jobs.start('prune');
    await sweep.turn();
    expect(jobs.status().find((job) => job.lane === 'sweep')?.state).toBe('running');
  });

  it('cancels only the lane asked for, with its reason; a paused job wakes and ends', async () => {
    const jobs = new JobScheduler();
    const train = jobs.start('train');
    const sweep = jobs.start('sweep');
    const waiting = sweep.turn();
    jobs.cancel('sweep', 'another model was opened');
    await expect(waiting).rejects.toMatchObject({ name: 'CancelledError', message: 'another model was opened' });
    expect(train.signal.aborted).toBe(false);
    train.settle(new Error('out of memory'));
    expect(jobs.status()).toEqual([
      { lane: 'train', id: train.id, state: 'failed', reason: 'out of memory' },
      { lane: 'sweep', id: sweep.id, state: 'cancelled', reason: 'another model was opened' },
    ]);
  });

  it('writes the priorities down: prune above fine-tune and training, the sweep last', () => {
    expect(LANE_PRIORITY.prune).toBeGreaterThan(LANE_PRIORITY.finetune);
    expect(LANE_PRIORITY.finetune).toBe(LANE_PRIORITY.train);
    expect(LANE_PRIORITY.train).toBeGreaterThan(LANE_PRIORITY.sweep);
  });
});
