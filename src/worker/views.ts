/** Derived views the UI draws: the neuron atlas, the sparsity profile, predictions. */
import * as tf from '@tensorflow/tfjs';
import { mlpLogits } from '../core/model/forward';
import type { Mlp } from '../core/model/mlp';
import { readValues } from '../core/tensor-read';
import type { LayerProblem } from '../core/pruning/layer-problem';
import type { NeuronAtlas, Prediction, SparsityProfile } from './types';
import { selectAscending, selectPositionsAscending } from '../core/pruning/select-top';

/**
 * The first `maxNeurons` first-layer neurons' incoming weights as rows in [-1, 1] (the grid draws
 * no more; all 10,000 rows of 784-10000-10 would be 31 MB to send), each scaled by the 98th
 * percentile of its |weights| and clipped: scaling by the single largest weight leaves most
 * pixels near zero and the tiles washed out. Activation sums come for every neuron.
 */
export function neuronAtlas(dense: Mlp, activationSums: Float64Array, maxNeurons = Infinity): NeuronAtlas {
  const { inputSize, units: allUnits, kernel } = dense.layers[0];
  const units = Math.min(allUnits, maxNeurons);
  const weights = new Float32Array(units * inputSize);
  const magnitudes = new Float32Array(inputSize);
  const rank = Math.min(inputSize - 1, Math.floor(0.98 * inputSize));
  for (let j = 0; j < units; j++) {
    let largest = 0;
    for (let i = 0; i < inputSize; i++) {
      magnitudes[i] = Math.abs(kernel[i * allUnits + j]);
      if (magnitudes[i] > largest) largest = magnitudes[i];
    }
    // A selection, not a sort: 10,000 neurons' sorts took half a second on 784-10000-10.
    const reference = selectAscending(magnitudes, rank) || largest;
    const scale = reference > 0 ? 1 / reference : 0;
    for (let i = 0; i < inputSize; i++) weights[j * inputSize + i] = Math.max(-1, Math.min(1, kernel[i * allUnits + j] * scale));
  }
  return { units: allUnits, weights, activationSums: Float64Array.from(activationSums) };
}

/**
 * Hidden activations of the first layer (any layout: only the values count) sorted by magnitude, sampled at about 200 log-spaced
 * ranks (what a log-log plot needs), and the fraction that are exactly zero.
 */
export function sparsityProfile(problem: Pick<LayerProblem, 'hidden'>): SparsityProfile {
  // Only the non-zeros count (ReLU outputs are >= 0): a fifth of 10 million values on
  // 784-10000-10; and only ~200 ranks of them are wanted, so they are selected, not sorted.
  const { hidden } = problem;
  let nonZero = 0;
  for (let k = 0; k < hidden.length; k++) if (hidden[k] !== 0) nonZero++;
  const zeros = hidden.length - nonZero;
  const values = new Float32Array(nonZero);
  for (let k = 0, e = 0; k < hidden.length; k++) if (hidden[k] !== 0) values[e++] = hidden[k];
  const rank: number[] = [];
  let previous = -1;
  for (let step = 0; step <= 200 && nonZero > 0; step++) {
    const index = Math.min(nonZero - 1, Math.round(Math.exp((Math.log(nonZero) * step) / 200)) - 1);
    if (index <= previous) continue;
    previous = index;
    rank.push(index + 1);
  }
  // Rank r (1 = largest) is ascending position nonZero - r.
  const magnitude = selectPositionsAscending(values, rank.map((r) => nonZero - r));
  return { rank, magnitude, zeroFraction: hidden.length === 0 ? 0 : zeros / hidden.length };
}

/** Class probabilities of the dense and the pruned network for one 28x28 image (values in [0, 1]). */
export async function predictBoth(dense: Mlp, pruned: Mlp, pixels: Float32Array): Promise<Prediction> {
  const [denseProbabilities, prunedProbabilities] = await Promise.all(
    [dense, pruned].map(async (model) => Array.from(await readValues(() => tf.softmax(mlpLogits(model, tf.tensor2d(pixels, [1, pixels.length])))))),
  );
  return { dense: denseProbabilities, pruned: prunedProbabilities };
}
