import { describe, expect, it } from 'vitest';
import { prefixResiduals } from './gfs-trace';

describe('prefixResiduals', () => {
  // Two samples, three neurons, two outputs; computed by hand.
  const problem = {
    samples: 2,
    units: 3,
    outputs: 2,
    // H rows: [1, 0, 2], [0, 1, 1]
    hidden: new Float32Array([1, 0, 2, 0, 1, 1]),
    // V rows: [1, 0], [0, 1], [1, 1]
    nextKernel: new Float32Array([1, 0, 0, 1, 1, 1]),
    // U = H V: [1 + 2, 0 + 2] = [3, 2]; [0 + 1, 1 + 1] = [1, 2]
    denseOutput: new Float64Array([3, 2, 1, 2]),
  };
  const norm = Math.sqrt(9 + 4 + 1 + 4);

  it('gives the residual after each addition, ending at 0 when every neuron is in', () => {
    const trace = prefixResiduals(problem, [2, 0, 1]);
    // After neuron 2: R = U - H[:,2] V[2,:] = [3-2, 2-2; 1-1, 2-1] = [1, 0; 0, 1].
    expect(trace[0]).toBeCloseTo(Math.sqrt(2) / norm, 12);
    // After neuron 0 too: R = [0, 0; 0, 1].
    expect(trace[1]).toBeCloseTo(1 / norm, 12);
    expect(trace[2]).toBeCloseTo(0, 12);
  });

  it('is empty for an empty order', () => {
    expect(prefixResiduals(problem, [])).toEqual([]);
  });
});
