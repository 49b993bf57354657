import { describe, expect, it } from 'vitest';
import { keepLayerInputs, keepLayerOutputs, keepLayerOutputsOnRead, type DenseLayer } from './mlp';

/** A 3 -> 4 layer whose weight from input i to neuron j is 10 i + j, bias 100 + j. */
const layer: DenseLayer = {
  inputSize: 3,
  units: 4,
  kernel: Float32Array.from({ length: 12 }, (_, m) => 10 * Math.floor(m / 4) + (m % 4)),
  bias: Float32Array.from([100, 101, 102, 103]),
  activation: 'relu',
};

const plain = (l: DenseLayer) => ({ inputSize: l.inputSize, units: l.units, kernel: Array.from(l.kernel), bias: Array.from(l.bias), activation: l.activation });

describe('keepLayerOutputs and keepLayerInputs', () => {
  it('keep kernel columns and bias entries, or kernel rows (hand-computed)', () => {
    expect(plain(keepLayerOutputs(layer, [1, 3]))).toEqual({ inputSize: 3, units: 2, kernel: [1, 3, 11, 13, 21, 23], bias: [101, 103], activation: 'relu' });
    expect(plain(keepLayerInputs(layer, [0, 2]))).toEqual({ inputSize: 2, units: 4, kernel: [0, 1, 2, 3, 20, 21, 22, 23], bias: [100, 101, 102, 103], activation: 'relu' });
  });
});

describe('keepLayerOutputsOnRead', () => {
  it('reads, spreads, serializes and clones as the gathered layer does', () => {
    const kept = [0, 2, 3];
    const eager = plain(keepLayerOutputs(layer, kept));
    const lazy = keepLayerOutputsOnRead(layer, kept);
    // The caller's list may change afterwards: the layer keeps its own.
    kept.length = 0;
    expect(lazy.units).toBe(3);
    expect(plain(lazy)).toEqual(eager);
    expect(plain({ ...lazy })).toEqual(eager);
    expect(plain(structuredClone(lazy))).toEqual(eager);
    const json = JSON.parse(JSON.stringify(lazy)) as { kernel: Record<string, number>; bias: Record<string, number> };
    expect(Object.values(json.kernel)).toEqual(eager.kernel);
    expect(Object.values(json.bias)).toEqual(eager.bias);
  });

  it('gathers once and hands out the same arrays on every read', () => {
    const lazy = keepLayerOutputsOnRead(layer, [1]);
    expect(lazy.kernel).toBe(lazy.kernel);
    expect(lazy.bias).toBe(lazy.bias);
    expect(Array.from(lazy.kernel)).toEqual([1, 11, 21]);
  });
});
