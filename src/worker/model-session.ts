/**
 * Everything the worker keeps for the loaded model that does not change with the keep ratio:
 * the first hidden layer's pruning problem per calibration size, and the first hidden layer's
 * activations on the test images, so a new ratio costs a gather and small matmuls, not a
 * forward pass over 10,000 images.
 */
import * as tf from '@tensorflow/tfjs';
import { normalizedImages, type MnistSplit } from '../core/data/mnist';
import { mlpLogits } from '../core/model/forward';
import type { Mlp } from '../core/model/mlp';
import { buildLayerProblem, gatherColumns, type LayerProblem } from '../core/pruning/layer-problem';
import { accuracy } from '../core/metrics';

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

export function createModelSession(id: string, dense: Mlp, train: MnistSplit, test: MnistSplit, testImages: Float32Array): ModelSession {
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
  const testHidden = tf.tidy(() => {
    const pre = tf.add(tf.matMul(tf.tensor2d(testImages, [test.count, first.inputSize]), tf.tensor2d(first.kernel, [first.inputSize, first.units])), tf.tensor1d(first.bias));
    return tf.relu(pre);
  });
  const testHiddenValues = testHidden.dataSync() as Float32Array;
  testHidden.dispose();
  const denseAccuracy = accuracy(dense, testImages, test.labels);

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
    prunedAccuracy(pruned, firstKept) {
      const activations = gatherColumns(testHiddenValues, test.count, first.units, firstKept);
      const rest: Mlp = { layers: pruned.layers.slice(1) };
      const predicted = tf.tidy(() => tf.argMax(mlpLogits(rest, tf.tensor2d(activations, [test.count, firstKept.length])), 1));
      const classes = predicted.dataSync();
      predicted.dispose();
      let correct = 0;
      for (let i = 0; i < test.count; i++) if (classes[i] === test.labels[i]) correct++;
      return correct / test.count;
    },
  };
}
