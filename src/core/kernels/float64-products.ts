/**
 * The layer problem's float64 products on WebAssembly SIMD (float64-products.wat): `U = H V` and
 * the residual tracker's support updates `P += H[:, j] (±V[j, :])`, bit for bit what the plain
 * JavaScript loops compute (same float64 operations in the same order; only the SIMD lanes,
 * which are output columns, run side by side), at several times their speed.
 *
 * A `HiddenProducts` owns one WebAssembly memory laid out once and never grown, so `hidden`,
 * a view of H inside it, stays valid for the object's life: the calibration pass writes H there
 * directly and the products read it without a copy.
 */
import { FLOAT64_PRODUCTS_WASM_BASE64 } from './generated/float64-products.wasm';

/** Output columns per strip of packed V: six f64x2 accumulators. */
export const PRODUCT_STRIP_WIDTH = 12;
const STRIP_ROW_BYTES = PRODUCT_STRIP_WIDTH * 8;
const PAGE_BYTES = 65536;
/** Offsets are passed as i32; larger problems keep to the JavaScript loops. */
const MAX_MEMORY_BYTES = 2 ** 31 - PAGE_BYTES;

interface ProductExports {
  products(h: number, rows: number, inner: number, v: number, stripBytes: number, strips: number, u: number, scratch: number): void;
  update(h: number, rows: number, inner: number, v: number, stripBytes: number, strips: number, list: number, count: number, p: number): void;
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
    this.memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(layout.bytes / PAGE_BYTES)) });
    this.exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as ProductExports;
    this.hidden = new Float32Array(this.memory.buffer, 0, samples * units);
    // V in strips of 12 doubles per row, then the same negated (a leaving neuron's rows).
    const packed = new Float64Array(this.memory.buffer, this.vAt, 2 * this.strips * units * PRODUCT_STRIP_WIDTH);
    const negatedAt = this.strips * units * PRODUCT_STRIP_WIDTH;
    for (let j = 0; j < units; j++) {
      for (let k = 0; k < outputs; k++) {
        const at = Math.floor(k / PRODUCT_STRIP_WIDTH) * units * PRODUCT_STRIP_WIDTH + j * PRODUCT_STRIP_WIDTH + (k % PRODUCT_STRIP_WIDTH);
        packed[at] = nextKernel[j * outputs + k];
        packed[negatedAt + at] = -nextKernel[j * outputs + k];
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
    return { vAt, uAt, pAt, listAt, scratchAt, bytes: scratchAt + (units + 1) * 8 };
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

  /** `U = H V`, row-major `samples x paddedOutputs` (padding columns zero); a new array. */
  denseOutputPadded(): Float64Array {
    const { samples, units, strips } = this;
    this.exports.products(0, samples, units, this.vAt, this.stripBytes, strips, this.uAt, this.scratchAt);
    return new Float64Array(this.memory.buffer, this.uAt, samples * this.paddedOutputs).slice();
  }

  /**
   * `P[i, :] += H[i, j] V[j, :]` for each `j` of `changed` with `entering[j]` set, and
   * `-= ...` for the others, in the order of `changed`; `prunedOutput` is row-major
   * `samples x paddedOutputs` and is updated in place.
   */
  updateSupport(prunedOutput: Float64Array, changed: readonly number[], entering: Uint8Array): void {
    const count = changed.length;
    if (count === 0) return;
    const { samples, units, strips } = this;
    const list = new Int32Array(this.memory.buffer, this.listAt, 2 * count);
    const negated = strips * this.stripBytes;
    for (let e = 0; e < count; e++) {
      const j = changed[e];
      list[2 * e] = 4 * j;
      list[2 * e + 1] = j * STRIP_ROW_BYTES + (entering[j] ? 0 : negated);
    }
    const p = new Float64Array(this.memory.buffer, this.pAt, samples * this.paddedOutputs);
    p.set(prunedOutput);
    this.exports.update(0, samples, units, this.vAt, this.stripBytes, strips, this.listAt, count, this.pAt);
    prunedOutput.set(p);
  }
}
