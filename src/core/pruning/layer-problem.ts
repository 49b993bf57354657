/**
 * Everything one hidden layer's pruning needs that does not depend on which neurons are kept:
 * the dense hidden representation H = relu(A W + b), its per-neuron sums over the calibration
 * samples, and the next layer's dense output U = H V (without bias, which cancels in residuals).
 *
 * The one expensive step, relu(A W + b), exploits the sparsity of its input (see
 * hiddenRepresentation); the rest is small vector algebra on plain arrays plus one small tfjs
 * matmul for U, so no tensor outlives the build.
 */
import * as tf from '@tensorflow/tfjs';
import type { DenseLayer } from '../model/mlp';
import { reluAffineDense, sparseKernelAvailable } from '../kernels/sparse-relu-affine';
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
  const { hidden, hiddenSums } = hiddenRepresentation(inputs, samples, layer);
  const denseOutput = readValues(() => tf.matMul(tf.tensor2d(hidden, [samples, units]), tf.tensor2d(nextLayer.kernel, [units, outputs])));
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
    relativeResidual(kept) {
      return this.residualTracker()(kept);
    },
    residualTracker() {
      // prunedOutput = H[:, S] V[S, :], kept up to date as neurons enter and leave S: each change
      // of support adds H[:, C] (±V[C, :]) for the changed neurons C, one small matmul. H[:, C]
      // is gathered into one buffer reused across iterations: on 784-10000-10 a fresh 40 MB array
      // per iteration made the garbage collector stall other work (a slider prune in the app).
      const prunedOutput = new Float64Array(samples * outputs);
      const inSupport = new Uint8Array(units);
      let scratch: Float32Array = new Float32Array(0);
      return (kept) => {
        const next = new Uint8Array(units);
        for (const j of kept) next[j] = 1;
        const changed: number[] = [];
        for (let j = 0; j < units; j++) if (next[j] !== inSupport[j]) changed.push(j);
        if (changed.length > 0) {
          const signedRows = new Float32Array(changed.length * outputs);
          changed.forEach((j, c) => {
            const sign = next[j] ? 1 : -1;
            for (let k = 0; k < outputs; k++) signedRows[c * outputs + k] = sign * nextKernel[j * outputs + k];
          });
          const delta = readValues(() =>
            tf.matMul(
              tf.tensor2d(gatherColumns(hidden, samples, units, changed, (scratch = grown(scratch, samples * changed.length))), [samples, changed.length]),
              tf.tensor2d(signedRows, [changed.length, outputs]),
            ),
          );
          for (let m = 0; m < delta.length; m++) prunedOutput[m] += delta[m];
        }
        inSupport.set(next);
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

/**
 * H = relu(A W + b) and its column sums. MNIST pixels and ReLU outputs are mostly zero, so the
 * sparse WASM SIMD kernel (kernels/sparse-relu-affine) does the work where WebAssembly SIMD
 * exists; elsewhere one fused tfjs matmul runs over the input columns that are not all zero.
 */
function hiddenRepresentation(inputs: Float32Array, samples: number, layer: DenseLayer): { hidden: Float32Array; hiddenSums: Float64Array } {
  const { inputSize, units } = layer;
  if (sparseKernelAvailable()) {
    const { hidden, columnSums } = reluAffineDense(inputs, samples, layer.kernel, layer.bias, inputSize, units);
    return { hidden, hiddenSums: columnSums };
  }
  const live = nonZeroColumns(inputs, samples, inputSize);
  const hidden =
    live.length === 0
      ? Float32Array.from({ length: samples * units }, (_, m) => Math.max(0, layer.bias[m % units]))
      : readValues(() =>
          tf.fused.matMul({
            a: tf.tensor2d(live.length === inputSize ? inputs : gatherColumns(inputs, samples, inputSize, live), [samples, live.length]),
            b: tf.tensor2d(live.length === inputSize ? layer.kernel : gatherRows(layer.kernel, units, live), [live.length, units]),
            bias: tf.tensor1d(layer.bias),
            activation: 'relu',
          }),
        );
  const hiddenSums = new Float64Array(units);
  for (let i = 0; i < samples; i++) {
    const row = i * units;
    for (let j = 0; j < units; j++) hiddenSums[j] += hidden[row + j];
  }
  return { hidden, hiddenSums };
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

/** `buffer` if it holds at least `length` values, else a new array of `length` (grown buffers are reused). */
function grown(buffer: Float32Array, length: number): Float32Array {
  return buffer.length >= length ? buffer : new Float32Array(length);
}

/**
 * Columns `columns` of a row-major `rows x cols` matrix, as a row-major matrix: a new array, or
 * the first `rows * columns.length` values of `into` (then a view of it).
 */
export function gatherColumns(values: Float32Array, rows: number, cols: number, columns: readonly number[], into?: Float32Array): Float32Array {
  const width = columns.length;
  const out = into ? into.subarray(0, rows * width) : new Float32Array(rows * width);
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
