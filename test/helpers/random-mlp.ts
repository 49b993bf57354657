import type { Mlp } from '../../src/core/model/mlp';
import { seededUniform } from '../../src/core/pruning/baselines';

/** A deterministic network with Glorot-uniform weights: ReLU hidden layers, linear logits. */
export function randomMlp(sizes: readonly number[], seed = 1): Mlp {
  const uniform = seededUniform(seed);
  return {
    layers: sizes.slice(1).map((units, l) => {
      const inputs = sizes[l];
      const limit = Math.sqrt(6 / (inputs + units));
      return {
        inputSize: inputs,
        units,
        kernel: Float32Array.from({ length: inputs * units }, () => (2 * uniform() - 1) * limit),
        bias: Float32Array.from({ length: units }, () => 0.05 * uniform()),
        activation: l < sizes.length - 2 ? ('relu' as const) : ('linear' as const),
      };
    }),
  };
}
