/**
 * Everything one hidden layer's pruning needs that does not depend on which neurons are kept:
 * the dense hidden representation H = relu(A W + b), its per-neuron sums over the calibration
 * samples, and the next layer's dense output U = H V (without bias, which cancels in residuals).
 *
 * The one expensive step, relu(A W + b), exploits the sparsity of its input (see
 * hiddenRepresentation); the rest is small algebra accumulated in float64, never tfjs: kept sets
 * and residuals are the same on every backend, and nothing waits for a GPU read. U = H V and the
 * residual tracker's updates run on WebAssembly SIMD (kernels/float64-products) where it exists,
 * else in the plain loops of core/algebra and updateSupportJs: the same bits either way.
 */
import { affine, matMul } from '../algebra';
import type { DenseLayer } from '../model/mlp';
import { HiddenProducts } from '../kernels/float64-products';
import { reluAffineDense, sparseKernelAvailable, type RowsListener } from '../kernels/sparse-relu-affine';
import { ispaspImportance } from './ispasp';

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
  /** i-SpaSP's importance `z = V V^T (hbar - hbar_S)` for the support `kept` (see ispaspImportance). */
  importance(kept: readonly number[]): Float64Array;
  /** `||U - H[:, S] V[S, :]||_F / ||U||_F`; 0 when U is 0 and S is everything. */
  relativeResidual(kept: readonly number[]): number;
  /**
   * The same as `relativeResidual`, for a sequence of supports that change a little at a time:
   * only neurons entering or leaving the support cost a pass over the samples.
   */
  residualTracker(): (kept: readonly number[]) => number;
  /**
   * Prepares for many selections on this problem (the worker's cached first layer, pruned again
   * on every slider move): builds H's column form now, so that residual updates cost only the
   * changed neurons' non-zeros. The results are the same bits either way.
   */
  prepareForReuse(): void;
  /** `H[:, S]`, row-major `n x |S|`: the activations reaching the next layer after pruning. */
  keptActivations(kept: readonly number[]): Float32Array;
  /**
   * Lets the next problem built reuse this one's WebAssembly memory (H's pages are mapped
   * already). Nothing of this problem may be used afterwards, `hidden` included.
   */
  dispose(): void;
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
  const nextKernel = nextLayer.kernel;
  // With WebAssembly SIMD, H is written straight into the products kernel's memory.
  const products = sparseKernelAvailable() ? HiddenProducts.create(samples, units, nextKernel, outputs) : null;
  // U's rows follow H's blocks, on this thread while helper threads finish the next block.
  const { hidden, hiddenSums } = hiddenRepresentation(inputs, samples, layer, products?.hidden, products ? (r0, count) => products.denseOutputUpTo(r0 + count) : undefined);
  // U and the tracker's pruned output are row-major with `stride` columns (padded for the kernel).
  const stride = products ? products.paddedOutputs : outputs;
  const paddedOutput = products ? products.denseOutputPadded() : matMul(hidden, samples, units, nextKernel, outputs);
  const denseOutput = products ? unpadRows(paddedOutput, samples, stride, outputs) : paddedOutput;
  let normSq = 0;
  for (let k = 0; k < denseOutput.length; k++) normSq += denseOutput[k] * denseOutput[k];
  const denseOutputNorm = Math.sqrt(normSq);
  const updateSupport = products
    ? (pruned: Float64Array, changed: readonly number[], entering: Uint8Array) => products.updateSupport(pruned, changed, entering)
    : (pruned: Float64Array, changed: readonly number[], entering: Uint8Array) => updateSupportJs(hidden, samples, units, nextKernel, outputs, pruned, changed, entering);
  let trackers = 0;
  return {
    samples,
    units,
    outputs,
    hidden,
    nextKernel,
    denseOutput,
    hiddenSums,
    denseOutputNorm,
    importance(kept) {
      return products?.importance(hiddenSums, kept) ?? ispaspImportance(hiddenSums, nextKernel, outputs, kept);
    },
    relativeResidual(kept) {
      return this.residualTracker()(kept);
    },
    prepareForReuse() {
      products?.walkColumns();
    },
    residualTracker() {
      // A problem tracked more than once is worth H's column form (see prepareForReuse).
      if (++trackers > 1) products?.walkColumns();
      // prunedOutput = H[:, S] V[S, :], kept up to date as neurons enter and leave S: each change
      // of support adds H[:, j] (±V[j, :]) for the changed neurons j only.
      const prunedOutput = new Float64Array(samples * stride);
      const inSupport = new Uint8Array(units);
      return (kept) => {
        const next = new Uint8Array(units);
        for (const j of kept) next[j] = 1;
        const changed: number[] = [];
        for (let j = 0; j < units; j++) if (next[j] !== inSupport[j]) changed.push(j);
        updateSupport(prunedOutput, changed, next);
        inSupport.set(next);
        let residualSq = 0;
        for (let i = 0; i < samples; i++) {
          for (let k = 0; k < outputs; k++) residualSq += (denseOutput[i * outputs + k] - prunedOutput[i * stride + k]) ** 2;
        }
        // Below round-off of U the residual is zero, so keeping everything reports exactly 0.
        const norm = residualSq <= 1e-12 * normSq ? 0 : Math.sqrt(residualSq);
        if (denseOutputNorm === 0) return norm === 0 ? 0 : Infinity;
        return norm / denseOutputNorm;
      };
    },
    keptActivations(kept) {
      return gatherColumns(hidden, samples, units, kept);
    },
    dispose() {
      products?.dispose();
    },
  };
}

/** The first `cols` columns of a row-major matrix with `stride` columns (element by element: rows of 10 are too short for subarray and set). */
function unpadRows(padded: Float64Array, rows: number, stride: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let c = 0; c < cols; c++) out[i * cols + c] = padded[i * stride + c];
  return out;
}

/**
 * `pruned[i, :] += H[i, j] V[j, :]` for the changed neurons entering the support (`entering[j]`),
 * `-=` for those leaving, in the order of `changed`, skipping zeros of H: the plain JavaScript
 * form of HiddenProducts.updateSupport (the same bits), where WebAssembly SIMD is missing.
 */
function updateSupportJs(
  hidden: Float32Array,
  samples: number,
  units: number,
  nextKernel: Float32Array,
  outputs: number,
  pruned: Float64Array,
  changed: readonly number[],
  entering: Uint8Array,
): void {
  for (let i = 0; i < samples; i++) {
    const row = i * units;
    const to = i * outputs;
    for (const j of changed) {
      const value = hidden[row + j];
      if (value === 0) continue;
      const signed = entering[j] ? value : -value;
      const from = j * outputs;
      for (let k = 0; k < outputs; k++) pruned[to + k] += signed * nextKernel[from + k];
    }
  }
}

/**
 * H = relu(A W + b) and its column sums. MNIST pixels and ReLU outputs are mostly zero, so the
 * sparse WASM SIMD kernel (kernels/sparse-relu-affine) does the work where WebAssembly SIMD
 * exists; elsewhere plain float64 loops that skip the zero inputs. `onRows` hears of each block
 * of rows of H once it is final (see RowsListener).
 */
export function hiddenRepresentation(
  inputs: Float32Array,
  samples: number,
  layer: DenseLayer,
  into?: Float32Array,
  onRows?: RowsListener,
): { hidden: Float32Array; hiddenSums: Float64Array } {
  const { units } = layer;
  if (sparseKernelAvailable()) {
    const { hidden, columnSums } = reluAffineDense(inputs, samples, layer.kernel, layer.bias, layer.inputSize, units, into, onRows);
    return { hidden, hiddenSums: columnSums };
  }
  const pre = affine(inputs, samples, layer);
  const hidden = into ?? new Float32Array(pre.length);
  const hiddenSums = new Float64Array(units);
  for (let m = 0; m < pre.length; m++) {
    hidden[m] = Math.max(0, pre[m]);
    hiddenSums[m % units] += hidden[m];
  }
  onRows?.(0, samples);
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
