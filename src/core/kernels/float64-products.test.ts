import { describe, expect, it } from 'vitest';
import { seededUniform } from '../pruning/baselines';
import { ispaspImportance } from '../pruning/ispasp';
import { HiddenProducts, PRODUCT_STRIP_WIDTH } from './float64-products';

/** The plain float64 reference: `sum_k H[i, k] V[k, c]` in increasing k, zeros of H skipped. */
function referenceProduct(h: Float32Array, rows: number, inner: number, v: Float32Array, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      for (let k = 0; k < inner; k++) if (h[i * inner + k] !== 0) sum += h[i * inner + k] * v[k * cols + c];
      out[i * cols + c] = sum;
    }
  }
  return out;
}

/** The reference support update on an unpadded `rows x cols` P: entering neurons added, leaving ones subtracted, in list order. */
function referenceUpdate(p: Float64Array, h: Float32Array, rows: number, inner: number, v: Float32Array, cols: number, changed: number[], entering: Uint8Array): void {
  for (let i = 0; i < rows; i++) {
    for (const j of changed) {
      const value = h[i * inner + j];
      if (value === 0) continue;
      for (let c = 0; c < cols; c++) p[i * cols + c] += (entering[j] ? value : -value) * v[j * cols + c];
    }
  }
}

function unpad(padded: Float64Array, rows: number, stride: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let c = 0; c < cols; c++) out[i * cols + c] = padded[i * stride + c];
  return out;
}

/** A ReLU-like H: about `zeros` of the entries exactly zero, some whole rows and columns zero. */
function sparseHidden(rows: number, inner: number, zeros: number, uniform: () => number): Float32Array {
  const h = Float32Array.from({ length: rows * inner }, () => (uniform() < zeros ? 0 : uniform() * 3));
  if (rows > 2) h.fill(0, inner, 2 * inner); // row 1
  if (inner > 2) for (let i = 0; i < rows; i++) h[i * inner + 2] = 0; // column 2
  return h;
}

function productsFor(h: Float32Array, rows: number, inner: number, v: Float32Array, cols: number): HiddenProducts {
  const products = HiddenProducts.create(rows, inner, v, cols);
  if (!products) throw new Error('WebAssembly SIMD is missing in this test environment');
  products.hidden.set(h);
  return products;
}

describe('HiddenProducts: U = H V in float64', () => {
  it('gives the same bits in a memory reused from a disposed object (padding zero again, larger first)', () => {
    const uniform = seededUniform(31);
    // The first object fills every lane of V with non-zeros (12 outputs) and is larger.
    const big = productsFor(sparseHidden(40, 30, 0.5, uniform), 40, 30, Float32Array.from({ length: 30 * 12 }, () => uniform() + 1), 12);
    big.denseOutputPadded();
    big.dispose();
    const h = sparseHidden(17, 23, 0.6, uniform);
    const v = Float32Array.from({ length: 23 * 5 }, () => uniform() * 2 - 1);
    const reused = productsFor(h, 17, 23, v, 5);
    const u = reused.denseOutputPadded();
    expect(unpad(u, 17, reused.paddedOutputs, 5)).toEqual(referenceProduct(h, 17, 23, v, 5));
    for (let i = 0; i < 17; i++) expect(Array.from(u.subarray(i * reused.paddedOutputs + 5, (i + 1) * reused.paddedOutputs)).every((x) => x === 0)).toBe(true);
    const sums = Float64Array.from({ length: 23 }, () => uniform());
    expect(reused.importance(sums, [1, 4, 9])).toEqual(ispaspImportance(sums, v, 5, [1, 4, 9]));
    reused.dispose();
    // A larger problem than the spare grows it.
    const h2 = sparseHidden(300, 200, 0.7, uniform);
    const v2 = Float32Array.from({ length: 200 * 3 }, () => uniform() - 0.5);
    const grown = productsFor(h2, 300, 200, v2, 3);
    expect(unpad(grown.denseOutputPadded(), 300, grown.paddedOutputs, 3)).toEqual(referenceProduct(h2, 300, 200, v2, 3));
    grown.dispose();
  });

  it('computes a hand-checked product, zero padding beyond the outputs', () => {
    // H = [[1, 0, 2], [0, 0, 0]], V = [[1, 2, 3], [4, 5, 6], [0.5, -1, 0.25]]
    const h = new Float32Array([1, 0, 2, 0, 0, 0]);
    const v = new Float32Array([1, 2, 3, 4, 5, 6, 0.5, -1, 0.25]);
    const products = productsFor(h, 2, 3, v, 3);
    expect(products.paddedOutputs).toBe(PRODUCT_STRIP_WIDTH);
    const u = products.denseOutputPadded();
    expect(Array.from(u.subarray(0, 3))).toEqual([2, 0, 3.5]);
    expect(Array.from(u.subarray(3, 12)).every((x) => x === 0)).toBe(true);
    expect(Array.from(u.subarray(12, 15))).toEqual([0, 0, 0]);
  });

  for (const [rows, inner, cols, zeros] of [
    [1, 1, 1, 0],
    [7, 5, 3, 0.5],
    [33, 65, 10, 0.6],
    [50, 129, 12, 0.9],
    [17, 40, 13, 0.3],
    [9, 31, 25, 0],
    [4, 6, 10, 1],
  ] as const) {
    it(`matches the plain float64 loop bit for bit: ${rows} x ${inner} by ${inner} x ${cols}, ${zeros * 100}% zeros`, () => {
      const uniform = seededUniform(rows * 1000 + inner * 10 + cols);
      const h = sparseHidden(rows, inner, zeros, uniform);
      const v = Float32Array.from({ length: inner * cols }, () => 2 * uniform() - 1);
      const products = productsFor(h, rows, inner, v, cols);
      const u = unpad(products.denseOutputPadded(), rows, products.paddedOutputs, cols);
      expect(u).toEqual(referenceProduct(h, rows, inner, v, cols));
    });
  }

  it('computes U in row blocks as they come (denseOutputUpTo), the same bits as in one go', () => {
    const uniform = seededUniform(77);
    const [rows, inner, cols] = [70, 45, 10];
    const h = sparseHidden(rows, inner, 0.5, uniform);
    const v = Float32Array.from({ length: inner * cols }, () => 2 * uniform() - 1);
    const products = productsFor(h, rows, inner, v, cols);
    // Out of order and overlapping: rows already computed are not computed again.
    for (const end of [5, 40, 33, 40, 69]) products.denseOutputUpTo(end);
    expect(unpad(products.denseOutputPadded(), rows, products.paddedOutputs, cols)).toEqual(referenceProduct(h, rows, inner, v, cols));
  });

  it('is all zero for an all-zero H, and empty for no samples', () => {
    const v = Float32Array.from({ length: 8 * 3 }, (_, k) => k - 5);
    expect(productsFor(new Float32Array(4 * 8), 4, 8, v, 3).denseOutputPadded().every((x) => Object.is(x, 0))).toBe(true);
    expect(productsFor(new Float32Array(0), 0, 8, v, 3).denseOutputPadded()).toHaveLength(0);
  });

  it('updates skip zeros of H even where V is infinite, by rows and by columns', () => {
    for (const byColumns of [false, true]) {
      const products = productsFor(new Float32Array([0, 1, 2, 0]), 2, 2, new Float32Array([Infinity, 3]), 1);
      if (byColumns) products.walkColumns();
      const p = new Float64Array(2 * products.paddedOutputs);
      products.updateSupport(p, [0, 1], new Uint8Array([1, 1]));
      expect([p[0], p[products.paddedOutputs]]).toEqual([3, Infinity]);
    }
  });

  it('skips -0 as a zero and keeps NaN, four at a time and in the last values of a row', () => {
    // 9 values a row: two groups of four, then one; column 4 is a zero (+0 or -0) in every row,
    // where V is infinite: a kept zero would make that row NaN.
    const h = new Float32Array([0, -0, NaN, 1.5, 0, 2, -0, 0, 3, NaN, 0, 0, 0, -0, -0, 4, 0, NaN, -0, 0, 0, 5, -0, 0, 1, 0, 2]);
    const v = new Float32Array([1, 2, 3, 4, Infinity, 6, 7, 8, 9]);
    const u = unpad(productsFor(h, 3, 9, v, 1).denseOutputPadded(), 3, PRODUCT_STRIP_WIDTH, 1);
    expect(u).toEqual(referenceProduct(h, 3, 9, v, 1));
    expect(Array.from(u)).toEqual([NaN, NaN, 5 * 4 + 1 * 7 + 2 * 9]);
  });

  it('skips zeros of H even where V is infinite, and keeps NaNs of H', () => {
    const h = new Float32Array([0, 1, NaN, 0]);
    const v = new Float32Array([Infinity, 2]);
    const u = productsFor(h, 2, 2, v, 1).denseOutputPadded();
    expect(u[0]).toBe(2);
    expect(u[PRODUCT_STRIP_WIDTH]).toBeNaN();
  });
});

describe('HiddenProducts: support updates', () => {
  it.each([false, true])('adds entering neurons and subtracts leaving ones (hand-checked), walking columns: %s', (byColumns) => {
    // H = [[1, 2], [3, 0]], V = [[1, 10], [100, 1000]]
    const products = productsFor(new Float32Array([1, 2, 3, 0]), 2, 2, new Float32Array([1, 10, 100, 1000]), 2);
    if (byColumns) products.walkColumns();
    const stride = products.paddedOutputs;
    const p = new Float64Array(2 * stride);
    products.updateSupport(p, [0, 1], new Uint8Array([1, 1]));
    expect([p[0], p[1], p[stride], p[stride + 1]]).toEqual([201, 2010, 3, 30]);
    products.updateSupport(p, [0], new Uint8Array([0, 1]));
    expect([p[0], p[1], p[stride], p[stride + 1]]).toEqual([200, 2000, 0, 0]);
    products.updateSupport(p, [], new Uint8Array([0, 1]));
    expect(p[0]).toBe(200);
  });

  for (const [rows, inner, cols, zeros, byColumns] of [
    [1, 3, 1, 0, false],
    [40, 77, 10, 0.55, false],
    [40, 77, 10, 0.55, true],
    [3, 5, 1, 0, true],
    [64, 33, 12, 0.8, true],
    [21, 64, 13, 0.95, false],
    [21, 64, 13, 0.95, true],
    [12, 19, 27, 0.2, false],
  ] as const) {
    it(`tracks a changing support bit for bit like the plain loop: ${rows} x ${inner}, ${cols} outputs${byColumns ? ', walking columns' : ''}`, () => {
      const uniform = seededUniform(rows + 7 * inner + 31 * cols);
      const h = sparseHidden(rows, inner, zeros, uniform);
      const v = Float32Array.from({ length: inner * cols }, () => 2 * uniform() - 1);
      const products = productsFor(h, rows, inner, v, cols);
      // Outputs past one strip keep to the row walk (walkColumns does nothing then).
      if (byColumns) products.walkColumns();
      const padded = new Float64Array(rows * products.paddedOutputs);
      const reference = new Float64Array(rows * cols);
      let support = new Uint8Array(inner);
      for (let round = 0; round < 6; round++) {
        const next = Uint8Array.from({ length: inner }, () => (uniform() < 0.4 ? 1 : 0));
        const changed: number[] = [];
        for (let j = 0; j < inner; j++) if (next[j] !== support[j]) changed.push(j);
        products.updateSupport(padded, changed, next);
        referenceUpdate(reference, h, rows, inner, v, cols, changed, next);
        expect(unpad(padded, rows, products.paddedOutputs, cols)).toEqual(reference);
        support = next;
      }
      // Everything leaves: rounding need not give exact zeros, but the bits match the loop.
      const changed = [...support.keys()].filter((j) => support[j]);
      products.updateSupport(padded, changed, new Uint8Array(inner));
      referenceUpdate(reference, h, rows, inner, v, cols, changed, new Uint8Array(inner));
      expect(unpad(padded, rows, products.paddedOutputs, cols)).toEqual(reference);
    });
  }
});

describe('HiddenProducts: i-SpaSP importance', () => {
  it('computes z = V V^T (hbar - hbar_S) by hand', () => {
    // V = [[1, 0], [0, 2], [1, 1]], hbar = [1, 2, 3], S = {1}: hbar - hbar_S = [1, 0, 3];
    // V^T (hbar - hbar_S) = [4, 3]; z = V [4, 3] = [4, 6, 7].
    const products = productsFor(new Float32Array(3), 1, 3, new Float32Array([1, 0, 0, 2, 1, 1]), 2);
    expect(Array.from(products.importance([1, 2, 3], [1])!)).toEqual([4, 6, 7]);
    expect(Array.from(products.importance([1, 2, 3], [0, 1, 2])!)).toEqual([0, 0, 0]);
  });

  for (const [units, outputs] of [
    [1, 1],
    [37, 10],
    [64, 12],
    [101, 3],
  ] as const) {
    it(`matches ispaspImportance bit for bit: ${units} neurons, ${outputs} outputs`, () => {
      const uniform = seededUniform(units * 13 + outputs);
      const v = Float32Array.from({ length: units * outputs }, () => 2 * uniform() - 1);
      const sums = Float64Array.from({ length: units }, () => (uniform() < 0.2 ? 0 : uniform() * 100));
      const products = productsFor(new Float32Array(units), 1, units, v, outputs);
      for (const share of [0, 0.1, 0.5, 1]) {
        const kept = [...Array(units).keys()].filter(() => uniform() < share);
        expect(products.importance(sums, kept)).toEqual(ispaspImportance(sums, v, outputs, kept));
      }
    });
  }

  it('leaves outputs past one strip to the JavaScript form', () => {
    expect(productsFor(new Float32Array(2), 1, 2, new Float32Array(26), 13).importance([1, 1], [])).toBeNull();
  });
});
