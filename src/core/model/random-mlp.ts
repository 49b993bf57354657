/** Seeded random networks: for tests, benchmarks and the JIT warm-up, never for training. */
import { seededUniform } from '../pruning/baselines';
import type { Activation, Mlp } from './mlp';

export interface RandomMlpOptions {
  /** Activation of the last layer (hidden layers are ReLU). */
  readonly output?: Activation;
  /** A constant bias for every neuron; by default small random biases in [0, 0.05). */
  readonly bias?: number;
}

/** Glorot-uniform kernels drawn from `seed`; the same arguments give the same network everywhere. */
export function randomMlp(sizes: readonly number[], seed = 1, options: RandomMlpOptions = {}): Mlp {
  const uniform = seededUniform(seed);
  return {
    layers: sizes.slice(1).map((units, l) => {
      const inputs = sizes[l];
      const limit = Math.sqrt(6 / (inputs + units));
      return {
        inputSize: inputs,
        units,
        kernel: Float32Array.from({ length: inputs * units }, () => (2 * uniform() - 1) * limit),
        bias: Float32Array.from({ length: units }, () => options.bias ?? 0.05 * uniform()),
        activation: l < sizes.length - 2 ? ('relu' as const) : (options.output ?? 'linear'),
      };
    }),
  };
}
