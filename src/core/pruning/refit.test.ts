import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPruningFixtures } from '../../../test/helpers/fixtures';
import { initNodeBackend } from '../../node/tf-node';
import { pruneNetwork } from './prune-network';
import { choleskySolve, ridgeRefit } from './refit';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

/** ||[H 1] theta - Z||_F^2 + lambda ||theta||_F^2 in float64, theta = [kernel; bias]. */
function ridgeObjective(hidden: number[][], target: number[][], kernel: ArrayLike<number>, bias: ArrayLike<number>, lambda: number): number {
  const outputs = target[0].length;
  let total = 0;
  hidden.forEach((row, i) => {
    for (let k = 0; k < outputs; k++) {
      let fit = bias[k];
      row.forEach((h, j) => (fit += h * kernel[j * outputs + k]));
      total += (fit - target[i][k]) ** 2;
    }
  });
  for (let m = 0; m < kernel.length; m++) total += lambda * kernel[m] ** 2;
  for (let k = 0; k < bias.length; k++) total += lambda * bias[k] ** 2;
  return total;
}

describe('choleskySolve', () => {
  it('solves a hand-computed 2x2 system', () => {
    // [[4, 2], [2, 3]] x = [[2], [5]]  =>  x = [-0.5, 2]
    const x = choleskySolve(Float64Array.from([4, 2, 2, 3]), Float64Array.from([2, 5]), 2, 1);
    expect(x[0]).toBeCloseTo(-0.5, 12);
    expect(x[1]).toBeCloseTo(2, 12);
  });
});

describe('ridgeRefit', () => {
  it('never does worse on its objective than any other weights', () => {
    const value = fc.integer({ min: -32, max: 32 }).map((v) => v / 16);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer(),
        (kept, outputs, extraSamples, seed) => {
          const samples = kept + extraSamples;
          const [hidden, target, kernel0, bias0] = fc.sample(
            fc.tuple(
              fc.array(fc.array(value.map(Math.abs), { minLength: kept, maxLength: kept }), { minLength: samples, maxLength: samples }),
              fc.array(fc.array(value, { minLength: outputs, maxLength: outputs }), { minLength: samples, maxLength: samples }),
              fc.array(value, { minLength: kept * outputs, maxLength: kept * outputs }),
              fc.array(value, { minLength: outputs, maxLength: outputs }),
            ),
            { numRuns: 1, seed },
          )[0];
          const solution = ridgeRefit(hidden.flat(), samples, kept, target.flat(), outputs);
          const best = ridgeObjective(hidden, target, solution.kernel, solution.bias, solution.lambda);
          const other = ridgeObjective(hidden, target, kernel0, bias0, solution.lambda);
          expect(best).toBeLessThanOrEqual(other * (1 + 1e-5) + 1e-6);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('uses lambda = 1e-3 * trace(B^T B) / (s + 1)', () => {
    // B = [[1, 1], [2, 1], [0, 1]]: trace(B^T B) = (1 + 4 + 0) + 3 = 8, s + 1 = 2.
    expect(ridgeRefit([1, 2, 0], 3, 1, [1, 2, 3], 1).lambda).toBeCloseTo((1e-3 * 8) / 2, 9);
  });

  it('refuses when there are no more samples than kept neurons, saying what to change', () => {
    expect(() => ridgeRefit([1, 2, 3, 4], 2, 2, [1, 2], 1)).toThrow(/more calibration samples than kept neurons \(2 samples, 2 kept\)/);
  });
});

describe('refit after pruning the fixture networks', () => {
  it.each(loadPruningFixtures().filter((f) => f.samples > 8))('lowers each layer\'s pre-activation error on $name', (fixture) => {
    for (const method of ['ispasp', 'magnitude'] as const) {
      const outcome = pruneNetwork(fixture.model, fixture.inputs, {
        method,
        keep: fixture.keep,
        iterations: fixture.iterations,
        seed: 0,
        refit: true,
      });
      outcome.refit!.forEach(({ before, after }) => expect(after).toBeLessThan(before));
    }
  });
});
