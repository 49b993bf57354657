/**
 * Everything the worker keeps for the loaded model that does not change with the keep ratio:
 * the first hidden layer's pruning problem per calibration size, and the first hidden layer's
 * activations on the test images, so a new ratio costs a walk over cached activations and small
 * matmuls, not a forward pass over 10,000 images.
 *
 * The test activations are cached in one of two forms, chosen by the layer's width:
 * - small layers: dense, `test images x units` float32 (at most TEST_CACHE_MAX_VALUES values),
 *   except that a one-hidden-layer network keeps the sparse form below whenever it is smaller;
 * - wide layers (784-10000-10 would need 400 MB dense): their non-zeros only, in blocks of rows
 *   (core/model/sparse-activations), at most SPARSE_CACHE_MAX_BYTES. Past that cap the session
 *   keeps nothing and recomputes the kept neurons' activations exactly on each request, block by
 *   block, so no path ever holds `test images x units` values at once.
 * The cache is built block by block, yielding between blocks, so that a newer request or a cancel
 * gets in and progress can be shown.
 */
import * as tf from '@tensorflow/tfjs';
import { normalizedImages, type MnistSplit } from '../core/data/mnist';
import { throwIfCancelled, type CancelToken } from '../core/errors';
import { SparseReluAffine, sparseKernelAvailable } from '../core/kernels/sparse-relu-affine';
import { layerPreActivation, mlpLogits } from '../core/model/forward';
import { keepLayerOutputs, type DenseLayer, type Mlp } from '../core/model/mlp';
import {
  countArgmaxMatches,
  gatherBlockColumns,
  MAX_BLOCK_ROWS,
  mergeColumnBlocks,
  sparseColumnBlock,
  sparseColumnBlockBytes,
  SparseActivations,
  type SparseColumnBlock,
} from '../core/model/sparse-activations';
import { readValues } from '../core/tensor-read';
import { buildLayerProblem, gatherColumns, type LayerProblem } from '../core/pruning/layer-problem';

export type TestCacheKind = 'dense' | 'sparse' | 'none';

export interface ModelSession {
  readonly id: string;
  readonly dense: Mlp;
  readonly denseAccuracy: number;
  /** How the first layer's test activations are kept, and their bytes. */
  readonly testCache: { readonly kind: TestCacheKind; readonly bytes: number };
  firstLayerProblem(samples: number): LayerProblem;
  /** Whether `firstLayerProblem(samples)` is already built (else it costs a calibration pass). */
  hasFirstLayerProblem(samples: number): boolean;
  calibration(samples: number): Float32Array;
  /**
   * Test accuracy of a pruned network whose first layer keeps `firstKept` (ascending) of the
   * dense first layer's neurons with unchanged weights (selection and refit both leave layer 1
   * as it was; refit changes the later layers, which are read from `pruned`).
   */
  /** `signal` is checked between blocks of test images, so a long evaluation can give way. */
  prunedAccuracy(pruned: Mlp, firstKept: readonly number[], signal?: CancelToken): Promise<number>;
}

/**
 * Above this many values (test images x first-layer neurons, 4 bytes each) the dense cache is
 * not used: 2^25 values = 128 MB, which covers 784-2048-10 on 10,000 test images.
 */
export const TEST_CACHE_MAX_VALUES = 2 ** 25;

/**
 * The sparse cache's cap: 6 bytes per non-zero activation, so 384 MB holds 64 million of them,
 * 64% of a 10,000 x 10,000 layer (a trained 784-10000-10 ReLU network has about 22%). Together
 * with the rest of the worker (MNIST, the model, the calibration problem, tfjs) this stays well
 * under 1 GB.
 */
export const SPARSE_CACHE_MAX_BYTES = 384 * 2 ** 20;

/**
 * Rows per cached sparse block: build blocks (about 400 rows on a 10,000-unit layer) are merged
 * up to this, so that walking a column's non-zeros streams through a few long runs (measured on
 * mlp-10000: 17-21 ms per walk over 1,000 columns with 419-row blocks, 10 ms with 2,500 rows).
 */
export const MERGED_BLOCK_ROWS = 4096;

export interface SessionOptions {
  /** Dense cache up to this many values (default TEST_CACHE_MAX_VALUES). */
  readonly testCacheMaxValues?: number;
  /** Sparse cache up to this many bytes (default SPARSE_CACHE_MAX_BYTES); past it, none. */
  readonly sparseCacheMaxBytes?: number;
  /** Test images per block (default: about 16 MB of dense activations per block). */
  readonly blockRows?: number;
  readonly signal?: CancelToken;
  /** Fraction of the test images done, after each block. */
  readonly onProgress?: (fraction: number) => void;
  /** Awaited between blocks; the worker lets queued messages in there. */
  readonly yieldToEvents?: () => Promise<void>;
}

interface TestBlock {
  readonly start: number;
  readonly count: number;
}

/** Rows per block so that one block of dense activations is about 16 MB. */
export function defaultBlockRows(units: number): number {
  return Math.max(64, Math.min(4096, Math.floor(2 ** 22 / Math.max(1, units))));
}

/**
 * Builds the session: one pass over the test images through the first layer, block by block,
 * giving the dense accuracy and the test-activation cache. Rejects with a CancelledError when
 * `signal` is aborted (checked between blocks).
 */
export async function createModelSession(
  id: string,
  dense: Mlp,
  train: MnistSplit,
  test: MnistSplit,
  testImages: Float32Array,
  options: SessionOptions = {},
): Promise<ModelSession> {
  const first = dense.layers[0];
  const { units, inputSize } = first;
  const rows = test.count;
  const outputs = dense.layers[dense.layers.length - 1].units;
  const oneHidden = dense.layers.length === 2;
  const denseRest: Mlp = { layers: dense.layers.slice(1) };
  const blockRows = Math.min(MAX_BLOCK_ROWS, Math.max(1, Math.floor(options.blockRows ?? defaultBlockRows(units))));
  const sparseCap = options.sparseCacheMaxBytes ?? SPARSE_CACHE_MAX_BYTES;
  const yieldToEvents = options.yieldToEvents ?? (() => Promise.resolve());

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

  const kernelAvailable = sparseKernelAvailable();
  const blockInputs: TestBlock[] = [];
  for (let start = 0; start < rows; start += blockRows) blockInputs.push({ start, count: Math.min(blockRows, rows - start) });
  /** relu(X W + b) for one block of test images, row-major `count x layer.units` (the sparse kernel skips zero pixels). */
  const blockActivations = async (block: TestBlock, layer: DenseLayer, packed: SparseReluAffine | null): Promise<Float32Array> => {
    const images = testImages.subarray(block.start * inputSize, (block.start + block.count) * inputSize);
    if (packed) return packed.applyDense(images, block.count).hidden;
    return readValues(() => tf.relu(layerPreActivation(tf.tensor2d(images, [block.count, inputSize]), layer)));
  };
  const correctOf = async (rest: Mlp, activations: Float32Array, block: TestBlock, width: number): Promise<number> => {
    const logits = await readValues(() => mlpLogits(rest, tf.tensor2d(activations, [block.count, width])));
    return countArgmaxMatches(logits, block.count, outputs, test.labels, block.start);
  };

  // One pass: dense accuracy, and the cache in whichever form fits. A one-hidden-layer network
  // is scored from the sparse cache whenever it is the smaller one: a slider move then walks
  // min(kept, pruned) neurons' non-zeros (3% of a sparse-trained 784-1024-10's activations)
  // instead of gathering the kept columns and running a dense matmul over 10,000 images.
  const fitsDense = units * rows <= (options.testCacheMaxValues ?? TEST_CACHE_MAX_VALUES);
  let denseValues = fitsDense ? new Float32Array(rows * units) : null;
  let sparse: SparseActivations | null = !fitsDense || oneHidden ? new SparseActivations(units) : null;
  const referenceOutputs = sparse && oneHidden ? new Float64Array(rows * outputs) : null;
  let denseCorrect = 0;
  // Build blocks are merged into blocks of up to MERGED_BLOCK_ROWS rows before they are cached.
  const pending: SparseColumnBlock[] = [];
  let pendingRows = 0;
  let pendingBytes = 0;
  const appendPending = (cache: SparseActivations) => {
    cache.append(mergeColumnBlocks(pending));
    pending.length = 0;
    pendingRows = 0;
    pendingBytes = 0;
  };
  const packed = kernelAvailable ? new SparseReluAffine(first.kernel, first.bias, inputSize, units) : null;
  try {
    for (const [index, block] of blockInputs.entries()) {
      if (index > 0) await yieldToEvents();
      throwIfCancelled(options.signal);
      const hidden = await blockActivations(block, first, packed);
      const logits = await readValues(() => mlpLogits(denseRest, tf.tensor2d(hidden, [block.count, units])));
      denseCorrect += countArgmaxMatches(logits, block.count, outputs, test.labels, block.start);
      if (denseValues) denseValues.set(hidden, block.start * units);
      if (sparse) {
        const columns = sparseColumnBlock(hidden, block.count, units);
        pendingBytes += sparseColumnBlockBytes(columns);
        if (sparse.bytes + pendingBytes > sparseCap) {
          sparse = null;
          pending.length = 0;
        } else {
          pending.push(columns);
          pendingRows += block.count;
          if (pendingRows + blockRows > MERGED_BLOCK_ROWS || block.start + block.count === rows) appendPending(sparse);
        }
      }
      referenceOutputs?.set(logits, block.start * outputs);
      options.onProgress?.((block.start + block.count) / rows);
    }
  } finally {
    packed?.dispose();
  }
  if (denseValues && sparse) {
    if (sparse.bytes < denseValues.byteLength) denseValues = null;
    else sparse = null;
  }
  if (sparse && referenceOutputs) sparse.setReference(dense.layers[1].kernel, dense.layers[1].bias, referenceOutputs);
  const cachedSparse = sparse;
  const cachedDense = denseValues;
  /** The scores of all test images, rewritten by each one-hidden-layer evaluation. */
  const scores = cachedSparse && oneHidden ? new Float64Array(rows * outputs) : null;

  const prunedAccuracy = async (pruned: Mlp, firstKept: readonly number[], signal?: CancelToken): Promise<number> => {
    const rest: Mlp = { layers: pruned.layers.slice(1) };
    const width = firstKept.length;
    let correct = 0;
    if (cachedDense) {
      correct = await correctOf(rest, gatherColumns(cachedDense, rows, units, firstKept), { start: 0, count: rows }, width);
    } else if (cachedSparse && rest.layers.length === 1) {
      correct = countArgmaxMatches(cachedSparse.linearOutputs(firstKept, rest.layers[0], signal, scores ?? undefined), rows, outputs, test.labels);
    } else if (cachedSparse) {
      let start = 0;
      for (const block of cachedSparse.blocks) {
        throwIfCancelled(signal);
        correct += await correctOf(rest, gatherBlockColumns(block, firstKept), { start, count: block.rows }, width);
        start += block.rows;
      }
    } else {
      const keptLayer = width === units ? first : keepLayerOutputs(first, firstKept);
      const keptPacked = kernelAvailable ? new SparseReluAffine(keptLayer.kernel, keptLayer.bias, inputSize, width) : null;
      try {
        for (const block of blockInputs) {
          throwIfCancelled(signal);
          correct += await correctOf(rest, await blockActivations(block, keptLayer, keptPacked), block, width);
        }
      } finally {
        keptPacked?.dispose();
      }
    }
    return correct / rows;
  };

  return {
    id,
    dense,
    denseAccuracy: denseCorrect / rows,
    testCache: cachedDense
      ? { kind: 'dense', bytes: cachedDense.byteLength }
      : cachedSparse
        ? { kind: 'sparse', bytes: cachedSparse.bytes }
        : { kind: 'none', bytes: 0 },
    calibration,
    firstLayerProblem(samples) {
      let problem = problems.get(samples);
      if (!problem) {
        problem = buildLayerProblem(calibration(samples), samples, first, dense.layers[1]);
        problem.prepareForReuse();
        problems.clear();
        problems.set(samples, problem);
      }
      return problem;
    },
    hasFirstLayerProblem(samples) {
      return problems.has(samples);
    },
    prunedAccuracy,
  };
}
