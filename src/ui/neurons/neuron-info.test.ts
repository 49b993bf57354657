import { describe, expect, it } from 'vitest';
import { describeNeuron, formatValue, neuronDetails, neuronSets, neuronStatus } from './neuron-info';

describe('neuronStatus', () => {
  it('is kept or pruned after pruning, none before', () => {
    const sets = neuronSets([1, 3], null);
    expect(neuronStatus(1, sets)).toBe('kept');
    expect(neuronStatus(2, sets)).toBe('pruned');
    expect(neuronStatus(2, neuronSets(null, null))).toBe('none');
  });

  it('in step mode distinguishes kept, candidates, merged and outside', () => {
    const sets = neuronSets([0], { iteration: 2, candidates: [1, 2], merged: [1, 2, 3], kept: [2, 3] });
    expect(neuronStatus(2, sets)).toBe('kept');
    expect(neuronStatus(1, sets)).toBe('candidate');
    expect(neuronStatus(4, sets)).toBe('outside');
    const other = neuronSets(null, { iteration: 1, candidates: [1], merged: [1, 5], kept: [1] });
    expect(neuronStatus(5, other)).toBe('merged');
  });
});

describe('describeNeuron', () => {
  it('lists what is known about the neuron', () => {
    const sets = neuronSets([17], null);
    const sums = new Float64Array(20);
    sums[17] = 1234.56;
    const importance = new Array(20).fill(0);
    importance[17] = 0.012345;
    const entered = new Array<number | null>(20).fill(null);
    entered[17] = 3;
    expect(describeNeuron(neuronDetails(17, sets, sums, importance, entered))).toBe(
      'Neuron 17: kept, activation sum 1,235, importance 0.0123, entered at iteration 3',
    );
    expect(describeNeuron(neuronDetails(2, sets, sums, undefined, undefined))).toBe('Neuron 2: pruned, activation sum 0');
    expect(describeNeuron(neuronDetails(2, neuronSets(null, null), null, undefined, undefined))).toBe('Neuron 2');
  });

  it('notes kept neurons that were also candidates', () => {
    const sets = neuronSets(null, { iteration: 1, candidates: [4], merged: [4], kept: [4] });
    expect(describeNeuron(neuronDetails(4, sets, null, undefined, undefined))).toBe('Neuron 4: kept (also in Ω)');
  });

  it('formats values compactly', () => {
    expect(formatValue(0)).toBe('0');
    expect(formatValue(0.00001234)).toBe('1.23e-5');
    expect(formatValue(-2.3456)).toBe('-2.35');
  });
});
