import { describe, expect, it } from 'vitest';
import type { DenseLayer } from '../src/core/model/mlp';
import { passWork } from './pass-work';

describe('passWork', () => {
  it('counts non-zero inputs times neurons, and non-zero activations times outputs, two flops each', () => {
    // Two samples of three inputs; two neurons, of which neuron 1 is relu'd to zero on sample 0.
    const inputs = Float32Array.from([1, 0, 2, 0, 0, 3]);
    const layer: DenseLayer = { inputSize: 3, units: 2, kernel: Float32Array.from([1, 1, 0, 0, 1, -1]), bias: Float32Array.from([0, 0]), activation: 'relu' };
    const next: DenseLayer = { inputSize: 2, units: 4, kernel: new Float32Array(8), bias: new Float32Array(4), activation: 'softmax' };
    // H = relu([1 + 2, 1 - 2; 3, -3]) = [3, 0; 3, 0]: two non-zeros of four.
    const work = passWork(inputs, 2, layer, next);
    expect(work.reluFlops).toBe(2 * 3 * 2);
    expect(work.passFlops).toBe(2 * 3 * 2 + 2 * 2 * 4);
    expect(work.hiddenDensity).toBe(0.5);
  });
});
