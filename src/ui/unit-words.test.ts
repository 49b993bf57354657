import { describe, expect, it } from 'vitest';
import { kindAt, unitCount, unitNoun, unitsOf } from './unit-words';

describe('unit words', () => {
  it('names a convolution’s units channels and a Dense layer’s neurons, singular for one', () => {
    expect(unitCount('conv', 16)).toBe('16 channels');
    expect(unitCount('conv', 1)).toBe('1 channel');
    expect(unitCount('dense', 1024)).toBe('1,024 neurons');
    expect(unitNoun('dense', 1)).toBe('neuron');
  });

  it('says what a network holds: neurons, channels, or both', () => {
    expect(unitsOf(['dense', 'dense'])).toBe('neurons');
    expect(unitsOf(['conv', 'conv'])).toBe('channels');
    expect(unitsOf(['conv', 'conv', 'dense'])).toBe('channels and neurons');
    expect(unitsOf([])).toBe('neurons');
    expect(kindAt(['conv'], 0)).toBe('conv');
    expect(kindAt(undefined, 3)).toBe('dense');
  });
});
