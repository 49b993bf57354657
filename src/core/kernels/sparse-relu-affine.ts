/**
 * H = relu(X W + b) for a sparse X (MNIST pixels: ~80% zeros), plus the column sums of H in
 * float64: the first layer's dense hidden representation that pruning measures, computed by a
 * hand-written WebAssembly SIMD kernel (sparse-relu-affine.wat) instead of a dense matmul.
 *
 * The cost is proportional to the non-zeros of X, not to its size: per non-zero x_ik and per
 * strip of 32 output columns, eight f32x4 multiply-adds against row k of the strip. W is packed
 * once per layer (`SparseReluAffine`), so several X can reuse it; `reluAffineSparse` is the
 * one-shot form. With `useKernelThreads` the strips are shared with helper threads (see
 * kernel-threads.ts); each strip is computed the same way on any thread. Results agree with the dense float32 computation to rounding;
 * with columns in increasing order within rows (as `sparseRowsOf` gives) the additions happen in
 * input order, and on x64 Node they matched tfjs-wasm's fused matmul bit for bit on MNIST.
 *
 * Pure TypeScript over the WebAssembly API: runs in Node and in a browser Web Worker. Each
 * `SparseReluAffine` owns one instance and its linear memory (W packed, plus one block of rows
 * of X and H); `dispose()` hands it to the next layer built, else it goes with the object.
 */
import { BackendUnavailableError, DataFormatError } from '../errors';
import { SPARSE_RELU_AFFINE_SHARED_WASM_BASE64, SPARSE_RELU_AFFINE_WASM_BASE64 } from './generated/sparse-relu-affine.wasm';
import { COMPACT_SELECTOR_BYTES, COMPACT_SELECTORS } from './compact-selectors';
import { CONTROL_BYTES, StripTeam, type KernelThreadSpawner, type StripJob } from './kernel-threads';
import { STRIP_BYTES, STRIP_WIDTH } from './strip-layout';

/** Where one block's row pointers, entries and staged input go (byte offsets). */
interface StagingAreas {
  readonly rowptrAt: number;
  readonly entriesAt: number;
  readonly stagingAt: number;
}

interface MemoryViews {
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
}

/** A row-major sparse matrix in CSR form. */
export interface SparseRows {
  readonly rows: number;
  readonly cols: number;
  /** `rows + 1` offsets into `columns`/`values`: row i is `[rowStart[i], rowStart[i + 1])`. */
  readonly rowStart: Int32Array;
  /** Column index of each stored entry, in `0..cols-1` (any order within a row). */
  readonly columns: Int32Array;
  readonly values: Float32Array;
}

export interface ReluAffineResult {
  /** relu(X W + b), row-major `rows x units`. */
  readonly hidden: Float32Array;
  /** `sum_i hidden[i, j]`, accumulated in float64 from the float32 activations. */
  readonly columnSums: Float64Array;
}

export interface SparseReluAffineOptions {
  /**
   * Upper bound on the bytes of H (and X) held in WebAssembly memory at once: rows are processed
   * in blocks that fit. Default 16 MiB. Small values only serve tests of the blocking.
   */
  readonly blockBytes?: number;
  /**
   * Input rows per panel: X's entries are split by input row so that a panel's slice of a W
   * strip (`panelRows * 128` bytes) stays in L1. Default: the fewest panels of at most 32 KiB.
   */
  readonly panelRows?: number;
  /**
   * The caller leaves `kernel` unchanged until the first apply returns (the one-shot functions,
   * which apply at once). With helper threads, W is then copied in during the first apply, a
   * panel of input rows at a time while the helpers pack and run the panel before, instead of
   * all at once before they start (2.6 ms of one thread for 784-10000-10's 31 MB).
   */
  readonly kernelUnchangedUntilApplied?: boolean;
}

/**
 * Told when rows `[firstRow, firstRow + count)` of H are final in the output array (in order,
 * every row once). With helper threads, the rows come in a few blocks and each block's call runs
 * on the calling thread while the helpers compute the next block's strips: work on finished rows
 * (the layer problem's U = H V) overlaps the kernel.
 */
export type RowsListener = (firstRow: number, count: number) => void;

/**
 * Blocks of rows with helper threads: each block's staging and hand-over overlap the strips of
 * its neighbours, except the first block's staging and the last one's hand-over, so those two
 * blocks are short and the rows between them go in this many blocks.
 */
const PIPELINED_MIDDLE_BLOCKS = 6;
const PIPELINED_EDGE_ROWS = 32;
const MIN_PIPELINED_BLOCK_ROWS = 64;

type RowBlock = { readonly r0: number; readonly count: number };

/** `rows` rows in blocks of `blockRows` (the last one shorter). */
function evenBlocks(rows: number, blockRows: number, r0 = 0): RowBlock[] {
  const blocks: RowBlock[] = [];
  for (let first = r0; first < rows; first += blockRows) blocks.push({ r0: first, count: Math.min(rows, first + blockRows) - first });
  return blocks;
}

/** Short first and last blocks around middle blocks of at most `fitting` rows. */
function pipelineBlocks(rows: number, fitting: number): RowBlock[] {
  const edge = Math.min(fitting, PIPELINED_EDGE_ROWS);
  const middle = rows - 2 * edge;
  if (middle <= 0) return evenBlocks(rows, edge);
  const middleRows = Math.min(fitting, Math.max(MIN_PIPELINED_BLOCK_ROWS, Math.ceil(middle / PIPELINED_MIDDLE_BLOCKS)));
  return [{ r0: 0, count: edge }, ...evenBlocks(rows - edge, middleRows, edge), { r0: rows - edge, count: edge }];
}

export { STRIP_WIDTH };
const ENTRY_BYTES = 8;
const PAGE_BYTES = 65536;
const DEFAULT_BLOCK_BYTES = 16 * 1024 * 1024;
/** Panel slices of a strip up to about L1 size (32 KiB or more on current x64 and ARM cores). */
const DEFAULT_PANEL_BYTES = 32 * 1024;
/** Offsets are passed as i32; stay clear of the sign bit. */
const MAX_MEMORY_BYTES = 2 ** 31 - PAGE_BYTES;
/** A shared memory must declare its maximum: the same 2 GiB, as pages. */
const SHARED_MAX_PAGES = 2 ** 31 / PAGE_BYTES;
/** A disposed instance up to this size is kept for the next layer: its pages are already mapped. */
const SPARE_MAX_BYTES = 128 * 2 ** 20;

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  pack(src: number, ld: number, rows: number, strips: number, dst: number): void;
  entries(starts: number, cols: number, vals: number, rows: number, inputs: number, panelRows: number, panels: number, dst: number, rowptr: number): number;
  strip(rowptr: number, rows: number, w: number, init: number, initStride: number, h: number, ldh: number, sums: number, last: number): void;
  prefetch(at: number, bytes: number): number;
  dense_entries(src: number, rows: number, inputs: number, panelRows: number, panels: number, dst: number, rowptr: number, select: number): void;
}

/** Non-zero pattern and values of a dense row-major `rows x cols` matrix. Keeps NaNs. */
export function sparseRowsOf(dense: Float32Array, rows: number, cols: number): SparseRows {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0 || dense.length !== rows * cols) {
    throw new DataFormatError(`sparseRowsOf: expected ${rows} x ${cols} = ${rows * cols} values, got ${dense.length}`);
  }
  let count = 0;
  for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) count++;
  const rowStart = new Int32Array(rows + 1);
  const columns = new Int32Array(count);
  const values = new Float32Array(count);
  let e = 0;
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    for (let k = 0; k < cols; k++) {
      const v = dense[base + k];
      if (v !== 0) {
        columns[e] = k;
        values[e] = v;
        e++;
      }
    }
    rowStart[i + 1] = e;
  }
  return { rows, cols, rowStart, columns, values };
}

let compiled: WebAssembly.Module | undefined;
let sharedCompiled: WebAssembly.Module | undefined;
let unavailable: string | undefined;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function kernelModule(): WebAssembly.Module {
  if (compiled) return compiled;
  if (unavailable === undefined) {
    if (typeof WebAssembly !== 'object') {
      unavailable = 'this JavaScript engine has no WebAssembly';
    } else {
      const bytes = decodeBase64(SPARSE_RELU_AFFINE_WASM_BASE64);
      if (WebAssembly.validate(bytes)) {
        compiled = new WebAssembly.Module(bytes);
        return compiled;
      }
      unavailable = 'this JavaScript engine lacks WebAssembly SIMD (128-bit)';
    }
  }
  throw new BackendUnavailableError(`the sparse ReLU-affine kernel cannot run: ${unavailable}`);
}

/** A kernel instance: its exports, and the helper team when it runs over the shared memory. */
interface KernelInstance {
  readonly exports: KernelExports;
  readonly team?: StripTeam;
}

/** The one instance that runs over the shared memory, with its helper threads. */
interface Pool extends KernelInstance {
  readonly team: StripTeam;
  busy: boolean;
}

let threading: { spawn: KernelThreadSpawner; helpers: number } | null = null;
let pool: Pool | undefined;
let threadsUnavailable: string | undefined;
/** A layer collected without dispose() gives the pool back rather than keeping it busy forever. */
const poolReturns = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Pool>((held) => (held.busy = false)) : undefined;

/**
 * Shares the kernel's work with `helpers` threads started by `spawn` (null: single-threaded,
 * the default). Needs shared WebAssembly memory (SharedArrayBuffer: in a browser, a
 * cross-origin isolated page); without it the kernel stays single-threaded and
 * `kernelThreadStatus` says why. One layer at a time uses the threads; a layer built while
 * another holds them runs single-threaded.
 */
export function useKernelThreads(spawn: KernelThreadSpawner | null, helpers = 1): void {
  pool?.team.dispose();
  pool = undefined;
  threading = spawn && helpers >= 1 ? { spawn, helpers: Math.floor(helpers) } : null;
  // Start the helpers now: they take tens of milliseconds to boot, less than loading a model.
  if (threading) pool = createPool(threading);
}

/** Threads the kernel can use now (1 + ready helpers), and why not more where known. */
export function kernelThreadStatus(): { threads: number; reason?: string } {
  if (!threading) return { threads: 1, reason: 'kernel threads not enabled' };
  if (threadsUnavailable) return { threads: 1, reason: threadsUnavailable };
  return { threads: 1 + (pool?.team.readyHelpers().length ?? 0) };
}

/**
 * Strips of shared jobs run so far by the calling thread and by the helpers (zeros without
 * helper threads): a benchmark takes two readings and reports the helpers' share between them.
 */
export function kernelStripCounts(): { caller: number; helpers: number } {
  return pool?.team.stripCounts() ?? { caller: 0, helpers: 0 };
}

function sharedModule(): WebAssembly.Module {
  kernelModule(); // the same SIMD check first
  sharedCompiled ??= new WebAssembly.Module(decodeBase64(SPARSE_RELU_AFFINE_SHARED_WASM_BASE64));
  return sharedCompiled;
}

function createPool(config: { spawn: KernelThreadSpawner; helpers: number }): Pool | undefined {
  if (threadsUnavailable !== undefined) return undefined;
  try {
    const module = sharedModule();
    const memory = new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    return { exports, team: new StripTeam(module, memory, config.spawn, config.helpers), busy: false };
  } catch (error) {
    threadsUnavailable = `shared WebAssembly memory is unavailable here (${error instanceof Error ? error.message : String(error)})`;
    return undefined;
  }
}

/**
 * One instance kept from a disposed layer. Fresh WebAssembly memory costs a page fault per 4 KiB
 * on first touch (~0.4 ms per MiB measured in a VM, as much as packing W itself), so a one-shot
 * call per layer reuses the previous layer's memory rather than mapping new pages.
 */
let spare: KernelExports | undefined;

function takeInstance(): KernelInstance {
  if (threading && !pool?.busy) {
    pool ??= createPool(threading);
    if (pool) {
      pool.busy = true;
      return pool;
    }
  }
  const reused = spare;
  spare = undefined;
  return { exports: reused ?? (new WebAssembly.Instance(kernelModule(), {}).exports as unknown as KernelExports) };
}

function releaseInstance(instance: KernelInstance): void {
  if (instance === pool) {
    pool.busy = false;
    return;
  }
  if (instance.team) return; // a pool replaced by useKernelThreads: its memory goes with it
  const { exports } = instance;
  const bytes = exports.memory.buffer.byteLength;
  if (bytes <= SPARE_MAX_BYTES && (!spare || spare.memory.buffer.byteLength < bytes)) spare = exports;
}

/** Whether `SparseReluAffine` can run here (WebAssembly with 128-bit SIMD). */
export function sparseKernelAvailable(): boolean {
  try {
    kernelModule();
    return true;
  } catch {
    return false;
  }
}

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

function checkCount(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new DataFormatError(`${what} must be a non-negative integer, got ${value}`);
  }
}

/**
 * One dense layer `inputs -> units` with ReLU, W packed into WebAssembly memory once, applied to
 * any number of sparse inputs. Copies `kernel` and `bias`: later changes to them are not seen
 * (with `kernelUnchangedUntilApplied`, changes to `kernel` before the first apply returns may be).
 */
export class SparseReluAffine {
  readonly inputs: number;
  readonly units: number;
  private instance: KernelInstance | undefined;
  private readonly strips: number;
  private readonly paddedUnits: number;
  private readonly blockBytes: number;
  /** Panels of input rows X's entries are split into (see SparseReluAffineOptions.panelRows). */
  readonly panels: number;
  private readonly panelRows: number;
  /** Fixed layout: helper control block, compaction selectors, packed W, padded bias, f64 sums; row blocks start at `dynamicStart`. */
  private readonly selectAt = CONTROL_BYTES;
  private readonly packedAt = CONTROL_BYTES + COMPACT_SELECTOR_BYTES;
  private readonly biasAt: number;
  private readonly sumsAt: number;
  private readonly dynamicStart: number;
  /** Bytes of row-major W waiting at `dynamicStart` to be packed, or 0 once W is packed. */
  private unpackedBytes = 0;
  /** W not copied in yet (kernelUnchangedUntilApplied): the first apply copies it. */
  private pendingKernel: Float32Array | null = null;

  /**
   * @param kernel W, row-major `inputs x units`
   * @param bias b, `units`
   */
  constructor(kernel: Float32Array, bias: Float32Array, inputs: number, units: number, options: SparseReluAffineOptions = {}) {
    checkCount('inputs', inputs);
    checkCount('units', units);
    if (kernel.length !== inputs * units) {
      throw new DataFormatError(`kernel must hold ${inputs} x ${units} = ${inputs * units} values, got ${kernel.length}`);
    }
    if (bias.length !== units) throw new DataFormatError(`bias must hold ${units} values, got ${bias.length}`);
    const blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
    if (!(blockBytes > 0)) throw new DataFormatError(`blockBytes must be positive, got ${blockBytes}`);
    const panelRows = options.panelRows ?? (inputs === 0 ? 1 : Math.ceil(inputs / Math.ceil((inputs * STRIP_BYTES) / DEFAULT_PANEL_BYTES)));
    if (!(Number.isInteger(panelRows) && panelRows > 0)) throw new DataFormatError(`panelRows must be a positive integer, got ${panelRows}`);
    this.panelRows = panelRows;
    this.panels = Math.max(1, Math.ceil(inputs / panelRows));
    this.inputs = inputs;
    this.units = units;
    this.blockBytes = blockBytes;
    this.strips = Math.ceil(units / STRIP_WIDTH);
    this.paddedUnits = this.strips * STRIP_WIDTH;
    // Each strip ends with one row of zeros past the inputs: the padding entries' row.
    const packedBytes = (inputs + 1) * this.paddedUnits * 4;
    this.biasAt = align(this.packedAt + packedBytes);
    this.sumsAt = align(this.biasAt + this.paddedUnits * 4);
    this.dynamicStart = align(this.sumsAt + this.paddedUnits * 8);

    const instance = takeInstance();
    this.instance = instance;
    if (instance === pool) poolReturns?.register(this, pool, this);
    const { exports } = instance;
    // W row-major with rows padded to whole strips (zeros) and a row of zeros after the last,
    // just past the fixed part; then packed.
    const rawAt = this.dynamicStart;
    const { f32, u8 } = this.reserve(rawAt + packedBytes);
    u8.set(COMPACT_SELECTORS, this.selectAt);
    f32.fill(0, rawAt / 4 + inputs * this.paddedUnits, rawAt / 4 + (inputs + 1) * this.paddedUnits);
    // With helper threads the first call packs each strip on the thread that first runs it (see
    // run), and may copy W in too; otherwise now.
    const helped = instance.team !== undefined && instance.team.readyHelpers().length > 0;
    if (helped && options.kernelUnchangedUntilApplied) this.pendingKernel = kernel;
    else this.copyKernelRows(f32, kernel, 0, inputs);
    if (helped) this.unpackedBytes = packedBytes;
    else exports.pack(rawAt, this.paddedUnits * 4, inputs + 1, this.strips, this.packedAt);
    f32.set(bias, this.biasAt / 4);
    f32.fill(0, this.biasAt / 4 + units, this.biasAt / 4 + this.paddedUnits);
  }

  /** Rows `[k0, k1)` of W into the row-major area at `dynamicStart`, each padded to whole strips with zeros. */
  private copyKernelRows(f32: Float32Array, kernel: Float32Array, k0: number, k1: number): void {
    const { units, paddedUnits } = this;
    const rawAt = this.dynamicStart / 4;
    if (paddedUnits === units) {
      f32.set(kernel.subarray(k0 * units, k1 * units), rawAt + k0 * units);
      return;
    }
    for (let k = k0; k < k1; k++) {
      const row = rawAt + k * paddedUnits;
      f32.set(kernel.subarray(k * units, (k + 1) * units), row);
      f32.fill(0, row + units, row + paddedUnits);
    }
  }

  /**
   * Gives up the WebAssembly memory now rather than when this object is collected (the next
   * layer built may reuse it). The object cannot be applied afterwards.
   */
  dispose(): void {
    if (this.instance) {
      poolReturns?.unregister(this);
      releaseInstance(this.instance);
    }
    this.instance = undefined;
    this.pendingKernel = null;
  }

  /** relu(X W + b) and its column sums, for `x` with `inputs` columns. */
  apply(x: SparseRows): ReluAffineResult {
    const exports = this.exportsOrThrow();
    const { rows, rowStart, columns, values } = x;
    const { inputs, panels, panelRows } = this;
    this.checkRows(x);
    const averageEntries = rows === 0 ? 0 : rowStart[rows] / rows;
    // The block's CSR arrays are staged where H goes, then panelled and interleaved by the kernel:
    // row starts, columns and values, each 64-byte aligned.
    const sizes = (r0: number, count: number) => {
      const entryCount = rowStart[r0 + count] - rowStart[r0];
      return { entryBytes: (entryCount + count * panels + 1) * ENTRY_BYTES, stagingBytes: (count + 1) * 4 + entryCount * 8 + 128 };
    };
    return this.run(rows, undefined, undefined, averageEntries * 2 * ENTRY_BYTES, sizes, (r0, count, { entriesAt, rowptrAt, stagingAt }, views) => {
      const first = rowStart[r0];
      const entryCount = rowStart[r0 + count] - first;
      const startsAt = stagingAt;
      const colsAt = align(startsAt + (count + 1) * 4);
      const valsAt = align(colsAt + entryCount * 4);
      const { i32, f32 } = views;
      for (let i = 0; i <= count; i++) i32[startsAt / 4 + i] = rowStart[r0 + i] - first;
      i32.set(columns.subarray(first, first + entryCount), colsAt / 4);
      f32.set(values.subarray(first, first + entryCount), valsAt / 4);
      const bad = exports.entries(startsAt, colsAt, valsAt, count, inputs, panelRows, panels, entriesAt, rowptrAt);
      if (bad >= 0) {
        const e = first + bad;
        let i = r0;
        while (rowStart[i + 1] <= e) i++;
        throw new DataFormatError(`sparse input: row ${i} has column ${columns[e]}, outside 0..${inputs - 1}`);
      }
    });
  }

  /**
   * The same for a dense row-major `rows x inputs` X: its zeros are skipped inside WebAssembly,
   * without building CSR arrays in JavaScript first (which cost more than the product's
   * bookkeeping on MNIST-sized inputs). `onRows` hears of each block of rows once it is final.
   */
  applyDense(x: Float32Array, rows: number, into?: Float32Array, onRows?: RowsListener): ReluAffineResult {
    const exports = this.exportsOrThrow();
    const { inputs, panels, panelRows } = this;
    checkCount('dense input rows', rows);
    if (x.length !== rows * inputs) {
      throw new DataFormatError(`dense input must hold ${rows} x ${inputs} = ${rows * inputs} values, got ${x.length}`);
    }
    // Room for every value of a row as an entry, plus the dense row itself.
    const sizes = (_r0: number, count: number) => ({ entryBytes: (count * inputs + count * panels + 1) * ENTRY_BYTES, stagingBytes: count * inputs * 4 });
    return this.run(rows, into, onRows, inputs * (ENTRY_BYTES + 4), sizes, (r0, count, { entriesAt, rowptrAt, stagingAt }, views) => {
      views.f32.set(x.subarray(r0 * inputs, (r0 + count) * inputs), stagingAt / 4);
      exports.dense_entries(stagingAt, count, inputs, panelRows, panels, entriesAt, rowptrAt, this.selectAt);
    });
  }

  /**
   * The block loop both input forms share. `stage` writes a block's panelled entries and row
   * pointers into the areas given (`sizes` says how many bytes of entries and of staging a block
   * needs: the staging area is H's place, free until the block's strips run). H goes to `into`
   * (`rows * units` values) when given, else to a new array.
   *
   * With helper threads the rows go in several blocks through two sets of areas: while everyone
   * runs block b's strips, this thread first hands on block b - 1 (copies its H out, tells
   * `onRows`) and stages block b + 1, so that only the first block's staging and the last
   * block's hand-over are left outside the strips (they were a quarter of the pass on 2 cores).
   */
  private run(
    rows: number,
    into: Float32Array | undefined,
    onRows: RowsListener | undefined,
    stagingBytesPerRow: number,
    sizes: (r0: number, count: number) => { entryBytes: number; stagingBytes: number },
    stage: (r0: number, count: number, areas: StagingAreas, views: MemoryViews) => void,
  ): ReluAffineResult {
    const exports = this.exportsOrThrow();
    const { inputs, units, paddedUnits, strips, panels } = this;
    if (into && into.length !== rows * units) throw new DataFormatError(`the output for H must hold ${rows} x ${units} values, got ${into.length}`);
    const hidden = into ?? new Float32Array(rows * units);
    const hBytesPerRow = paddedUnits * 4;
    const team = this.instance?.team;
    const pipelined = team !== undefined && team.readyHelpers().length > 0 && rows >= 2 * MIN_PIPELINED_BLOCK_ROWS;
    const sets = pipelined ? 2 : 1;
    // Rows per block: H, the block's entries and their staging, for every set, within blockBytes (at least one row).
    const fitting = Math.max(1, Math.floor(this.blockBytes / sets / (hBytesPerRow + 4 * (panels + 1) + stagingBytesPerRow)));
    const blocks = pipelined ? pipelineBlocks(rows, fitting) : evenBlocks(rows, fitting);
    const stripBytes = (inputs + 1) * STRIP_BYTES;
    // W still unpacked: pipelined, every thread packs each strip it takes in the first block, in
    // parallel (the row-major copy stays below the staging areas until then); otherwise now.
    if (this.pendingKernel && !pipelined) {
      this.copyKernelRows(this.reserve(0).f32, this.pendingKernel, 0, inputs);
      this.pendingKernel = null;
    }
    if (this.unpackedBytes > 0 && !pipelined) {
      exports.pack(this.dynamicStart, hBytesPerRow, inputs + 1, strips, this.packedAt);
      this.unpackedBytes = 0;
    }
    const raw = this.unpackedBytes > 0 ? this.dynamicStart : 0;
    const blockRows = Math.max(0, ...blocks.map((block) => block.count));
    let entryBytes = 0;
    let stagingBytes = 0;
    for (const { r0, count } of blocks) {
      const size = sizes(r0, count);
      entryBytes = Math.max(entryBytes, size.entryBytes);
      stagingBytes = Math.max(stagingBytes, size.stagingBytes);
    }
    // Each set: row pointers, then H (the staged input shares H's place, read only while the
    // entries are built), then the entries, of which only the non-zeros' part is ever touched.
    // Once W is packed, the sets start over the pages W was staged in (mapped already).
    const areas: (StagingAreas & { hAt: number })[] = [];
    let end = align(this.dynamicStart + this.unpackedBytes);
    for (let set = 0; set < sets; set++) {
      const rowptrAt = end;
      const hAt = align(rowptrAt + panels * (blockRows + 1) * 4);
      const entriesAt = align(hAt + Math.max(blockRows * hBytesPerRow, stagingBytes));
      end = align(entriesAt + entryBytes);
      areas.push({ rowptrAt, hAt, stagingAt: hAt, entriesAt });
    }
    // Grown once, before any helper runs: the views stay valid throughout.
    const views = this.reserve(end);
    views.f64.fill(0, this.sumsAt / 8, this.sumsAt / 8 + paddedUnits);

    const handOn = (b: number) => {
      const { r0, count } = blocks[b];
      const { hAt } = areas[b % sets];
      if (paddedUnits === units) {
        hidden.set(views.f32.subarray(hAt / 4, hAt / 4 + count * units), r0 * units);
      } else {
        for (let i = 0; i < count; i++) {
          const from = hAt / 4 + i * paddedUnits;
          hidden.set(views.f32.subarray(from, from + units), (r0 + i) * units);
        }
      }
      onRows?.(r0, count);
    };
    const stageBlock = (b: number) => stage(blocks[b].r0, blocks[b].count, areas[b % sets], views);

    // One strip's share of a job, on any thread: as the helpers' loop in kernel-threads.ts runs it.
    const runTask = (job: StripJob, s: number) => {
      const w = job.packed + s * stripBytes;
      const h = job.h + s * STRIP_BYTES;
      // The first block packs each strip (which reads it); later blocks read it ahead, see prefetch in the .wat.
      if (job.raw !== 0) {
        exports.pack(job.raw + s * STRIP_BYTES + job.packRow * hBytesPerRow, hBytesPerRow, job.packRows, 1, w + job.packRow * STRIP_BYTES);
        if (job.packRow === 0 && job.packRows <= inputs) exports.pack(job.raw + s * STRIP_BYTES + inputs * hBytesPerRow, hBytesPerRow, 1, 1, w + inputs * STRIP_BYTES);
      } else {
        exports.prefetch(w, stripBytes);
      }
      for (let p = job.firstPanel; p < job.panelEnd; p++) {
        const init = p === 0 ? job.bias + s * STRIP_BYTES : h;
        const initStride = p === 0 ? 0 : hBytesPerRow;
        const last = p === panels - 1 ? 1 : 0;
        exports.strip(job.rowptr + p * (job.count + 1) * 4, job.count, w, init, initStride, h, hBytesPerRow, this.sumsAt + s * STRIP_WIDTH * 8, last);
      }
    };
    const panelRowsOf = (p: number) => ({ from: p * this.panelRows, to: Math.min(inputs, (p + 1) * this.panelRows) });

    if (blocks.length > 0) stageBlock(0);
    team?.hold(pipelined);
    try {
      for (let b = 0; b < blocks.length; b++) {
        const { r0, count } = blocks[b];
        const { rowptrAt, hAt } = areas[b % sets];
        // Strip by strip (W's strip stays cached), panel by panel within a strip (its panel slice
        // stays in L1); the first panel starts from the biases, later ones from H. Helper threads
        // run the same strips (kernel-threads.ts), taking them one at a time as the caller does.
        const whole: StripJob = {
          rowptr: rowptrAt, count, packed: this.packedAt, stripBytes, bias: this.biasAt, h: hAt, ldh: hBytesPerRow, sums: this.sumsAt, panels, strips,
          firstPanel: 0, panelEnd: panels, raw: b === 0 ? raw : 0, packRow: 0, packRows: inputs + 1,
        };
        const meanwhile = () => {
          // A new H's first write to each 4 KiB page faults (~2 us a page in a VM: 2 ms for
          // 1000 x 1024): this thread takes those faults while the helpers start on the strips.
          const last = (r0 + count) * units;
          for (let e = r0 * units; e < last; e += 1024) hidden[e] = 0;
          if (!pipelined) return;
          if (b > 0) handOn(b - 1);
          if (b + 1 < blocks.length) stageBlock(b + 1);
        };
        const kernel = b === 0 ? this.pendingKernel : null;
        if (team && kernel) {
          // W still to copy in: the first block goes panel by panel, and while everyone packs and
          // runs one panel's rows of W, this thread copies in the next panel's rows.
          const copy = (p: number) => this.copyKernelRows(views.f32, kernel, panelRowsOf(p).from, panelRowsOf(p).to);
          copy(0);
          for (let p = 0; p < panels; p++) {
            const rowsOfW = panelRowsOf(p);
            const job: StripJob = { ...whole, firstPanel: p, panelEnd: p + 1, packRow: rowsOfW.from, packRows: rowsOfW.to - rowsOfW.from };
            team.run(job, (s) => runTask(job, s), p + 1 < panels ? () => copy(p + 1) : meanwhile);
          }
          this.pendingKernel = null;
        } else if (team) {
          team.run(whole, (s) => runTask(whole, s), meanwhile);
        } else {
          for (let s = 0; s < strips; s++) runTask(whole, s);
        }
        if (b === 0) this.unpackedBytes = 0;
        if (!pipelined) {
          handOn(b);
          if (b + 1 < blocks.length) stageBlock(b + 1);
        }
      }
    } finally {
      team?.hold(false);
    }
    if (pipelined) handOn(blocks.length - 1);
    const columnSums = views.f64.slice(this.sumsAt / 8, this.sumsAt / 8 + units);
    return { hidden, columnSums };
  }

  private exportsOrThrow(): KernelExports {
    if (!this.instance) throw new Error('SparseReluAffine used after dispose()');
    return this.instance.exports;
  }

  private checkRows(x: SparseRows): void {
    const { rows, cols, rowStart, columns, values } = x;
    checkCount('sparse input rows', rows);
    if (cols !== this.inputs) throw new DataFormatError(`sparse input has ${cols} columns, the layer takes ${this.inputs} inputs`);
    if (rowStart.length !== rows + 1 || rowStart[0] !== 0) {
      throw new DataFormatError(`sparse input: rowStart must hold ${rows + 1} offsets starting at 0`);
    }
    for (let i = 0; i < rows; i++) {
      if (rowStart[i + 1] < rowStart[i]) throw new DataFormatError(`sparse input: rowStart decreases at row ${i}`);
    }
    const stored = rowStart[rows];
    if (columns.length < stored || values.length < stored) {
      throw new DataFormatError(`sparse input: rowStart ends at ${stored} but there are ${columns.length} columns and ${values.length} values`);
    }
  }

  /** Grows the memory to at least `bytes` and returns fresh views (growth detaches the old ones). */
  private reserve(bytes: number): MemoryViews {
    const memory = this.exportsOrThrow().memory;
    if (bytes > MAX_MEMORY_BYTES) {
      throw new DataFormatError(`the sparse kernel needs ${(bytes / 2 ** 20).toFixed(0)} MiB of WebAssembly memory, more than its 2 GiB limit; use fewer units or inputs`);
    }
    const missing = Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES);
    if (missing > 0) {
      try {
        memory.grow(missing);
      } catch (error) {
        throw new RangeError(`the sparse kernel could not grow its WebAssembly memory to ${(bytes / 2 ** 20).toFixed(0)} MiB: ${String(error)}`);
      }
    }
    const buffer = memory.buffer;
    return { u8: new Uint8Array(buffer), i32: new Int32Array(buffer), f32: new Float32Array(buffer), f64: new Float64Array(buffer) };
  }
}

/**
 * One-shot relu(X W + b) for a dense row-major `rows x inputs` X (zeros skipped), H into `into`
 * when given. Packs W on every call.
 */
export function reluAffineDense(
  x: Float32Array,
  rows: number,
  kernel: Float32Array,
  bias: Float32Array,
  inputs: number,
  units: number,
  into?: Float32Array,
  onRows?: RowsListener,
): ReluAffineResult {
  const layer = new SparseReluAffine(kernel, bias, inputs, units, { kernelUnchangedUntilApplied: true });
  try {
    return layer.applyDense(x, rows, into, onRows);
  } finally {
    layer.dispose();
  }
}

/** One-shot relu(X W + b) with W row-major `x.cols x units`. Packs W on every call. */
export function reluAffineSparse(x: SparseRows, kernel: Float32Array, bias: Float32Array, units: number): ReluAffineResult {
  const layer = new SparseReluAffine(kernel, bias, x.cols, units, { kernelUnchangedUntilApplied: true });
  try {
    return layer.apply(x);
  } finally {
    layer.dispose();
  }
}
