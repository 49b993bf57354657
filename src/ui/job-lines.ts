/** What the page says about a worker job, from its scheduler state (worker/scheduler.ts). */
import type { JobStatus } from '../client/worker-client';

/** The accuracy sweep's status line: running, paused and why, stopped and why, or done. */
export function sweepLine(job: JobStatus | undefined, points: number, busy: boolean): string {
  const count = `${points} point${points === 1 ? '' : 's'}`;
  if (!job) return busy ? 'Sweeping all methods…' : count;
  switch (job.state) {
    case 'running':
      return `Sweeping all methods… ${count} so far`;
    case 'paused':
      return `Sweep ${job.reason ?? 'paused'} (${count} so far)`;
    case 'cancelled':
      return `Sweep stopped: ${job.reason ?? 'cancelled'} (${count})`;
    case 'failed':
      return `Sweep failed: ${job.reason ?? 'unknown error'} (${count})`;
    case 'done':
      // The last points reach the chart a moment after the job ends.
      return busy ? `Sweeping all methods… ${count} so far` : count;
  }
}

/** The keep percent the slider's marker stands for: with per-layer ratios, the share of all hidden neurons kept. */
export function overallKeepPercent(keep: number, perLayer: readonly number[] | null, hiddenWidths: readonly number[]): number {
  if (!perLayer || perLayer.length !== hiddenWidths.length) return keep;
  const total = hiddenWidths.reduce((sum, units) => sum + units, 0);
  const kept = hiddenWidths.reduce((sum, units, layer) => sum + (units * perLayer[layer]) / 100, 0);
  return Math.round((kept / total) * 1000) / 10;
}
