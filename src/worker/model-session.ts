/**
 * Everything the worker keeps for the loaded model that does not change with the keep ratio:
 * the first hidden layer's pruning problem per calibration size, and the first hidden layer's
 * activations on the test images, so a new ratio costs a gather and small matmuls, not a
 * forward pass over 10,000 images.
 */
import * as tf from '@tensorflow/tfjs';
import { normalizedImages, type MnistSplit } from '../core/data/mnist';
import { reluAffineSparse, sparseKernelAvailable, sparseRowsOf } from '../core/kernels/sparse-relu-affine';
import { layerPreActivation, mlpLogits } from '../core/model/forward';
import { keepLayerOutputs, type Mlp } from '../core/model/mlp';
import { readValues } from '../core/tensor-read';
import { buildLayerProblem, gatherColumns, type LayerProblem } from '../core/pruning/layer-problem';

export interface ModelSession {
  readonly id: string;
  readonly dense: Mlp;
  readonly denseAccuracy: number;
  firstLayerProblem(samples: number): LayerProblem;
  calibration(samples: number): Float32Array;
  /**
   * Test accuracy of a pruned network whose first layer keeps `firstKept` of the dense first
   * layer's neurons with unchanged weights (selection and refit both leave layer 1 as it was).
   */
  prunedAccuracy(pruned: Mlp, firstKept: readonly number[]): number;
}

/**
 * Above this many cached values (test images x first-layer neurons, 4 bytes each) the session
 * does not cache test activations: a 784-10000-10 network would need 400 MB. It then computes
 * the kept neurons' activations exactly with the sparse kernel each time, at a cost that grows
 * with the kept count rather than the layer width.
 */
export const TEST_CACHE_MAX_VALUES = 2 ** 25;

export function createModelSession(
  id: string,
  dense: Mlp,
  train: MnistSplit,
  test: MnistSplit,
  testImages: Float32Array,
  testCacheMaxValues = TEST_CACHE_MAX_VALUES,
): ModelSession {
  const first = dense.layers[0];
  const problems = new Map<number, LayerProblem>();
  const calibrations = new Map<number, Float32Array>();
  const calibration = (samples: number) => {
    let images = calibrations.get(samples);
    if (!images) {
      images = normalizedImages(train, samples);
      calibrations.clear();
      calibrations.set(samples, images);
    }
    return images;
  };
  const testSparse = sparseKernelAvailable() ? sparseRowsOf(testImages, test.count, first.inputSize) : null;
  /** relu(X_test W[:, kept] + b[kept]), row-major `test.count x kept.length`. */
  const keptTestActivations = (kept: readonly number[]): Float32Array => {
    const layer = kept.length === first.units ? first : keepLayerOutputs(first, kept);
    if (testSparse) return reluAffineSparse(testSparse, layer.kernel, layer.bias, layer.units).hidden;
    return readValues(() => tf.relu(layerPreActivation(tf.tensor2d(testImages, [test.count, first.inputSize]), layer)));
  };
  const allNeurons = Array.from({ length: first.units }, (_, j) => j);
  const testHiddenValues = first.units * test.count <= testCacheMaxValues ? keptTestActivations(allNeurons) : null;
  const prunedAccuracy = (pruned: Mlp, firstKept: readonly number[]): number => {
    const activations = testHiddenValues
      ? gatherColumns(testHiddenValues, test.count, first.units, firstKept)
      : keptTestActivations(firstKept);
    const rest: Mlp = { layers: pruned.layers.slice(1) };
    const predicted = tf.tidy(() => tf.argMax(mlpLogits(rest, tf.tensor2d(activations, [test.count, firstKept.length])), 1));
    const classes = predicted.dataSync();
    predicted.dispose();
    let correct = 0;
    for (let i = 0; i < test.count; i++) if (classes[i] === test.labels[i]) correct++;
    return correct / test.count;
  };
  const denseAccuracy = prunedAccuracy(dense, allNeurons);

  return {
    id,
    dense,
    denseAccuracy,
    calibration,
    firstLayerProblem(samples) {
      let problem = problems.get(samples);
      if (!problem) {
        problem = buildLayerProblem(calibration(samples), samples, first, dense.layers[1]);
        problems.clear();
        problems.set(samples, problem);
      }
      return problem;
    },
    prunedAccuracy,
  };
}
