import { describe, expect, it } from 'vitest';
import { isCancelled } from '../errors';
import type { DenseLayer } from '../model/mlp';
import { greedySelector } from './gfs';
import { buildLayerProblem } from './layer-problem';

/** A deterministic pseudo-random layer problem: 40 samples, 8 inputs, 600 hidden units, 10 outputs. */
function problem() {
  let state = 12345;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const samples = 40;
  const inputSize = 8;
  const units = 600;
  const outputs = 10;
  const inputs = Float32Array.from({ length: samples * inputSize }, next);
  const layer: DenseLayer = { inputSize, units, kernel: Float32Array.from({ length: inputSize * units }, next), bias: new Float32Array(units), activation: 'relu' };
  const nextLayer: DenseLayer = { inputSize: units, units: outputs, kernel: Float32Array.from({ length: units * outputs }, next), bias: new Float32Array(outputs), activation: 'linear' };
  return buildLayerProblem(inputs, samples, layer, nextLayer);
}

describe('greedy selector', () => {
  it('stops an add part-way through its scan when cancelled, and the next add picks what an uninterrupted one would', () => {
    const reference = greedySelector(problem());
    reference.add(3);

    const selector = greedySelector(problem());
    selector.add(1);
    let reads = 0;
    // Cancelled at the third check: inside the second add's scan over the 600 candidates.
    const signal = { get aborted() { return ++reads >= 3; } };
    let error: unknown;
    try {
      selector.add(1, { signal });
    } catch (caught) {
      error = caught;
    }
    expect(isCancelled(error)).toBe(true);
    expect(reads).toBe(3); // checked before the add, then every 256 candidates
    expect(selector.order).toEqual(reference.order.slice(0, 1));
    selector.add(2);
    expect(selector.order).toEqual(reference.order);
  });
});
