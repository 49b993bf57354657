import { describe, expect, it } from 'vitest';
import type { IterationView, PrunedLayerView } from '../../client/worker-client';
import { settledFrom, stepTrace } from './step-trace';

const iteration = (k: number, kept: number[], relativeResidual: number, entered: number, left: number, candidates: number[] = [], merged: number[] = []): IterationView => ({
  iteration: k,
  kept,
  candidates,
  merged,
  relativeResidual,
  entered,
  left,
});

const layer = (extra: Partial<PrunedLayerView>): PrunedLayerView => ({
  units: 10,
  keptCount: 2,
  kept: [1, 4],
  relativeResidual: 0.25,
  residuals: [0.25],
  ...extra,
});

describe('settledFrom', () => {
  it('finds the first iteration from which the kept set no longer changes', () => {
    expect(settledFrom([[0, 1], [1, 4], [1, 4], [1, 4]])).toBe(1);
    expect(settledFrom([[0, 1], [1, 4]])).toBe(1);
    expect(settledFrom([[1, 4], [1, 4]])).toBe(0);
    expect(settledFrom([])).toBe(0);
  });
});

describe('stepTrace for i-SpaSP', () => {
  const iterations = [
    iteration(1, [0, 1], 0.6, 2, 0, [0, 1, 2, 3], [0, 1, 2, 3]),
    iteration(2, [1, 4], 0.3, 1, 1, [1, 4, 5, 6], [0, 1, 4, 5, 6]),
    iteration(3, [1, 4], 0.3, 0, 0, [1, 4, 5, 6], [1, 4, 5, 6]),
    iteration(4, [1, 4], 0.3, 0, 0, [1, 4, 5, 6], [1, 4, 5, 6]),
  ];
  const trace = stepTrace(layer({ iterations }), { method: 'ispasp', samples: 1000, seed: 0 });

  it('narrates each iteration with its numbers and defines s and 2s', () => {
    expect(trace.kind).toBe('iterations');
    expect(trace.total).toBe(4);
    const second = trace.narrate(1);
    expect(second.headline).toBe('Iteration 2 of 4: 1 in, 1 out, relative residual 0.3000 (was 0.6000).');
    expect(second.lines[0]).toContain('s = 2 is the number of neurons kept (20.0% of 10); 2s = 4 is the number of candidates Ω');
    expect(second.lines[1]).toContain('took the 4 candidates Ω (pink frames), merged them with the kept set into 5 neurons, and kept the 2');
    expect(second.lines[1]).toContain('1 neuron entered the kept set and 1 left it.');
  });

  it('says where the kept set settled and jumps there', () => {
    expect(trace.narrate(0).jump).toEqual({ index: 1, label: 'Jump to iteration 2, where it settled' });
    expect(trace.narrate(3).lines[2]).toBe('The kept set stopped changing after iteration 2: iterations 3 to 4 repeat it.');
    expect(trace.narrate(null).lines[1]).toBe('The kept set stopped changing after iteration 2: iterations 3 to 4 repeat it.');
    expect(trace.sets(2).kept).toEqual([1, 4]);
  });
});

describe('stepTrace for GFS', () => {
  const trace = stepTrace(layer({ additions: { order: [4, 1], residuals: [0.5, 0.25] } }), { method: 'gfs', samples: 1000, seed: 0 });

  it('steps one greedy addition at a time, marking the neuron just added', () => {
    expect(trace.kind).toBe('additions');
    expect(trace.total).toBe(2);
    expect(trace.sets(0)).toEqual({ kind: 'additions', iteration: 1, candidates: [4], merged: [], kept: [4] });
    expect(trace.sets(1)).toEqual({ kind: 'additions', iteration: 2, candidates: [1], merged: [], kept: [4, 1] });
    expect(trace.narrate(0).headline).toBe('Addition 1 of 2: neuron 4 joined; relative residual 0.5000 (was 1.0000).');
    expect(trace.narrate(1).headline).toBe('Addition 2 of 2: neuron 1 joined; relative residual 0.2500 (was 0.5000).');
    expect(trace.narrate(1).lines[0]).toContain('compared all 9 neurons not yet kept');
    expect(trace.narrate(0).jump?.index).toBe(1);
    expect(trace.narrate(1).jump).toBeUndefined();
  });
});

describe('stepTrace for one-shot selections', () => {
  it('top-k names its criterion and the threshold between kept and pruned', () => {
    const criterion = [0, 9, 1, 2, 8, 3, 0, 0, 0, 0];
    const trace = stepTrace(layer({ criterion }), { method: 'topk', samples: 500, seed: 0 });
    expect(trace.kind).toBe('single');
    expect(trace.total).toBe(1);
    expect(trace.sets(0).kept).toEqual([1, 4]);
    const narration = trace.narrate(0);
    expect(narration.headline).toBe('One selection: the 2 neurons with the largest activation sum over the calibration images (h̄_j).');
    expect(narration.lines[0]).toBe('Every kept neuron has h̄_j ≥ 8; the highest pruned one has 3.');
    expect(narration.lines[1]).toContain('500 calibration images');
  });

  it('magnitude ranks by the L1 norm of incoming weights; random has no criterion and names its seed', () => {
    const magnitude = stepTrace(layer({ criterion: [0, 2.5, 0, 0, 2, 1, 0, 0, 0, 0] }), { method: 'magnitude', samples: 1000, seed: 0 });
    expect(magnitude.narrate(0).lines[0]).toBe('Every kept neuron has ‖W[:, j]‖₁ ≥ 2; the highest pruned one has 1.');
    const random = stepTrace(layer({}), { method: 'random', samples: 1000, seed: 7 });
    expect(random.narrate(0).headline).toBe('One selection: 2 neurons drawn uniformly at random (seed 7).');
    expect(random.narrate(0).lines[0]).toContain('every neuron had the same chance, 2 in 10');
  });
});

describe('stepTrace on a convolutional layer', () => {
  it('says channels where a Dense layer says neurons, and names the kernel-slice criterion', () => {
    const iterations = [iteration(1, [0, 1], 0.6, 2, 0, [0, 1, 2, 3], [0, 1, 2, 3]), iteration(2, [1, 4], 0.3, 1, 1, [1, 4, 5, 6], [0, 1, 4, 5, 6])];
    const second = stepTrace(layer({ iterations }), { method: 'ispasp', samples: 1000, seed: 0, unit: 'conv' }).narrate(1);
    expect(second.lines[0]).toContain('s = 2 is the number of channels kept (20.0% of 10)');
    expect(second.lines[1]).toContain('1 channel entered the kept set and 1 left it.');
    expect(second.lines.join(' ')).not.toContain('neuron');
    const magnitude = stepTrace(layer({ criterion: [0, 5, 1, 1, 4, 0, 0, 0, 0, 0] }), { method: 'magnitude', samples: 1000, seed: 0, unit: 'conv' }).narrate(null);
    expect(magnitude.headline).toBe('One selection: the 2 channels with the largest L1 norm of its kernel slice (‖K[..., c]‖₁).');
    expect(magnitude.lines[0]).toBe('Every kept channel has ‖K[..., c]‖₁ ≥ 4; the highest pruned one has 1.');
  });
});
