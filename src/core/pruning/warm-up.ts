/**
 * Runs the pruning code paths once on a tiny synthetic network so the JavaScript JIT and the
 * WASM tier-up happen before anything is timed. It computes nothing about the user's model.
 */
import { randomMlp } from '../model/random-mlp';
import { seededUniform } from './baselines';
import { pruneNetwork } from './prune-network';

export function warmUpPruning(inputSize = 784, hidden = 256, outputs = 10, samples = 256): void {
  const uniform = seededUniform(12345);
  const model = randomMlp([inputSize, hidden, outputs], 12345);
  const calibration = Float32Array.from({ length: samples * inputSize }, () => (uniform() < 0.2 ? uniform() : 0));
  for (let round = 0; round < 2; round++) {
    pruneNetwork(model, calibration, { method: 'ispasp', keep: 0.1, iterations: 20, seed: 0, refit: false });
  }
}
