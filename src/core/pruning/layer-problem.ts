/**
 * Everything one hidden layer's pruning needs that does not depend on which neurons are kept:
 * the dense hidden representation H = relu(A W + b), its per-neuron sums over the calibration
 * samples, and the next layer's dense output U = H V (without bias, which cancels in residuals).
 *
 * The one expensive step, relu(A W + b), exploits the sparsity of its input (see
 * hiddenRepresentation); the rest is small algebra on typed arrays accumulated in float64
 * (core/algebra), never tfjs: kept sets and residuals are the same on every backend, and nothing
 * waits for a GPU read.
 */
import { affine, matMul } from '../algebra';
import type { DenseLayer } from '../model/mlp';
import { reluAffineDense, sparseKernelAvailable } from '../kernels/sparse-relu-affine';

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
  readonly denseOutput: Float64Array;
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
  const denseOutput = matMul(hidden, samples, units, nextLayer.kernel, outputs);
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
      // of support adds H[:, j] (±V[j, :]) for the changed neurons j only.
      const prunedOutput = new Float64Array(samples * outputs);
      const inSupport = new Uint8Array(units);
      return (kept) => {
        const next = new Uint8Array(units);
        for (const j of kept) next[j] = 1;
        const changed: number[] = [];
        for (let j = 0; j < units; j++) if (next[j] !== inSupport[j]) changed.push(j);
        for (let i = 0; i < samples; i++) {
          const row = i * units;
          const to = i * outputs;
          for (const j of changed) {
            const value = hidden[row + j];
            if (value === 0) continue;
            const signed = next[j] ? value : -value;
            const from = j * outputs;
            for (let k = 0; k < outputs; k++) prunedOutput[to + k] += signed * nextKernel[from + k];
          }
        }
        inSupport.set(next);
        let residualSq = 0;
        for (let m = 0; m < prunedOutput.length; m++) residualSq += (denseOutput[m] - prunedOutput[m]) ** 2;
        // Below round-off of U the residual is zero, so keeping everything reports exactly 0.
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
 * exists; elsewhere plain float64 loops that skip the zero inputs.
 */
export function hiddenRepresentation(inputs: Float32Array, samples: number, layer: DenseLayer): { hidden: Float32Array; hiddenSums: Float64Array } {
  const { units } = layer;
  if (sparseKernelAvailable()) {
    const { hidden, columnSums } = reluAffineDense(inputs, samples, layer.kernel, layer.bias, layer.inputSize, units);
    return { hidden, hiddenSums: columnSums };
  }
  const pre = affine(inputs, samples, layer);
  const hidden = new Float32Array(pre.length);
  const hiddenSums = new Float64Array(units);
  for (let m = 0; m < pre.length; m++) {
    hidden[m] = Math.max(0, pre[m]);
    hiddenSums[m % units] += hidden[m];
  }
  return { hidden, hiddenSums };
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
