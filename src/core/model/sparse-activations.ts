/**
 * A hidden layer's activations on a fixed set of inputs (the 10,000 MNIST test images) stored as
 * their non-zeros only, so that a wide layer's test activations fit in memory: a 784-10000-10
 * ReLU network has about a fifth of them non-zero, 130 MB at 6 bytes each instead of 400 MB dense.
 *
 * Rows are split into blocks; each block keeps its non-zeros column by column (CSC), so the
 * kept neurons' contributions to the next layer cost a walk over exactly their non-zeros. Row
 * offsets inside a block are 16-bit, which bounds a block at 65,536 rows.
 *
 * Plain typed arrays, no tensors: runs in Node, in the worker and in tests. Where WebAssembly
 * SIMD exists the blocks live in a ColumnWalker's memory and the walk runs there (the same bits).
 */
import { DataFormatError, throwIfCancelled, type CancelToken } from '../errors';
import { ColumnWalker } from '../kernels/float64-products';

export const MAX_BLOCK_ROWS = 65536;

/** One block of rows of a `rows x units` activation matrix, non-zeros only, column by column. */
export interface SparseColumnBlock {
  readonly rows: number;
  readonly units: number;
  /** `units + 1` offsets: column j's entries are `[columnStart[j], columnStart[j + 1])`. */
  readonly columnStart: Int32Array;
  /** Row of each entry within the block, ascending within a column. */
  readonly rowIndex: Uint16Array;
  readonly values: Float32Array;
}

/** The non-zeros of a dense row-major `rows x units` block (NaNs count as non-zero and are kept). */
export function sparseColumnBlock(hidden: Float32Array, rows: number, units: number): SparseColumnBlock {
  if (!Number.isInteger(rows) || rows < 0 || rows > MAX_BLOCK_ROWS || !Number.isInteger(units) || units < 0) {
    throw new DataFormatError(`sparseColumnBlock: rows must be an integer in 0..${MAX_BLOCK_ROWS} and units a non-negative integer, got ${rows} x ${units}`);
  }
  if (hidden.length !== rows * units) throw new DataFormatError(`sparseColumnBlock: expected ${rows} x ${units} = ${rows * units} values, got ${hidden.length}`);
  const columnStart = new Int32Array(units + 1);
  for (let i = 0; i < rows; i++) {
    const base = i * units;
    for (let j = 0; j < units; j++) if (hidden[base + j] !== 0) columnStart[j + 1]++;
  }
  for (let j = 0; j < units; j++) columnStart[j + 1] += columnStart[j];
  const count = columnStart[units];
  const rowIndex = new Uint16Array(count);
  const values = new Float32Array(count);
  const next = columnStart.slice(0, units);
  for (let i = 0; i < rows; i++) {
    const base = i * units;
    for (let j = 0; j < units; j++) {
      const h = hidden[base + j];
      if (h !== 0) {
        const e = next[j]++;
        rowIndex[e] = i;
        values[e] = h;
      }
    }
  }
  return { rows, units, columnStart, rowIndex, values };
}

/**
 * Consecutive blocks (rows in order, same units) as one block: each column's entries from the
 * first block, then the second, ... with rows offset, so rows stay ascending within a column.
 * Fewer, taller blocks make a walk over a column's non-zeros one stream instead of many jumps.
 */
export function mergeColumnBlocks(blocks: readonly SparseColumnBlock[]): SparseColumnBlock {
  if (blocks.length === 1) return blocks[0];
  const units = blocks[0]?.units ?? 0;
  let rows = 0;
  for (const block of blocks) {
    if (block.units !== units) throw new DataFormatError(`mergeColumnBlocks: blocks of ${units} and ${block.units} units`);
    rows += block.rows;
  }
  if (rows > MAX_BLOCK_ROWS) throw new DataFormatError(`mergeColumnBlocks: ${rows} rows, more than ${MAX_BLOCK_ROWS}`);
  const columnStart = new Int32Array(units + 1);
  for (const block of blocks) for (let j = 0; j < units; j++) columnStart[j + 1] += block.columnStart[j + 1] - block.columnStart[j];
  for (let j = 0; j < units; j++) columnStart[j + 1] += columnStart[j];
  const rowIndex = new Uint16Array(columnStart[units]);
  const values = new Float32Array(columnStart[units]);
  const next = columnStart.slice(0, units);
  let offset = 0;
  for (const block of blocks) {
    for (let j = 0; j < units; j++) {
      const from = block.columnStart[j];
      const end = block.columnStart[j + 1];
      let to = next[j];
      for (let e = from; e < end; e++, to++) rowIndex[to] = block.rowIndex[e] + offset;
      values.set(block.values.subarray(from, end), next[j]);
      next[j] = to;
    }
    offset += block.rows;
  }
  return { rows, units, columnStart, rowIndex, values };
}

export function sparseColumnBlockBytes(block: SparseColumnBlock): number {
  return block.columnStart.byteLength + block.rowIndex.byteLength + block.values.byteLength;
}

/** Bytes a block of `rows x units` with `nonZeros` non-zeros takes (for caps decided before building). */
export function sparseColumnBytesFor(units: number, nonZeros: number): number {
  return (units + 1) * 4 + nonZeros * 6;
}

/** `H[:, columns]` of the block, dense row-major `rows x columns.length`. */
export function gatherBlockColumns(block: SparseColumnBlock, columns: readonly number[]): Float32Array {
  const width = columns.length;
  const out = new Float32Array(block.rows * width);
  const { columnStart, rowIndex, values } = block;
  for (let k = 0; k < width; k++) {
    const j = columns[k];
    const end = columnStart[j + 1];
    for (let e = columnStart[j]; e < end; e++) out[rowIndex[e] * width + k] = values[e];
  }
  return out;
}

/**
 * `out[r, c] += sign * sum_k H[r, columns[k]] * weights[row(k), c]` for the block's rows, with
 * `out` row-major `rows x outputs` in float64 and `row(k) = k` (weights in the order of
 * `columns`, as a pruned next layer has them) or `row(k) = columns[k]` with `byColumn` (the
 * dense next layer). Each product is the exact float32 product; only the summation order
 * differs from a dense matmul. Cost: the listed columns' non-zeros times `outputs`.
 */
export function accumulateColumns(
  block: SparseColumnBlock,
  columns: ArrayLike<number>,
  weights: ArrayLike<number>,
  outputs: number,
  out: Float64Array,
  options: { readonly sign?: 1 | -1; readonly byColumn?: boolean } = {},
): void {
  const sign = options.sign ?? 1;
  const byColumn = options.byColumn ?? false;
  const { columnStart, rowIndex, values } = block;
  if (out.length < block.rows * outputs) throw new DataFormatError(`accumulateColumns: out holds ${out.length} values, needs ${block.rows * outputs}`);
  const row = new Float64Array(outputs);
  for (let k = 0; k < columns.length; k++) {
    const j = columns[k];
    const start = columnStart[j];
    const end = columnStart[j + 1];
    if (start === end) continue;
    const w = (byColumn ? j : k) * outputs;
    if (outputs === 10) {
      // MNIST's ten classes: weights in locals, one pass over the column's non-zeros.
      addColumn10(rowIndex, values, start, end, out, sign * weights[w], sign * weights[w + 1], sign * weights[w + 2], sign * weights[w + 3], sign * weights[w + 4],
        sign * weights[w + 5], sign * weights[w + 6], sign * weights[w + 7], sign * weights[w + 8], sign * weights[w + 9]);
    } else {
      for (let c = 0; c < outputs; c++) row[c] = sign * weights[w + c];
      for (let e = start; e < end; e++) {
        const h = values[e];
        const o = rowIndex[e] * outputs;
        for (let c = 0; c < outputs; c++) out[o + c] += h * row[c];
      }
    }
  }
}

function addColumn10(
  rowIndex: Uint16Array,
  values: Float32Array,
  start: number,
  end: number,
  out: Float64Array,
  v0: number, v1: number, v2: number, v3: number, v4: number, v5: number, v6: number, v7: number, v8: number, v9: number,
): void {
  for (let e = start; e < end; e++) {
    const h = values[e];
    const o = rowIndex[e] * 10;
    out[o] += h * v0;
    out[o + 1] += h * v1;
    out[o + 2] += h * v2;
    out[o + 3] += h * v3;
    out[o + 4] += h * v4;
    out[o + 5] += h * v5;
    out[o + 6] += h * v6;
    out[o + 7] += h * v7;
    out[o + 8] += h * v8;
    out[o + 9] += h * v9;
  }
}

/** How many rows of row-major `rows x outputs` scores have their largest score (first on ties) at `labels[offset + r]`. */
export function countArgmaxMatches(scores: ArrayLike<number>, rows: number, outputs: number, labels: ArrayLike<number>, offset = 0): number {
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * outputs;
    let best = 0;
    let bestScore = scores[base];
    for (let c = 1; c < outputs; c++) {
      if (scores[base + c] > bestScore) {
        bestScore = scores[base + c];
        best = c;
      }
    }
    if (best === labels[offset + r]) correct++;
  }
  return correct;
}

/** The layer after the cached one, when it is the network's output layer (no activation needed for argmax). */
export interface LinearReadout {
  /** Row-major `columns.length x outputs`, rows in the order of the kept columns. */
  readonly kernel: ArrayLike<number>;
  readonly bias: ArrayLike<number>;
}

/**
 * The cached activations of one layer over all inputs, block after block, plus (optionally) a
 * reference: the dense next layer and its outputs over all inputs. With a reference, a kept set
 * whose next-layer rows are the dense ones (pruning without refit) is scored as the dense
 * outputs minus the pruned neurons' contributions when that walks fewer non-zeros, so the cost
 * is set by min(kept, pruned) rather than by the kept count.
 */
export class SparseActivations {
  readonly units: number;
  private readonly blockList: SparseColumnBlock[] = [];
  /** Holds the blocks instead of blockList where WebAssembly SIMD exists. */
  private readonly walker: ColumnWalker | null;
  /** Non-zeros per unit over all blocks: the cost of walking that unit's column. */
  readonly columnNonZeros: Float64Array;
  private totalRows = 0;
  private totalBytes = 0;
  private reference: { kernel: Float32Array; bias: Float32Array; outputs: Float64Array; width: number } | null = null;

  /** `options.kernel: false` keeps the blocks in JavaScript and walks them there (for tests). */
  constructor(units: number, options: { readonly kernel?: boolean } = {}) {
    this.units = units;
    this.columnNonZeros = new Float64Array(units);
    this.walker = options.kernel === false ? null : ColumnWalker.create();
  }

  get rows(): number {
    return this.totalRows;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** The blocks, in row order (views that a later `append` replaces). */
  get blocks(): readonly SparseColumnBlock[] {
    return this.walker ? this.walker.blocks() : this.blockList;
  }

  append(block: SparseColumnBlock): void {
    if (block.units !== this.units) throw new DataFormatError(`SparseActivations: block has ${block.units} units, the cache ${this.units}`);
    if (this.walker) this.walker.store(block);
    else this.blockList.push(block);
    this.totalRows += block.rows;
    this.totalBytes += sparseColumnBlockBytes(block);
    for (let j = 0; j < this.units; j++) this.columnNonZeros[j] += block.columnStart[j + 1] - block.columnStart[j];
  }

  /**
   * The dense next layer (`units x width` kernel, bias) and its outputs over all cached rows
   * (row-major `rows x width`, as the caller computed them), for `linearOutputs`' shortcut.
   */
  setReference(kernel: Float32Array, bias: Float32Array, outputs: Float64Array): void {
    const width = bias.length;
    if (kernel.length !== this.units * width || outputs.length !== this.totalRows * width) {
      throw new DataFormatError(`SparseActivations.setReference: expected a ${this.units} x ${width} kernel and ${this.totalRows} x ${width} outputs`);
    }
    this.reference = { kernel, bias, outputs, width };
  }

  /**
   * `bias + H[:, columns] kernel` over all cached rows, row-major `rows x outputs` in float64,
   * for `columns` ascending and distinct and `kernel` rows in the same order. Written into `into`
   * when given (a buffer of that size kept by the caller: a slider move then allocates nothing
   * the size of the test set).
   */
  linearOutputs(columns: readonly number[], readout: LinearReadout, signal?: CancelToken, into?: Float64Array): Float64Array {
    const outputs = readout.bias.length;
    if (readout.kernel.length !== columns.length * outputs) {
      throw new DataFormatError(`SparseActivations.linearOutputs: kernel holds ${readout.kernel.length} values, expected ${columns.length} x ${outputs}`);
    }
    const complement = this.complementOf(columns, readout);
    if (into && into.length !== this.totalRows * outputs) throw new DataFormatError(`SparseActivations.linearOutputs: into holds ${into.length} values, needs ${this.totalRows * outputs}`);
    const result = into ?? new Float64Array(this.totalRows * outputs);
    if (complement) {
      result.set(this.reference!.outputs);
    } else {
      for (let r = 0; r < this.totalRows; r++) for (let c = 0; c < outputs; c++) result[r * outputs + c] = readout.bias[c];
    }
    throwIfCancelled(signal);
    if (this.walker) {
      if (complement) this.walker.accumulate(complement, this.reference!.kernel, outputs, result, -1, true);
      else this.walker.accumulate(columns, readout.kernel, outputs, result, 1, false);
      return result;
    }
    let offset = 0;
    for (const block of this.blockList) {
      throwIfCancelled(signal);
      const out = result.subarray(offset * outputs, (offset + block.rows) * outputs);
      if (complement) accumulateColumns(block, complement, this.reference!.kernel, outputs, out, { sign: -1, byColumn: true });
      else accumulateColumns(block, columns, readout.kernel, outputs, out);
      offset += block.rows;
    }
    return result;
  }

  /** The pruned units when subtracting them from the reference is exact and cheaper; else null. */
  private complementOf(columns: readonly number[], readout: LinearReadout): number[] | null {
    const reference = this.reference;
    const outputs = readout.bias.length;
    if (!reference || reference.width !== outputs) return null;
    for (let c = 0; c < outputs; c++) if (readout.bias[c] !== reference.bias[c]) return null;
    const kept = new Uint8Array(this.units);
    let keptCost = 0;
    for (let k = 0; k < columns.length; k++) {
      const j = columns[k];
      kept[j] = 1;
      keptCost += this.columnNonZeros[j];
      for (let c = 0; c < outputs; c++) if (readout.kernel[k * outputs + c] !== reference.kernel[j * outputs + c]) return null;
    }
    let total = 0;
    for (let j = 0; j < this.units; j++) total += this.columnNonZeros[j];
    if (total - keptCost >= keptCost) return null;
    const pruned: number[] = [];
    for (let j = 0; j < this.units; j++) if (!kept[j]) pruned.push(j);
    return pruned;
  }
}
