/**
 * Everything one hidden layer's pruning needs that does not depend on which neurons are kept:
 * the dense hidden representation H = relu(A W + b), its per-neuron sums over the calibration
 * samples, and the next layer's dense output U = H V (without bias, which cancels in residuals).
 *
 * The one expensive step, A W, runs as a single fused tfjs matmul (+ bias + ReLU) over the input
 * columns that are not identically zero (MNIST's border pixels, dead neurons of a pruned prefix);
 * the rest is small vector algebra on the downloaded arrays, so no tensor outlives the build.
 */
import * as tf from '@tensorflow/tfjs';
import type { DenseLayer } from '../model/mlp';
import { readValues } from '../tensor-read';

export interface LayerProblem {
  readonly samples: number;
  /** Hidden neurons N of this layer. */
  readonly units: number;
  /** Outputs d_out of the next layer (columns of V). */
  readonly outputs: number;
  /** H, row-major `n x N`. */
  readonly hidden: Float32Array;
  /** V, the next layer's kernel, row-major `N x d_out`. */
  readonly nextKernel: Float32Array;
  /** U = H V, row-major `n x d_out`. */
  readonly denseOutput: Float32Array;
  /** `hbar_j = sum_i H[i, j]`, in float64. */
  readonly hiddenSums: Float64Array;
  /** `||U||_F`. */
  readonly denseOutputNorm: number;
  /** How many input columns took part in `A W` (the rest were zero for every sample). */
  readonly liveInputs: number;
  /** `||U - H[:, S] V[S, :]||_F / ||U||_F`; 0 when U is 0 and S is everything. */
  relativeResidual(kept: readonly number[]): number;
  /**
   * The same as `relativeResidual`, for a sequence of supports that change a little at a time:
   * only neurons entering or leaving the support cost a pass over the samples.
   */
  residualTracker(): (kept: readonly number[]) => number;
  /** `H[:, S]`, row-major `n x |S|`: the activations reaching the next layer after pruning. */
  keptActivations(kept: readonly number[]): Float32Array;
}

/**
 * Builds the layer problem from `inputs` (row-major `samples x layer.inputSize`), the layer
 * being pruned and the next layer. Creates no tensor that outlives the call.
 */
export function buildLayerProblem(
  inputs: Float32Array,
  samples: number,
  layer: DenseLayer,
  nextLayer: DenseLayer,
): LayerProblem {
  const { units } = layer;
  const outputs = nextLayer.units;
  const live = nonZeroColumns(inputs, samples, layer.inputSize);
  const liveInputs = live.length === layer.inputSize ? inputs : gatherColumns(inputs, samples, layer.inputSize, live);
  const liveKernel = live.length === layer.inputSize ? layer.kernel : gatherRows(layer.kernel, units, live);

  let hidden: Float32Array;
  let denseOutput: Float32Array;
  if (live.length === 0) {
    hidden = new Float32Array(samples * units);
    for (let i = 0; i < samples; i++) for (let j = 0; j < units; j++) hidden[i * units + j] = Math.max(0, layer.bias[j]);
    denseOutput = readValues(() => tf.matMul(tf.tensor2d(hidden, [samples, units]), tf.tensor2d(nextLayer.kernel, [units, outputs])));
  } else {
    const hiddenT = tf.tidy(() =>
      tf.fused.matMul({
        a: tf.tensor2d(liveInputs, [samples, live.length]),
        b: tf.tensor2d(liveKernel, [live.length, units]),
        bias: tf.tensor1d(layer.bias),
        activation: 'relu',
      }),
    );
    try {
      hidden = hiddenT.dataSync() as Float32Array;
      denseOutput = readValues(() => tf.matMul(hiddenT, tf.tensor2d(nextLayer.kernel, [units, outputs])));
    } finally {
      hiddenT.dispose();
    }
  }

  const hiddenSums = new Float64Array(units);
  for (let i = 0; i < samples; i++) {
    const row = i * units;
    for (let j = 0; j < units; j++) hiddenSums[j] += hidden[row + j];
  }
  let normSq = 0;
  for (let k = 0; k < denseOutput.length; k++) normSq += denseOutput[k] * denseOutput[k];
  const denseOutputNorm = Math.sqrt(normSq);
  const nextKernel = nextLayer.kernel;

  return {
    samples,
    units,
    outputs,
    hidden,
    nextKernel,
    denseOutput,
    hiddenSums,
    denseOutputNorm,
    liveInputs: live.length,
    relativeResidual(kept) {
      return this.residualTracker()(kept);
    },
    residualTracker() {
      // prunedOutput = H[:, S] V[S, :], kept up to date as neurons enter and leave S.
      const prunedOutput = new Float64Array(samples * outputs);
      const inSupport = new Uint8Array(units);
      return (kept) => {
        const next = new Uint8Array(units);
        for (const j of kept) next[j] = 1;
        const changed: number[] = [];
        for (let j = 0; j < units; j++) if (next[j] !== inSupport[j]) changed.push(j);
        inSupport.set(next);
        // Row by row, so H is read in memory order.
        for (let i = 0; i < samples; i++) {
          const row = i * units;
          const out = i * outputs;
          for (const j of changed) {
            const h = hidden[row + j];
            if (h === 0) continue;
            const scaled = next[j] ? h : -h;
            const vRow = j * outputs;
            for (let k = 0; k < outputs; k++) prunedOutput[out + k] += scaled * nextKernel[vRow + k];
          }
        }
        let residualSq = 0;
        for (let m = 0; m < prunedOutput.length; m++) residualSq += (denseOutput[m] - prunedOutput[m]) ** 2;
        // Below float32 round-off of U the residual is zero, so keeping everything reports exactly 0.
        const norm = residualSq <= 1e-12 * normSq ? 0 : Math.sqrt(residualSq);
        if (denseOutputNorm === 0) return norm === 0 ? 0 : Infinity;
        return norm / denseOutputNorm;
      };
    },
    keptActivations(kept) {
      return gatherColumns(hidden, samples, units, kept);
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

/** Columns `columns` of a row-major `rows x cols` matrix, as a new row-major matrix. */
export function gatherColumns(values: Float32Array, rows: number, cols: number, columns: readonly number[]): Float32Array {
  const width = columns.length;
  const out = new Float32Array(rows * width);
  for (let i = 0; i < rows; i++) {
    const from = i * cols;
    const to = i * width;
    for (let k = 0; k < width; k++) out[to + k] = values[from + columns[k]];
  }
  return out;
}

/** Rows `rows` of a row-major matrix with `cols` columns. */
export function gatherRows(values: Float32Array, cols: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * cols);
  rows.forEach((r, k) => out.set(values.subarray(r * cols, (r + 1) * cols), k * cols));
  return out;
}
