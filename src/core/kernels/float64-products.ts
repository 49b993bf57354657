/**
 * The layer problem's float64 products on WebAssembly SIMD (float64-products.wat): `U = H V` and
 * the residual tracker's support updates `P += H[:, j] (±V[j, :])`, bit for bit what the plain
 * JavaScript loops compute (same float64 operations in the same order; only the SIMD lanes,
 * which are output columns, run side by side), at several times their speed.
 *
 * A `HiddenProducts` owns one WebAssembly memory laid out once and never grown, so `hidden`,
 * a view of H inside it, stays valid for the object's life: the calibration pass writes H there
 * directly and the products read it without a copy.
 *
 * A `ColumnWalker` holds cached activations column by column (core/model/sparse-activations) in
 * its own memory and adds listed columns' contributions to the next layer's outputs, the same
 * bits as `accumulateColumns`: the accuracy of a pruned one-hidden-layer network on 10,000 test
 * images without leaving WebAssembly.
 */
import type { SparseColumnBlock } from '../model/sparse-activations';
import { COMPACT_SELECTOR_BYTES, COMPACT_SELECTORS } from './compact-selectors';
import { FLOAT64_PRODUCTS_WASM_BASE64 } from './generated/float64-products.wasm';

/** Output columns per strip of packed V: six f64x2 accumulators. */
export const PRODUCT_STRIP_WIDTH = 12;
const STRIP_ROW_BYTES = PRODUCT_STRIP_WIDTH * 8;
const PAGE_BYTES = 65536;
/** Offsets are passed as i32; larger problems keep to the JavaScript loops. */
const MAX_MEMORY_BYTES = 2 ** 31 - PAGE_BYTES;
/** Room for H's column form is reserved (untouched pages cost no memory) up to this size. */
const MAX_WITH_COLUMNS_BYTES = 2 ** 30;
/**
 * Rows per call of the kernels that pass over all of H once: V8 runs a WebAssembly function's
 * first calls unoptimized (Liftoff) and switches to optimized code between calls, never within
 * one, so one long call would run unoptimized throughout.
 */
const ROWS_PER_CALL = 32;
/** Rows of a column-form block are 16-bit. */
const MAX_COLUMN_ROWS = 65536;

interface ProductExports {
  accumulate(colStart: number, rowIndex: number, values: number, list: number, count: number, out: number, rowBytes: number, strips: number): void;
  products(h: number, rows: number, inner: number, v: number, stripBytes: number, strips: number, u: number, scratch: number, select: number): void;
  update(h: number, rows: number, inner: number, v: number, stripBytes: number, strips: number, list: number, count: number, p: number): void;
  column_counts(h: number, rows: number, inner: number, colStart: number): void;
  column_starts(inner: number, colStart: number, next: number): void;
  column_fill(h: number, row0: number, rows: number, inner: number, rowIndex: number, values: number, next: number): void;
  importance(v: number, units: number, outputs: number, sums: number, mask: number, projected: number, out: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

function productsModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  if (typeof WebAssembly === 'object') {
    const binary = atob(FLOAT64_PRODUCTS_WASM_BASE64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    if (WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
  }
  return compiled;
}

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/** A disposed problem's memory up to this size is kept for the next one (see HiddenProducts.dispose). */
const SPARE_MAX_BYTES = 128 * 2 ** 20;
let spare: { readonly memory: WebAssembly.Memory; readonly exports: ProductExports } | undefined;

/** The spare memory grown to at least `bytes`, or undefined where there is none or it cannot grow. */
function takeSpare(bytes: number): { memory: WebAssembly.Memory; exports: ProductExports } | undefined {
  const taken = spare;
  spare = undefined;
  if (!taken) return undefined;
  const missing = Math.ceil((bytes - taken.memory.buffer.byteLength) / PAGE_BYTES);
  try {
    if (missing > 0) taken.memory.grow(missing);
  } catch {
    return undefined;
  }
  return taken;
}

export class HiddenProducts {
  /** H, row-major `samples x units`, inside the kernel's memory: fill it before any product. */
  readonly hidden: Float32Array;
  /** Row stride of `U` and `P` as this object lays them out: `outputs` rounded up to whole strips. */
  readonly paddedOutputs: number;
  private readonly exports: ProductExports;
  private readonly memory: WebAssembly.Memory;
  private readonly strips: number;
  private readonly stripBytes: number;
  private readonly vAt: number;
  private readonly uAt: number;
  private readonly pAt: number;
  private readonly listAt: number;
  private readonly scratchAt: number;
  private readonly selectAt: number;
  private readonly importanceLayout: { readonly sums: number; readonly mask: number; readonly projected: number; readonly out: number };
  /** H column by column (CSC), once `walkColumns()` asked for it; null where there is no room. */
  private readonly columnsAt: { readonly start: number; readonly rows: number; readonly values: number } | null;
  private columnsBuilt = false;
  private disposed = false;
  /** Rows of U computed so far (see denseOutputUpTo). */
  private outputRows = 0;

  private constructor(
    module: WebAssembly.Module,
    readonly samples: number,
    readonly units: number,
    readonly outputs: number,
    nextKernel: Float32Array,
  ) {
    this.strips = Math.ceil(outputs / PRODUCT_STRIP_WIDTH);
    this.paddedOutputs = this.strips * PRODUCT_STRIP_WIDTH;
    this.stripBytes = units * STRIP_ROW_BYTES;
    const layout = HiddenProducts.layout(samples, units, outputs);
    this.vAt = layout.vAt;
    this.uAt = layout.uAt;
    this.pAt = layout.pAt;
    this.listAt = layout.listAt;
    this.scratchAt = layout.scratchAt;
    this.selectAt = layout.selectAt;
    this.columnsAt = layout.columns;
    this.importanceLayout = { sums: layout.sumsAt, mask: layout.maskAt, projected: layout.projectedAt, out: layout.importanceAt };
    const reused = takeSpare(layout.bytes);
    this.memory = reused?.memory ?? new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(layout.bytes / PAGE_BYTES)) });
    this.exports = reused?.exports ?? (new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as ProductExports);
    this.hidden = new Float32Array(this.memory.buffer, 0, samples * units);
    new Uint8Array(this.memory.buffer, this.selectAt, COMPACT_SELECTOR_BYTES).set(COMPACT_SELECTORS);
    // V in strips of 12 doubles per row, then the same negated (a leaving neuron's rows). The
    // padding lanes past `outputs` must be zero: a reused memory holds the last problem's values.
    const packed = new Float64Array(this.memory.buffer, this.vAt, 2 * this.strips * units * PRODUCT_STRIP_WIDTH);
    if (reused) packed.fill(0);
    const negatedAt = this.strips * units * PRODUCT_STRIP_WIDTH;
    for (let s = 0; s < this.strips; s++) {
      const first = s * PRODUCT_STRIP_WIDTH;
      const width = Math.min(PRODUCT_STRIP_WIDTH, outputs - first);
      for (let j = 0, at = s * units * PRODUCT_STRIP_WIDTH, from = first; j < units; j++, at += PRODUCT_STRIP_WIDTH, from += outputs) {
        for (let k = 0; k < width; k++) {
          const value = nextKernel[from + k];
          packed[at + k] = value;
          packed[negatedAt + at + k] = -value;
        }
      }
    }
  }

  private static layout(samples: number, units: number, outputs: number) {
    const strips = Math.ceil(outputs / PRODUCT_STRIP_WIDTH);
    const vAt = align(samples * units * 4);
    const uAt = align(vAt + 2 * strips * units * STRIP_ROW_BYTES);
    const pAt = align(uAt + samples * strips * STRIP_ROW_BYTES);
    const listAt = align(pAt + samples * strips * STRIP_ROW_BYTES);
    const scratchAt = align(listAt + units * 8);
    const selectAt = align(scratchAt + (units + 1) * 8);
    // importance(): hbar, the support mask, projected, z.
    const sumsAt = align(selectAt + COMPACT_SELECTOR_BYTES);
    const maskAt = align(sumsAt + units * 8);
    const projectedAt = align(maskAt + units);
    const importanceAt = align(projectedAt + STRIP_ROW_BYTES);
    const end = importanceAt + units * 8;
    // The column walk reads whole V rows, so it needs V's rows in one strip (12 outputs or fewer).
    const start = align(end);
    const rows = align(start + (units + 1) * 4);
    const values = align(rows + samples * units * 2);
    const withColumns = values + samples * units * 4;
    const columns = strips === 1 && samples <= MAX_COLUMN_ROWS && withColumns <= MAX_WITH_COLUMNS_BYTES ? { start, rows, values } : null;
    return { vAt, uAt, pAt, listAt, scratchAt, selectAt, sumsAt, maskAt, projectedAt, importanceAt, columns, bytes: columns ? withColumns : end };
  }

  /**
   * The products for `samples x units` H and the next kernel V (`units x outputs`, row-major,
   * copied now), or null where WebAssembly SIMD is missing or the problem is beyond 2 GiB.
   */
  static create(samples: number, units: number, nextKernel: Float32Array, outputs: number): HiddenProducts | null {
    const module = productsModule();
    if (!module || HiddenProducts.layout(samples, units, outputs).bytes > MAX_MEMORY_BYTES) return null;
    return new HiddenProducts(module, samples, units, outputs, nextKernel);
  }

  /**
   * Hands this object's memory to the next `HiddenProducts` created (its pages are mapped
   * already: a fresh memory costs a page fault per 4 KiB on first touch, ~1000 for H of 1000 x
   * 1024, and a garbage collection for the external memory). `hidden` and every other method
   * must not be used afterwards: the next owner overwrites the memory.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const bytes = this.memory.buffer.byteLength;
    if (bytes <= SPARE_MAX_BYTES && (!spare || spare.memory.buffer.byteLength < bytes)) spare = { memory: this.memory, exports: this.exports };
  }

  /**
   * Computes rows of `U = H V` up to `rowEnd` (exclusive) that are not computed yet: H's rows
   * below `rowEnd` must be final. Lets U follow the calibration pass block by block.
   */
  denseOutputUpTo(rowEnd: number): void {
    const { units, strips } = this;
    const rowBytes = strips * STRIP_ROW_BYTES;
    const end = Math.min(rowEnd, this.samples);
    for (let r0 = this.outputRows; r0 < end; r0 += ROWS_PER_CALL) {
      const rows = Math.min(ROWS_PER_CALL, end - r0);
      this.exports.products(r0 * units * 4, rows, units, this.vAt, this.stripBytes, strips, this.uAt + r0 * rowBytes, this.scratchAt, this.selectAt);
    }
    this.outputRows = Math.max(this.outputRows, end);
  }

  /** `U = H V`, row-major `samples x paddedOutputs` (padding columns zero); a new array. */
  denseOutputPadded(): Float64Array {
    this.denseOutputUpTo(this.samples);
    return new Float64Array(this.memory.buffer, this.uAt, this.samples * this.paddedOutputs).slice();
  }

  /**
   * `z = V V^T (hbar - hbar_S)` for `hbar = hiddenSums` and `S = kept`: the same bits as
   * ispaspImportance, or null where V has more than one strip of outputs (then use that).
   */
  importance(hiddenSums: ArrayLike<number>, kept: readonly number[]): Float64Array | null {
    if (this.strips !== 1) return null;
    const { units } = this;
    const at = this.importanceLayout;
    const buffer = this.memory.buffer;
    new Float64Array(buffer, at.sums, units).set(hiddenSums);
    const mask = new Uint8Array(buffer, at.mask, units);
    mask.fill(0);
    for (const j of kept) mask[j] = 1;
    this.exports.importance(this.vAt, units, this.outputs, at.sums, at.mask, at.projected, at.out);
    return new Float64Array(buffer, at.out, units).slice();
  }

  /**
   * From now on, support updates walk H column by column (built now, once: a pass over H), which
   * costs only the changed neurons' non-zeros; worth it for a problem used again and again (the
   * worker's cached first layer). No effect where there is no room for the column form.
   */
  walkColumns(): void {
    const at = this.columnsAt;
    if (!at || this.columnsBuilt) return;
    const { samples, units } = this;
    new Int32Array(this.memory.buffer, at.start, units + 1).fill(0);
    for (let r0 = 0; r0 < samples; r0 += ROWS_PER_CALL) this.exports.column_counts(r0 * units * 4, Math.min(ROWS_PER_CALL, samples - r0), units, at.start);
    this.exports.column_starts(units, at.start, this.scratchAt);
    for (let r0 = 0; r0 < samples; r0 += ROWS_PER_CALL) {
      this.exports.column_fill(r0 * units * 4, r0, Math.min(ROWS_PER_CALL, samples - r0), units, at.rows, at.values, this.scratchAt);
    }
    this.columnsBuilt = true;
  }

  /**
   * `P[i, :] += H[i, j] V[j, :]` for each `j` of `changed` with `entering[j]` set, and
   * `-= ...` for the others, in the order of `changed`; `prunedOutput` is row-major
   * `samples x paddedOutputs` and is updated in place. The same bits by rows or by columns:
   * each element of P gets the same products in the same order.
   */
  updateSupport(prunedOutput: Float64Array, changed: readonly number[], entering: Uint8Array): void {
    const count = changed.length;
    if (count === 0) return;
    const { samples, units, strips } = this;
    const list = new Int32Array(this.memory.buffer, this.listAt, 2 * count);
    const negated = strips * this.stripBytes;
    const columns = this.columnsBuilt ? this.columnsAt : null;
    for (let e = 0; e < count; e++) {
      const j = changed[e];
      const row = j * STRIP_ROW_BYTES + (entering[j] ? 0 : negated);
      list[2 * e] = columns ? j : 4 * j;
      list[2 * e + 1] = columns ? this.vAt + row : row;
    }
    const p = new Float64Array(this.memory.buffer, this.pAt, samples * this.paddedOutputs);
    p.set(prunedOutput);
    if (columns) this.exports.accumulate(columns.start, columns.rows, columns.values, this.listAt, count, this.pAt, this.paddedOutputs * 8, strips);
    else this.exports.update(0, samples, units, this.vAt, this.stripBytes, strips, this.listAt, count, this.pAt);
    prunedOutput.set(p);
  }
}

/** Where a stored block lives in a ColumnWalker's memory. */
interface StoredBlock {
  readonly rows: number;
  readonly units: number;
  readonly entries: number;
  readonly columnStartAt: number;
  readonly rowIndexAt: number;
  readonly valuesAt: number;
}

/**
 * Blocks of column-wise cached activations in one growing WebAssembly memory, and the walk
 * that adds listed columns times weight rows to row-major float64 outputs.
 */
export class ColumnWalker {
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly exports: ProductExports;
  private readonly stored: StoredBlock[] = [];
  private used = 0;
  private views: SparseColumnBlock[] = [];
  private viewsOf: ArrayBuffer | null = null;
  private totalRows = 0;
  /** The scratch region (outputs, list, weight rows) and the sizes it was laid out for. */
  private scratch: { at: number; rows: number; units: number; strips: number } | null = null;

  private constructor(module: WebAssembly.Module) {
    this.exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as ProductExports;
  }

  /** A walker, or null where WebAssembly SIMD is missing. */
  static create(): ColumnWalker | null {
    const module = productsModule();
    return module ? new ColumnWalker(module) : null;
  }

  private reserve(bytes: number): void {
    if (bytes > MAX_MEMORY_BYTES) throw new RangeError(`the cached activations need ${(bytes / 2 ** 20).toFixed(0)} MiB of WebAssembly memory, more than 2 GiB`);
    const missing = Math.ceil((bytes - this.memory.buffer.byteLength) / PAGE_BYTES);
    if (missing > 0) this.memory.grow(missing);
  }

  /** Copies `block` in; `blocks()` then returns views of every stored block. */
  store(block: SparseColumnBlock): void {
    const entries = block.values.length;
    const columnStartAt = align(this.used);
    const rowIndexAt = align(columnStartAt + block.columnStart.byteLength);
    const valuesAt = align(rowIndexAt + entries * 2);
    this.used = valuesAt + entries * 4;
    this.scratch = null;
    this.reserve(this.used);
    const buffer = this.memory.buffer;
    new Int32Array(buffer, columnStartAt, block.units + 1).set(block.columnStart);
    new Uint16Array(buffer, rowIndexAt, entries).set(block.rowIndex);
    new Float32Array(buffer, valuesAt, entries).set(block.values);
    this.stored.push({ rows: block.rows, units: block.units, entries, columnStartAt, rowIndexAt, valuesAt });
    this.totalRows += block.rows;
  }

  /** Views of the stored blocks (valid until the next `store`). */
  blocks(): readonly SparseColumnBlock[] {
    const buffer = this.memory.buffer;
    if (this.viewsOf !== buffer || this.views.length !== this.stored.length) {
      this.views = this.stored.map((b) => ({
        rows: b.rows,
        units: b.units,
        columnStart: new Int32Array(buffer, b.columnStartAt, b.units + 1),
        rowIndex: new Uint16Array(buffer, b.rowIndexAt, b.entries),
        values: new Float32Array(buffer, b.valuesAt, b.entries),
      }));
      this.viewsOf = buffer;
    }
    return this.views;
  }

  /**
   * `out[r, c] += sign * sum_k H[r, columns[k]] * weights[row(k), c]` over all stored rows, for
   * `out` row-major `rows x outputs`, with `row(k) = columns[k]` when `byColumn`, else `k`:
   * what `accumulateColumns` does block by block, with the same bits.
   */
  accumulate(columns: ArrayLike<number>, weights: ArrayLike<number>, outputs: number, out: Float64Array, sign: 1 | -1, byColumn: boolean): void {
    const rows = this.totalRows;
    const units = this.stored[0]?.units ?? 0;
    const strips = Math.ceil(outputs / PRODUCT_STRIP_WIDTH);
    const stride = strips * PRODUCT_STRIP_WIDTH;
    const count = columns.length;
    if (count > units) throw new RangeError(`ColumnWalker.accumulate: ${count} columns of ${units}`);
    if (!this.scratch || this.scratch.rows !== rows || this.scratch.units !== units || this.scratch.strips !== strips) {
      const at = align(this.used);
      this.reserve(at + rows * stride * 8 + units * 8 + units * stride * 8 + 128);
      this.scratch = { at, rows, units, strips };
    }
    const outAt = this.scratch.at;
    const listAt = align(outAt + rows * stride * 8);
    const weightsAt = align(listAt + units * 8);
    const buffer = this.memory.buffer;
    const padded = new Float64Array(buffer, outAt, rows * stride);
    for (let r = 0; r < rows; r++) for (let c = 0; c < outputs; c++) padded[r * stride + c] = out[r * outputs + c];
    const list = new Int32Array(buffer, listAt, 2 * count);
    const rowsOfWeights = new Float64Array(buffer, weightsAt, count * stride);
    for (let k = 0; k < count; k++) {
      const j = columns[k];
      const from = (byColumn ? j : k) * outputs;
      for (let c = 0; c < outputs; c++) rowsOfWeights[k * stride + c] = sign * weights[from + c];
      list[2 * k] = j;
      list[2 * k + 1] = weightsAt + k * stride * 8;
    }
    let offset = 0;
    for (const b of this.stored) {
      this.exports.accumulate(b.columnStartAt, b.rowIndexAt, b.valuesAt, listAt, count, outAt + offset * stride * 8, stride * 8, strips);
      offset += b.rows;
    }
    for (let r = 0; r < rows; r++) for (let c = 0; c < outputs; c++) out[r * outputs + c] = padded[r * stride + c];
  }
}
