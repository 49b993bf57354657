/**
 * Runs the pruning code paths on synthetic networks so the JavaScript JIT and the WASM tier-up
 * happen before anything is timed. It computes nothing about the user's model.
 *
 * Given the model's layer sizes and the calibration sample count, it also prunes one random
 * network of exactly that shape, as an inference runtime sizes its memory arena when a model is
 * loaded: the kernels' WebAssembly memories and the JavaScript arrays of that size are mapped
 * then (a fresh page costs ~2-4 us on first touch, about 8 ms for 784-1024-10 at n = 1000),
 * rather than inside the first timed prune. A one-shot command (the CLI) calls it while loading
 * and reports its time apart.
 */
import { randomMlp } from '../model/random-mlp';
import { seededUniform } from './baselines';
import { pruneNetwork } from './prune-network';

export interface WarmUpShape {
  /** Layer sizes, input first: e.g. [784, 1024, 10]. */
  readonly sizes: readonly number[];
  readonly samples: number;
}

const SMALL: WarmUpShape = { sizes: [784, 256, 10], samples: 256 };
/**
 * V8 optimises a prune's code after several calls, and finishes compiling it on a background
 * thread that then competes with the kernel's helper for 2 cores. With 2 small rounds a one-shot
 * CLI prune of 784-1024-10 took 13-30 ms (median ~25 in a busy hour); with 10, 10-14 ms (warm-up
 * 70-120 ms -> 130-160 ms, in timingsMs.load). Two extra prunes at the model's shape did as well
 * for 70 ms more.
 */
const SMALL_ROUNDS = 10;

/**
 * Beyond this many hidden activations (samples x widest hidden layer) the shape is not warmed:
 * the prune itself then dwarfs its page faults, and a second prune of that size would not.
 */
export const MAX_WARMED_ACTIVATIONS = 2e7;

export function warmUpPruning(shape?: WarmUpShape): void {
  pruned(SMALL, SMALL_ROUNDS);
  if (shape && shape.sizes.length > 2 && shape.samples * Math.max(...shape.sizes.slice(1, -1)) <= MAX_WARMED_ACTIVATIONS) pruned(shape, 1);
}

/** One random network and calibration set of the shape, pruned `rounds` times. */
function pruned({ sizes, samples }: WarmUpShape, rounds: number): void {
  const uniform = seededUniform(12345);
  const model = randomMlp([...sizes], 12345);
  // MNIST-like inputs: about one pixel in five is non-zero.
  const calibration = new Float32Array(samples * sizes[0]);
  for (let i = 0; i < calibration.length; i++) calibration[i] = uniform() < 0.2 ? uniform() : 0;
  for (let round = 0; round < rounds; round++) pruneNetwork(model, calibration, { method: 'ispasp', keep: 0.1, iterations: 20, seed: 0, refit: false });
}
