/**
 * Everything one hidden layer's pruning needs that does not depend on which neurons are kept:
 * the dense hidden representation H = relu(A W + b), its per-neuron sums over the calibration
 * samples, and the next layer's dense output U = H V (without bias, which cancels in residuals).
 */
import * as tf from '@tensorflow/tfjs';
import type { DenseLayer } from '../model/mlp';
import { readValues } from '../tensor-read';

export interface LayerProblem {
  readonly samples: number;
  /** Hidden neurons N of this layer. */
  readonly units: number;
  /** Outputs of the next layer (columns of V). */
  readonly outputs: number;
  /** `n x N`, owned by the problem (disposed by `dispose`). */
  readonly hidden: tf.Tensor2D;
  /** `N x d_out`, the next layer's kernel. */
  readonly nextKernel: tf.Tensor2D;
  /** `n x d_out`, `H V`. */
  readonly denseOutput: tf.Tensor2D;
  /** `hbar_j = sum_i H[i, j]`, in float64. */
  readonly hiddenSums: Float64Array;
  /** Row-major copy of V for the small per-iteration vector algebra. */
  readonly nextKernelValues: Float32Array;
  /** `||U||_F`. */
  readonly denseOutputNorm: number;
  /** `||U - H[:, S] V[S, :]||_F / ||U||_F`; 0 when U is 0 and S is everything. */
  relativeResidual(kept: readonly number[]): number;
  dispose(): void;
}

/**
 * Builds the layer problem from the activations `inputs` (`n x d_in`, not disposed here),
 * the layer being pruned and the next layer.
 * `liveInputs`, when given, lists the input columns that are not identically zero over the
 * samples; the others contribute nothing to `A W`, so they are skipped (MNIST border pixels).
 */
export function buildLayerProblem(
  inputs: tf.Tensor2D,
  layer: DenseLayer,
  nextLayer: DenseLayer,
  liveInputs?: readonly number[],
): LayerProblem {
  const samples = inputs.shape[0];
  const units = layer.units;
  const outputs = nextLayer.units;
  const { hidden, nextKernel, denseOutput } = tf.tidy(() => {
    const kernel = tf.tensor2d(layer.kernel, [layer.inputSize, units]);
    const bias = tf.tensor1d(layer.bias);
    let pre: tf.Tensor2D;
    if (liveInputs && liveInputs.length < layer.inputSize) {
      const live = tf.tensor1d(Int32Array.from(liveInputs), 'int32');
      const liveInputsOnly = tf.gather(inputs, live, 1) as tf.Tensor2D;
      const liveKernelRows = tf.gather(kernel, live, 0) as tf.Tensor2D;
      pre = liveInputs.length === 0
        ? tf.zeros([samples, units])
        : tf.matMul(liveInputsOnly, liveKernelRows);
    } else {
      pre = tf.matMul(inputs, kernel);
    }
    const hiddenT = tf.relu(tf.add(pre, bias)) as tf.Tensor2D;
    const nextKernelT = tf.tensor2d(nextLayer.kernel, [units, outputs]);
    return { hidden: hiddenT, nextKernel: nextKernelT, denseOutput: tf.matMul(hiddenT, nextKernelT) as tf.Tensor2D };
  });

  const hiddenValues = hidden.dataSync() as Float32Array;
  const hiddenSums = new Float64Array(units);
  for (let i = 0; i < samples; i++) {
    const row = i * units;
    for (let j = 0; j < units; j++) hiddenSums[j] += hiddenValues[row + j];
  }
  const denseOutputValues = denseOutput.dataSync();
  let normSq = 0;
  for (let k = 0; k < denseOutputValues.length; k++) normSq += denseOutputValues[k] * denseOutputValues[k];
  const denseOutputNorm = Math.sqrt(normSq);

  return {
    samples,
    units,
    outputs,
    hidden,
    nextKernel,
    denseOutput,
    hiddenSums,
    nextKernelValues: nextLayer.kernel,
    denseOutputNorm,
    relativeResidual(kept) {
      const [value] = readValues(() => {
        if (kept.length === 0) return tf.norm(denseOutput);
        const idx = tf.tensor1d(Int32Array.from(kept), 'int32');
        const prunedOutput = tf.matMul(tf.gather(hidden, idx, 1), tf.gather(nextKernel, idx, 0));
        return tf.norm(tf.sub(denseOutput, prunedOutput));
      });
      if (denseOutputNorm === 0) return value === 0 ? 0 : Infinity;
      return value / denseOutputNorm;
    },
    dispose() {
      hidden.dispose();
      nextKernel.dispose();
      denseOutput.dispose();
    },
  };
}

/** Column indices of a row-major `rows x cols` matrix that hold a non-zero anywhere. */
export function nonZeroColumns(values: Float32Array, rows: number, cols: number): number[] {
  const seen = new Uint8Array(cols);
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) if (values[row + j] !== 0) seen[j] = 1;
  }
  const live: number[] = [];
  for (let j = 0; j < cols; j++) if (seen[j]) live.push(j);
  return live;
}
