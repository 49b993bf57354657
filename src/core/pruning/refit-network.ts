/**
 * Applies the ridge refit layer by layer: for each pruned hidden layer l, the kept activations
 * (through the already pruned and refit prefix) are mapped onto the dense network's
 * pre-activations of layer l+1, restricted to the neurons layer l+1 keeps.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfCancelled, type CancelToken } from '../errors';
import { layerPreActivation } from '../model/forward';
import type { DenseLayer, Mlp } from '../model/mlp';
import { readValues } from '../tensor-read';
import { ridgeRefit } from './refit';

export interface RefitLayerReport {
  /** ||Z_pruned - Z_dense||_F / ||Z_dense||_F of layer l+1's kept pre-activations, before refit. */
  readonly before: number;
  /** The same after refit. */
  readonly after: number;
  readonly lambda: number;
}

/**
 * `dense` is the original network, `selected` the pruned one with original weights and
 * `keptPerHiddenLayer[l]` the dense indices hidden layer l kept.
 */
export function refitNetwork(
  dense: Mlp,
  selected: Mlp,
  keptPerHiddenLayer: readonly (readonly number[])[],
  calibration: Float32Array,
  signal?: CancelToken,
): { model: Mlp; layers: RefitLayerReport[] } {
  const inputSize = dense.layers[0].inputSize;
  const samples = calibration.length / inputSize;
  const layers: DenseLayer[] = [...selected.layers];
  const reports: RefitLayerReport[] = [];
  let denseActivations = tf.tensor2d(calibration, [samples, inputSize]);
  let prunedActivations = denseActivations.clone();
  try {
    for (let l = 0; l < layers.length - 1; l++) {
      throwIfCancelled(signal);
      const next = l + 1;
      const isLast = next === layers.length - 1;
      const step = tf.tidy(() => {
        const densePre = layerPreActivation(denseActivations, dense.layers[l]);
        const denseHidden = tf.relu(densePre) as tf.Tensor2D;
        const prunedHidden = tf.relu(layerPreActivation(prunedActivations, layers[l])) as tf.Tensor2D;
        const denseNextPre = layerPreActivation(denseHidden, dense.layers[next]);
        const target = isLast
          ? denseNextPre
          : (tf.gather(denseNextPre, tf.tensor1d(Int32Array.from(keptPerHiddenLayer[next]), 'int32'), 1) as tf.Tensor2D);
        return { denseHidden, prunedHidden, target };
      });
      try {
        const before = relativeError(layerPreActivation(step.prunedHidden, layers[next]), step.target);
        const solution = ridgeRefit(step.prunedHidden, step.target);
        layers[next] = { ...layers[next], kernel: solution.kernel, bias: solution.bias };
        const after = relativeError(layerPreActivation(step.prunedHidden, layers[next]), step.target);
        reports.push({ before, after, lambda: solution.lambda });
      } finally {
        step.target.dispose();
      }
      denseActivations.dispose();
      prunedActivations.dispose();
      denseActivations = step.denseHidden;
      prunedActivations = step.prunedHidden;
    }
  } finally {
    denseActivations.dispose();
    prunedActivations.dispose();
  }
  return { model: { layers }, layers: reports };
}

/** Disposes `approximation`. */
function relativeError(approximation: tf.Tensor2D, target: tf.Tensor2D): number {
  const [diff] = readValues(() => tf.norm(tf.sub(approximation, target)));
  const [norm] = readValues(() => tf.norm(target));
  approximation.dispose();
  return norm === 0 ? diff : diff / norm;
}

