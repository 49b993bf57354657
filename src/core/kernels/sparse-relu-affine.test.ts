import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactReluAffine, expectSameBits } from '../../../test/helpers/relu-affine-exact';
import {
  reluAffineDense,
  reluAffineSparse,
  sparseKernelAvailable,
  SparseReluAffine,
  sparseRowsOf,
  STRIP_WIDTH,
  type ReluAffineResult,
  type SparseRows,
} from './sparse-relu-affine';

/** Deterministic uniform [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomDense(rows: number, cols: number, density: number, seed: number): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) if (next() < density) out[i] = Math.round(next() * 255) / 255;
  return out;
}

function randomArray(length: number, scale: number, seed: number, offset = 0): Float32Array {
  const next = rng(seed);
  return Float32Array.from({ length }, () => (next() * 2 - 1) * scale + offset);
}

interface Reference {
  hidden: Float64Array;
  /** Per entry, |b_j| + sum_k |x_ik w_kj|: the scale of float32 rounding error. */
  scale: Float64Array;
  columnSums: Float64Array;
}

/** Straight from the definition, in float64, reading X through its CSR form. */
function reference(x: SparseRows, kernel: Float32Array, bias: Float32Array, units: number): Reference {
  const hidden = new Float64Array(x.rows * units);
  const scale = new Float64Array(x.rows * units);
  const columnSums = new Float64Array(units);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < units; j++) {
      let sum = bias[j];
      let magnitude = Math.abs(bias[j]);
      for (let e = x.rowStart[i]; e < x.rowStart[i + 1]; e++) {
        const term = x.values[e] * kernel[x.columns[e] * units + j];
        sum += term;
        magnitude += Math.abs(term);
      }
      hidden[i * units + j] = Math.max(0, sum);
      scale[i * units + j] = magnitude;
      columnSums[j] += Math.max(0, sum);
    }
  }
  return { hidden, scale, columnSums };
}

/** Float32 accumulation over at most a few hundred terms: well within 1e-5 of the term scale. */
function expectClose(result: ReluAffineResult, x: SparseRows, kernel: Float32Array, bias: Float32Array, units: number): void {
  const ref = reference(x, kernel, bias, units);
  expect(result.hidden.length).toBe(x.rows * units);
  expect(result.columnSums.length).toBe(units);
  let worst = 0;
  for (let e = 0; e < ref.hidden.length; e++) {
    worst = Math.max(worst, Math.abs(result.hidden[e] - ref.hidden[e]) / (1e-6 + ref.scale[e]));
  }
  expect(worst).toBeLessThan(1e-5);
  for (let j = 0; j < units; j++) {
    // Exactly the float64 sum of the returned float32 activations, in row order...
    let own = 0;
    let scale = 1e-6;
    for (let i = 0; i < x.rows; i++) {
      own += result.hidden[i * units + j];
      scale += ref.scale[i * units + j];
    }
    expect(result.columnSums[j]).toBe(own);
    // ...and close to the exact sums.
    expect(Math.abs(result.columnSums[j] - ref.columnSums[j]) / scale).toBeLessThan(1e-5);
  }
}

function check(rows: number, inputs: number, units: number, density: number, seed: number, biasOffset = 0): void {
  const dense = randomDense(rows, inputs, density, seed);
  const kernel = randomArray(inputs * units, 0.05, seed + 1);
  const bias = randomArray(units, 0.1, seed + 2, biasOffset);
  const x = sparseRowsOf(dense, rows, inputs);
  expectClose(reluAffineSparse(x, kernel, bias, units), x, kernel, bias, units);
}

describe('sparseRowsOf', () => {
  it('keeps the non-zeros of each row in column order', () => {
    const x = sparseRowsOf(Float32Array.from([0, 2, 0, 3, 0, 0, 0, 0, 5, 0, 6, 0]), 3, 4);
    expect(x).toMatchObject({ rows: 3, cols: 4 });
    expect(Array.from(x.rowStart)).toEqual([0, 2, 2, 4]);
    expect(Array.from(x.columns)).toEqual([1, 3, 0, 2]);
    expect(Array.from(x.values)).toEqual([2, 3, 5, 6]);
  });

  it('keeps NaN and drops negative zero', () => {
    const x = sparseRowsOf(Float32Array.from([NaN, -0, -1]), 1, 3);
    expect(Array.from(x.columns)).toEqual([0, 2]);
    expect(Array.from(x.values)).toEqual([NaN, -1]);
  });

  it('handles empty matrices and rejects a size mismatch', () => {
    expect(sparseRowsOf(new Float32Array(0), 0, 784).rowStart).toEqual(Int32Array.from([0]));
    expect(() => sparseRowsOf(new Float32Array(5), 2, 3)).toThrow(/2 x 3 = 6 values, got 5/);
  });
});

describe('SparseReluAffine', () => {
  it('runs here: Node has WebAssembly SIMD', () => {
    expect(sparseKernelAvailable()).toBe(true);
  });

  it('matches the float64 definition for unit counts around the strip width', () => {
    for (const units of [1, 3, 4, 5, 16, 23, STRIP_WIDTH, 25, 47, 48, 49, 100]) check(9, 37, units, 0.3, units);
  });

  it('matches on MNIST-shaped input (784 inputs, ~19% non-zeros)', () => {
    check(120, 784, 130, 0.19, 7);
  });

  it('gives relu(b) for rows without non-zeros and for an all-zero X', () => {
    check(6, 20, 30, 0, 11, 0.02);
    const dense = randomDense(8, 20, 0.4, 12);
    dense.fill(0, 0, 20); // row 0
    dense.fill(0, 100, 140); // rows 5 and 6
    const kernel = randomArray(20 * 30, 0.05, 13);
    const bias = randomArray(30, 0.1, 14);
    const x = sparseRowsOf(dense, 8, 20);
    const { hidden } = reluAffineSparse(x, kernel, bias, 30);
    for (const i of [0, 5, 6]) {
      expect(Array.from(hidden.subarray(i * 30, (i + 1) * 30))).toEqual(Array.from(bias, (b) => Math.max(0, b)));
    }
    expectClose(reluAffineSparse(x, kernel, bias, 30), x, kernel, bias, 30);
  });

  it('zeroes everything under strongly negative biases', () => {
    const dense = randomDense(10, 15, 0.5, 21);
    const x = sparseRowsOf(dense, 10, 15);
    const result = reluAffineSparse(x, randomArray(15 * 26, 0.05, 22), new Float32Array(26).fill(-10), 26);
    expect(result.hidden.every((h) => h === 0)).toBe(true);
    expect(result.columnSums.every((s) => s === 0)).toBe(true);
    check(10, 15, 26, 0.5, 23, -0.05); // about half the activations clipped
  });

  it('handles dense X, a single input, zero rows and zero units', () => {
    check(5, 12, 29, 1, 31);
    check(4, 1, 7, 0.5, 32);
    const empty = reluAffineSparse(sparseRowsOf(new Float32Array(0), 0, 3), randomArray(3 * 5, 1, 33), randomArray(5, 1, 34), 5);
    expect(empty.hidden.length).toBe(0);
    expect(Array.from(empty.columnSums)).toEqual([0, 0, 0, 0, 0]);
    const noInputs = reluAffineSparse(sparseRowsOf(new Float32Array(0), 3, 0), new Float32Array(0), Float32Array.from([0.5, -1]), 2);
    expect(Array.from(noInputs.hidden)).toEqual([0.5, 0, 0.5, 0, 0.5, 0]);
    expect(Array.from(noInputs.columnSums)).toEqual([1.5, 0]);
    const none = reluAffineSparse(sparseRowsOf(new Float32Array(6), 2, 3), new Float32Array(0), new Float32Array(0), 0);
    expect(none.hidden.length).toBe(0);
    expect(none.columnSums.length).toBe(0);
  });

  it('accepts unsorted and repeated columns within a row (CSR as given)', () => {
    const x: SparseRows = {
      rows: 2,
      cols: 4,
      rowStart: Int32Array.from([0, 3, 5]),
      columns: Int32Array.from([3, 0, 3, 2, 1]),
      values: Float32Array.from([1, 2, 0.5, -1, 4]),
    };
    const kernel = randomArray(4 * 27, 0.5, 41);
    const bias = randomArray(27, 0.1, 42);
    for (const panelRows of [undefined, 1, 2]) {
      expectClose(new SparseReluAffine(kernel, bias, 4, 27, { panelRows }).apply(x), x, kernel, bias, 27);
    }
  });

  it('propagates NaN through the ReLU', () => {
    const x = sparseRowsOf(Float32Array.from([NaN, 0, 1, 0]), 2, 2);
    const { hidden, columnSums } = reluAffineSparse(x, Float32Array.from([1, 1, 1, 1]), Float32Array.from([0, -5]), 2);
    expect(Array.from(hidden)).toEqual([NaN, NaN, 1, 0]);
    expect(columnSums[0]).toBeNaN();
  });

  it('gives the same result in row blocks as in one block', () => {
    const dense = randomDense(53, 40, 0.25, 51);
    const kernel = randomArray(40 * 50, 0.05, 52);
    const bias = randomArray(50, 0.1, 53);
    const x = sparseRowsOf(dense, 53, 40);
    const whole = new SparseReluAffine(kernel, bias, 40, 50).apply(x);
    for (const blockBytes of [1, 1000, 5000]) {
      const blocked = new SparseReluAffine(kernel, bias, 40, 50, { blockBytes }).apply(x);
      expect(blocked.hidden).toEqual(whole.hidden);
      expect(blocked.columnSums).toEqual(whole.columnSums);
    }
    expectClose(whole, x, kernel, bias, 50);
  });

  it('gives the same result whatever the panel split of the inputs', () => {
    const dense = randomDense(31, 50, 0.3, 71);
    const kernel = randomArray(50 * 40, 0.05, 72);
    const bias = randomArray(40, 0.1, 73);
    const x = sparseRowsOf(dense, 31, 50);
    const whole = new SparseReluAffine(kernel, bias, 50, 40, { panelRows: 50 }).apply(x);
    expectClose(whole, x, kernel, bias, 40);
    for (const panelRows of [1, 7, 25, 49, 1000]) {
      // Columns in increasing order: the same additions in the same order, so equal bits.
      const panelled = new SparseReluAffine(kernel, bias, 50, 40, { panelRows, blockBytes: 3000 }).apply(x);
      expect(panelled.hidden).toEqual(whole.hidden);
      expect(panelled.columnSums).toEqual(whole.columnSums);
    }
    expect(() => new SparseReluAffine(kernel, bias, 50, 40, { panelRows: 0 })).toThrow(/panelRows must be a positive integer/);
  });

  it('reuses packed W across inputs and memory across layers', () => {
    const kernel = randomArray(30 * 70, 0.05, 61);
    const bias = randomArray(70, 0.1, 62);
    const layer = new SparseReluAffine(kernel, bias, 30, 70);
    const a = sparseRowsOf(randomDense(20, 30, 0.3, 63), 20, 30);
    const b = sparseRowsOf(randomDense(7, 30, 0.6, 64), 7, 30);
    expectClose(layer.apply(a), a, kernel, bias, 70);
    expectClose(layer.apply(b), b, kernel, bias, 70);
    const again = layer.apply(a);
    expectClose(again, a, kernel, bias, 70);
    kernel.fill(1); // the layer holds its own copy
    expect(layer.apply(a)).toEqual(again);
    layer.dispose();
    expect(() => layer.apply(a)).toThrow(/after dispose/);
    // The next, smaller layer gets the disposed layer's memory, stale contents and all.
    const kernel2 = randomArray(30 * 5, 0.05, 65);
    const bias2 = randomArray(5, 0.1, 66);
    expectClose(reluAffineSparse(a, kernel2, bias2, 5), a, kernel2, bias2, 5);
  });

  it('takes dense input: skips zeros and negative zeros, keeps NaN, checks the size', () => {
    const kernel = Float32Array.from([1, 2, 3, 4, 5, 6]); // 3 inputs x 2 units
    const bias = Float32Array.from([0.5, -100]);
    const dense = Float32Array.from([0, -0, 2, NaN, 0, 0, 0, 0, 0]);
    const { hidden, columnSums } = reluAffineDense(dense, 3, kernel, bias, 3, 2);
    // Row 0: 2 * [5, 6] + b; row 1: NaN; row 2: relu(b).
    expect(Array.from(hidden)).toEqual([10.5, 0, NaN, NaN, 0.5, 0]);
    expect(columnSums[0]).toBeNaN();
    const layer = new SparseReluAffine(kernel, bias, 3, 2);
    expect(() => layer.applyDense(new Float32Array(8), 3)).toThrow(/dense input must hold 3 x 3 = 9 values, got 8/);
    expect(() => layer.applyDense(new Float32Array(0), -1)).toThrow(/dense input rows must be a non-negative integer/);
    expect(layer.applyDense(new Float32Array(0), 0).hidden).toHaveLength(0);
    layer.dispose();
  });

  it('rejects inconsistent shapes and malformed CSR', () => {
    const kernel = new Float32Array(3 * 4);
    const bias = new Float32Array(4);
    expect(() => new SparseReluAffine(new Float32Array(11), bias, 3, 4)).toThrow(/kernel must hold 3 x 4 = 12 values, got 11/);
    expect(() => new SparseReluAffine(kernel, new Float32Array(3), 3, 4)).toThrow(/bias must hold 4 values, got 3/);
    expect(() => new SparseReluAffine(kernel, bias, 3.5, 4)).toThrow(/inputs must be a non-negative integer/);
    const layer = new SparseReluAffine(kernel, bias, 3, 4);
    const csr = (rowStart: number[], columns: number[], cols = 3): SparseRows => ({
      rows: rowStart.length - 1,
      cols,
      rowStart: Int32Array.from(rowStart),
      columns: Int32Array.from(columns),
      values: new Float32Array(columns.length).fill(1),
    });
    expect(() => layer.apply(csr([0, 1], [0], 4))).toThrow(/4 columns, the layer takes 3 inputs/);
    expect(() => layer.apply(csr([0, 1, 2], [0, 3]))).toThrow(/row 1 has column 3, outside 0..2/);
    expect(() => layer.apply(csr([0, 0, 1], [-1]))).toThrow(/row 1 has column -1/);
    expect(() => layer.apply(csr([0, 2, 1], [0, 1]))).toThrow(/rowStart decreases at row 1/);
    expect(() => layer.apply(csr([1, 2], [0, 1]))).toThrow(/starting at 0/);
    expect(() => layer.apply(csr([0, 3], [0, 1]))).toThrow(/rowStart ends at 3/);
    expect(() => layer.apply({ ...csr([0, 1], [0]), rows: 2 })).toThrow(/rowStart must hold 3 offsets/);
  });

  it('matches the definition on arbitrary shapes, sparsity and biases (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 80 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: -0.2, max: 0.2, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(undefined, 64, 4096),
        fc.constantFrom(undefined, 1, 3, 16),
        (rows, inputs, units, density, biasOffset, seed, blockBytes, panelRows) => {
          const dense = randomDense(rows, inputs, density, seed);
          const kernel = randomArray(inputs * units, 0.1, seed ^ 0x5bd1e995);
          const bias = randomArray(units, 0.1, seed ^ 0x1b873593, biasOffset);
          const x = sparseRowsOf(dense, rows, inputs);
          const layer = new SparseReluAffine(kernel, bias, inputs, units, { blockBytes, panelRows });
          try {
            const fromCsr = layer.apply(x);
            expectClose(fromCsr, x, kernel, bias, units);
            // The dense form finds the same entries in the same order: the same bits.
            const fromDense = layer.applyDense(dense, rows);
            expect(fromDense.hidden).toEqual(fromCsr.hidden);
            expect(fromDense.columnSums).toEqual(fromCsr.columnSums);
          } finally {
            layer.dispose();
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is bit for bit the float32 reference (same k order, no FMA) on random sparse inputs and odd sizes (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 45 }),
        fc.integer({ min: 1, max: 101 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(undefined, 64, 4096),
        fc.constantFrom(undefined, 1, 5, 16),
        fc.boolean(),
        (rows, inputs, units, density, seed, blockBytes, panelRows, oddValues) => {
          const x = randomDense(rows, inputs, density, seed);
          const kernel = randomArray(inputs * units, 0.3, seed ^ 0x5bd1e995);
          const bias = randomArray(units, 0.2, seed ^ 0x1b873593);
          if (oddValues && rows * inputs > 0 && units > 1) {
            // Negative zeros (skipped like zeros), a NaN pixel, a -0 bias, an infinite weight.
            x[seed % x.length] = -0;
            x[(seed >> 3) % x.length] = Number.NaN;
            bias[seed % units] = -0;
            kernel[(seed >> 5) % kernel.length] = Number.POSITIVE_INFINITY;
          }
          const exact = exactReluAffine(x, rows, inputs, kernel, bias, units);
          const layer = new SparseReluAffine(kernel, bias, inputs, units, { blockBytes, panelRows });
          try {
            const dense = layer.applyDense(x, rows);
            expectSameBits(dense.hidden, exact.hidden, 'H (dense input)');
            expectSameBits(dense.columnSums, exact.columnSums, 'column sums (dense input)');
            const sparse = layer.apply(sparseRowsOf(x, rows, inputs));
            expectSameBits(sparse.hidden, exact.hidden, 'H (CSR input)');
          } finally {
            layer.dispose();
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('pads odd entry counts without changing a bit: a -0 sum stays -0', () => {
    // Column 0: bias -0 and weights -0, so every product is -0 and the exact sum stays -0 (ReLU
    // keeps it); a padding product of +0 would turn it into +0. Column 1 has ordinary values.
    // Rows with 1, 2, 3 and 5 non-zeros, in one panel and in panels of 2 inputs (odd counts per panel).
    const inputs = 6;
    const units = 2;
    const kernel = new Float32Array(inputs * units);
    for (let k = 0; k < inputs; k++) [kernel[k * units], kernel[k * units + 1]] = [-0, 0.25 * (k + 1)];
    const bias = Float32Array.from([-0, 0.5]);
    const x = Float32Array.from([1, 0, 0, 0, 0, 0, 2, 3, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 2, 0, 3, 4, 5]);
    const exact = exactReluAffine(x, 4, inputs, kernel, bias, units);
    for (let i = 0; i < 4; i++) expect(Object.is(exact.hidden[i * units], -0)).toBe(true);
    for (const panelRows of [undefined, 2]) {
      const layer = new SparseReluAffine(kernel, bias, inputs, units, { panelRows });
      try {
        expectSameBits(layer.applyDense(x, 4).hidden, exact.hidden, `H (dense input, panels of ${panelRows ?? 'all'})`);
        expectSameBits(layer.apply(sparseRowsOf(x, 4, inputs)).hidden, exact.hidden, `H (CSR input, panels of ${panelRows ?? 'all'})`);
      } finally {
        layer.dispose();
      }
    }
  });

  it('is bit for bit the float32 reference on an MNIST-shaped block (784 inputs, 1031 units)', () => {
    const rows = 23;
    const x = randomDense(rows, 784, 0.19, 77);
    const kernel = randomArray(784 * 1031, 0.05, 78);
    const bias = randomArray(1031, 0.05, 79);
    const exact = exactReluAffine(x, rows, 784, kernel, bias, 1031);
    const result = reluAffineDense(x, rows, kernel, bias, 784, 1031);
    expectSameBits(result.hidden, exact.hidden, 'H');
    expectSameBits(result.columnSums, exact.columnSums, 'column sums');
  });
});
