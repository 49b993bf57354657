/**
 * Runs the pruning code paths once on a tiny synthetic network so the JavaScript JIT and the
 * WASM tier-up happen before anything is timed. It computes nothing about the user's model.
 */
import type { DenseLayer, Mlp } from '../model/mlp';
import { seededUniform } from './baselines';
import { pruneNetwork } from './prune-network';

export function warmUpPruning(inputSize = 784, hidden = 256, outputs = 10, samples = 256): void {
  const uniform = seededUniform(12345);
  const dense = (inputs: number, units: number, activation: DenseLayer['activation']): DenseLayer => ({
    inputSize: inputs,
    units,
    kernel: Float32Array.from({ length: inputs * units }, () => uniform() - 0.5),
    bias: Float32Array.from({ length: units }, () => uniform() * 0.1),
    activation,
  });
  const model: Mlp = { layers: [dense(inputSize, hidden, 'relu'), dense(hidden, outputs, 'linear')] };
  const calibration = Float32Array.from({ length: samples * inputSize }, () => (uniform() < 0.2 ? uniform() : 0));
  for (let round = 0; round < 2; round++) {
    pruneNetwork(model, calibration, { method: 'ispasp', keep: 0.1, iterations: 20, seed: 0, refit: false });
  }
}
