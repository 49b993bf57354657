import { describe, expect, it } from 'vitest';
import { overallKeepPercent, sweepLine } from './job-lines';

describe('job lines', () => {
  it('says a paused sweep is paused, why, and that it resumes; a stopped one why it stopped', () => {
    expect(sweepLine({ lane: 'sweep', id: 3, state: 'paused', reason: 'paused while fine-tuning runs; it resumes after' }, 12, true)).toBe(
      'Sweep paused while fine-tuning runs; it resumes after (12 points so far)',
    );
    expect(sweepLine({ lane: 'sweep', id: 3, state: 'cancelled', reason: 'another model was opened' }, 1, false)).toBe('Sweep stopped: another model was opened (1 point)');
    expect(sweepLine({ lane: 'sweep', id: 3, state: 'done' }, 95, false)).toBe('95 points');
    // The job has ended but its last points are still on their way to the chart.
    expect(sweepLine({ lane: 'sweep', id: 3, state: 'done' }, 90, true)).toBe('Sweeping all methods… 90 points so far');
  });

  it('marks per-layer ratios on the chart at the share of all hidden neurons kept', () => {
    expect(overallKeepPercent(10, null, [512, 256])).toBe(10);
    expect(overallKeepPercent(10, [5, 50], [512, 256])).toBe(20);
    expect(overallKeepPercent(10, [5, 50, 7], [512, 256])).toBe(10);
  });
});
