/**
 * The worker's jobs, one lane per kind: prune, fine-tune, train, sweep, maps (the Channels view's
 * feature maps for one digit: a few milliseconds, asked for after each prune). The rules:
 *
 * - Within a lane the latest job wins: starting one cancels the lane's older job, which ends
 *   `cancelled` with the reason (for example "superseded by a newer prune").
 * - Between lanes, priorities (higher first): prune 3, fine-tune 2, train 2, sweep 1, maps 1. A job
 *   gives way at its checkpoints (`turn()`) while a fine-tune or training of a higher lane is
 *   active: it shows `paused` with the reason and resumes by itself when that job ends. Prunes
 *   last milliseconds and come in bursts, so they do not pause anything: a sweep step gives way
 *   to a waiting prune and is redone (sweep.ts), without a state change to show. Nothing cancels
 *   another lane's job except opening another model, which ends them all with that reason.
 * - Every job's end is recorded (done, cancelled or failed, with the reason), and listeners hear
 *   each change, so the page can say what each lane is doing and why.
 */
import { CancelledError } from '../core/errors';
import type { JobLane, JobState, JobStatus } from './types';

export const LANE_PRIORITY: Readonly<Record<JobLane, number>> = { prune: 3, finetune: 2, train: 2, sweep: 1, maps: 1 };

const LANE_WORDS: Readonly<Record<JobLane, string>> = { prune: 'a prune', finetune: 'fine-tuning', train: 'training', sweep: 'the sweep', maps: 'the feature maps' };

export interface Job {
  readonly id: number;
  readonly lane: JobLane;
  /** Aborted when the job is cancelled; long work checks it. */
  readonly signal: AbortSignal;
  /** Resolves when no higher lane runs (pausing meanwhile); rejects with CancelledError once cancelled. */
  turn(): Promise<void>;
  /** Throws the CancelledError, with the reason, once the job is cancelled. */
  throwIfCancelled(): void;
  /** Records the end of the job from how its work settled. */
  settle(error?: unknown): void;
}

export class JobScheduler {
  private nextId = 1;
  private readonly latest = new Map<JobLane, { status: JobStatus; controller: AbortController }>();
  private readonly listeners = new Set<(jobs: JobStatus[]) => void>();
  private readonly waiters = new Set<() => void>();

  /** The latest job of each lane, in priority order. */
  status(): JobStatus[] {
    return [...this.latest.values()].map((entry) => entry.status).sort((a, b) => LANE_PRIORITY[b.lane] - LANE_PRIORITY[a.lane] || a.id - b.id);
  }

  /** Calls `listener` with every change; returns the unsubscribe. */
  subscribe(listener: (jobs: JobStatus[]) => void): () => void {
    this.listeners.add(listener);
    listener(this.status());
    return () => this.listeners.delete(listener);
  }

  isActive(lane: JobLane): boolean {
    const state = this.latest.get(lane)?.status.state;
    return state === 'running' || state === 'paused';
  }

  /** Starts a job in `lane`; the lane's older job, if still active, is cancelled as superseded. */
  start(lane: JobLane): Job {
    this.cancel(lane, `superseded by newer ${LANE_WORDS[lane].replace(/^(a|the) /, '')}`);
    const controller = new AbortController();
    const id = this.nextId++;
    const entry = { status: { lane, id, state: 'running' } as JobStatus, controller };
    this.latest.set(lane, entry);
    this.changed();
    const mine = () => this.latest.get(lane) === entry;
    const update = (state: JobState, reason?: string) => {
      if (!mine() || entry.status.state === state && entry.status.reason === reason) return;
      entry.status = { lane, id, state, ...(reason !== undefined && { reason }) };
      this.changed();
    };
    return {
      id,
      lane,
      signal: controller.signal,
      throwIfCancelled: () => {
        if (controller.signal.aborted) throw new CancelledError(entry.status.reason ?? `${LANE_WORDS[lane]} was cancelled`);
      },
      turn: async () => {
        for (;;) {
          if (controller.signal.aborted) throw new CancelledError(entry.status.reason ?? `${LANE_WORDS[lane]} was cancelled`);
          const blocker = this.higherActive(lane);
          if (!blocker) break;
          update('paused', `paused while ${LANE_WORDS[blocker]} runs; it resumes after`);
          await new Promise<void>((resolve) => this.waiters.add(resolve));
        }
        update('running');
      },
      settle: (error?: unknown) => {
        const cancelled = (error as { name?: string } | null)?.name === 'CancelledError';
        // A cancelled job may end with a fuller account of what happened (what was kept).
        if (entry.status.state === 'cancelled') {
          if (cancelled) update('cancelled', (error as Error).message);
          return;
        }
        if (error === undefined) update('done');
        else if (cancelled) update('cancelled', (error as Error).message);
        else update('failed', (error as { message?: string } | null)?.message ?? String(error));
      },
    };
  }

  /** Cancels the lane's active job, recording why. */
  cancel(lane: JobLane, reason: string): void {
    const entry = this.latest.get(lane);
    if (!entry || !this.isActive(lane)) return;
    entry.status = { lane, id: entry.status.id, state: 'cancelled', reason };
    entry.controller.abort();
    this.changed();
  }

  cancelAll(reason: string): void {
    for (const lane of this.latest.keys()) this.cancel(lane, reason);
  }

  private higherActive(lane: JobLane): JobLane | null {
    for (const [other, entry] of this.latest) {
      const active = entry.status.state === 'running' || entry.status.state === 'paused';
      if (other !== 'prune' && LANE_PRIORITY[other] > LANE_PRIORITY[lane] && active) return other;
    }
    return null;
  }

  private changed(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
    const jobs = this.status();
    for (const listener of this.listeners) listener(jobs);
  }
}
