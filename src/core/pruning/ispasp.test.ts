import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tf-node';
import { ispaspImportance, ispaspIterate } from './ispasp';
import { topIndices, unionSorted } from './select-top';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

/**
 * The authors' importance: the gradient of 0.5 * ||H V - P||^2 with respect to the hidden units H,
 * with the pruned output P = H[:, S] V[S, :] held constant, summed over samples.
 */
function autogradImportance(hidden: number[][], nextKernel: number[][], kept: number[]): Float32Array {
  return tf.tidy(() => {
    const H = tf.tensor2d(hidden);
    const V = tf.tensor2d(nextKernel);
    const mask = tf.tensor1d(hidden[0].map((_, j) => (kept.includes(j) ? 1 : 0))).reshape([1, -1]);
    const pruned = tf.matMul(tf.mul(H, mask), V);
    const objective = (h: tf.Tensor) => tf.mul(0.5, tf.sum(tf.square(tf.sub(tf.matMul(h as tf.Tensor2D, V), pruned))));
    return tf.sum(tf.grad(objective)(H), 0).dataSync() as Float32Array;
  });
}

describe('ispaspImportance', () => {
  it('matches a hand computation: z = V V^T (hbar - hbar_S)', () => {
    // hbar = [1, 2, 3], S = {1}: hbar - hbar_S = [1, 0, 3]; V = [[1, 0], [0, 1], [1, 1]].
    // V^T d = [1 + 3, 3] = [4, 3]; z = V [4, 3] = [4, 3, 7].
    const z = ispaspImportance([1, 2, 3], [1, 0, 0, 1, 1, 1], 2, [1]);
    expect(Array.from(z)).toEqual([4, 3, 7]);
  });

  it('agrees with tf.grad of the residual objective (the authors autograd form)', () => {
    const matrix = (rows: number, cols: number, min: number) =>
      fc.array(fc.array(fc.integer({ min, max: 16 }), { minLength: cols, maxLength: cols }), {
        minLength: rows,
        maxLength: rows,
      });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer(),
        (samples, units, outputs, keptSeed) =>
          fc.assert(
            fc.property(matrix(samples, units, -8), matrix(units, outputs, -16), (rawHidden, rawKernel) => {
              // ReLU outputs are non-negative; dyadic values keep float32 sums exact enough.
              const hidden = rawHidden.map((row) => row.map((v) => Math.max(0, v) / 8));
              const nextKernel = rawKernel.map((row) => row.map((v) => v / 16));
              const kept = hidden[0].map((_, j) => j).filter((j) => ((keptSeed >>> j) & 1) === 1);
              const hiddenSums = hidden[0].map((_, j) => hidden.reduce((sum, row) => sum + row[j], 0));
              const closed = ispaspImportance(hiddenSums, nextKernel.flat(), outputs, kept);
              const autograd = autogradImportance(hidden, nextKernel, kept);
              closed.forEach((value, j) => expect(autograd[j]).toBeCloseTo(value, 3));
            }),
            { numRuns: 3 },
          ),
      ),
      { numRuns: 40 },
    );
  });
});

describe('ispaspIterate', () => {
  /** The loop as ALGORITHM.md writes it, every iteration computed. */
  function everyIteration(hiddenSums: number[], importanceOf: (kept: readonly number[]) => Float64Array, residualOf: (kept: readonly number[]) => number, keep: number, iterations: number) {
    let kept: number[] = [];
    const steps = [];
    for (let iteration = 1; iteration <= iterations; iteration++) {
      const candidates = topIndices(importanceOf(kept), Math.min(2 * keep, hiddenSums.length));
      const merged = unionSorted(candidates, kept);
      kept = topIndices(hiddenSums, keep, merged);
      steps.push({ iteration, candidates, merged, kept, relativeResidual: residualOf(kept) });
    }
    return steps;
  }

  it('gives every step the full loop gives, computing only until the support settles', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 4, noNaN: true }), { minLength: 2, maxLength: 24 }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 48, maxLength: 48 }),
        fc.integer({ min: 1, max: 24 }),
        (hiddenSums, kernelValues, keepSeed) => {
          const units = hiddenSums.length;
          const nextKernel = kernelValues.slice(0, 2 * units);
          const keep = 1 + (keepSeed % units);
          const importanceOf = (kept: readonly number[]) => ispaspImportance(hiddenSums, nextKernel, 2, kept);
          // Any function of the support will do as a residual: the kept count and index sum.
          const residualOf = (kept: readonly number[]) => kept.length + kept.reduce((sum, j) => sum + j, 0) / 1000;
          let importanceCalls = 0;
          const result = ispaspIterate(hiddenSums, (kept) => (importanceCalls++, importanceOf(kept)), residualOf, keep, { iterations: 20 });
          const expected = everyIteration(hiddenSums, importanceOf, residualOf, keep, 20);
          expect(result.steps).toEqual(expected);
          expect(result.kept).toEqual(expected.at(-1)!.kept);
          // It stops computing right after the first iteration that left the support unchanged.
          const settledAt = expected.findIndex((step, i) => i > 0 && step.kept.join() === expected[i - 1].kept.join());
          expect(importanceCalls).toBe(settledAt < 0 ? 20 : settledAt + 1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('hands out steps that do not share arrays', () => {
    const result = ispaspIterate([3, 2, 1], () => new Float64Array([1, 1, 1]), () => 0.5, 1, { iterations: 4 });
    expect(result.steps.map((step) => step.kept)).toEqual([[0], [0], [0], [0]]);
    result.steps[2].kept.push(99);
    expect(result.steps[3].kept).toEqual([0]);
  });
});
