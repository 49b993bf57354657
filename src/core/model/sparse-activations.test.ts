import { describe, expect, it } from 'vitest';
import { seededUniform } from '../pruning/baselines';
import {
  accumulateColumns,
  countArgmaxMatches,
  gatherBlockColumns,
  MAX_BLOCK_ROWS,
  mergeColumnBlocks,
  sparseColumnBlock,
  sparseColumnBlockBytes,
  SparseActivations,
} from './sparse-activations';

/** A ReLU-like matrix: about `density` of the entries positive, the rest exactly zero. */
function reluMatrix(rows: number, units: number, density: number, seed: number): Float32Array {
  const uniform = seededUniform(seed);
  return Float32Array.from({ length: rows * units }, () => (uniform() < density ? uniform() * 3 : 0));
}

function randomValues(length: number, seed: number): Float32Array {
  const uniform = seededUniform(seed);
  return Float32Array.from({ length }, () => 2 * uniform() - 1);
}

/** bias + H[:, columns] W (W rows in the order of `columns`), straight from the dense matrix, in float64. */
function denseLinear(hidden: Float32Array, rows: number, units: number, columns: readonly number[], kernel: ArrayLike<number>, bias: ArrayLike<number>): Float64Array {
  const outputs = bias.length;
  const out = new Float64Array(rows * outputs);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < outputs; c++) {
      let sum = bias[c];
      columns.forEach((j, k) => (sum += hidden[r * units + j] * kernel[k * outputs + c]));
      out[r * outputs + c] = sum;
    }
  }
  return out;
}

function expectClose(actual: Float64Array, expected: Float64Array, tolerance = 1e-9) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i])));
  expect(worst).toBeLessThan(tolerance);
}

describe('sparse column blocks', () => {
  it('keep exactly the non-zeros: gathering every column gives the dense block back', () => {
    const rows = 37;
    const units = 29;
    const hidden = reluMatrix(rows, units, 0.3, 1);
    hidden.fill(0, 5 * units, 6 * units); // an all-zero row
    for (let r = 0; r < rows; r++) hidden[r * units + 7] = 0; // a dead unit
    const block = sparseColumnBlock(hidden, rows, units);
    const nonZeros = hidden.reduce((n, h) => n + (h !== 0 ? 1 : 0), 0);
    expect(block.values).toHaveLength(nonZeros);
    expect(block.columnStart[8] - block.columnStart[7]).toBe(0);
    expect(sparseColumnBlockBytes(block)).toBe((units + 1) * 4 + nonZeros * 6);
    const all = Array.from({ length: units }, (_, j) => j);
    expect(gatherBlockColumns(block, all)).toEqual(hidden);
    const some = [0, 3, 7, 28];
    const gathered = gatherBlockColumns(block, some);
    for (let r = 0; r < rows; r++) some.forEach((j, k) => expect(gathered[r * some.length + k]).toBe(hidden[r * units + j]));
  });

  it('refuse blocks too tall for 16-bit row offsets and inconsistent sizes', () => {
    expect(() => sparseColumnBlock(new Float32Array(0), MAX_BLOCK_ROWS + 1, 0)).toThrow(/rows must be an integer/);
    expect(() => sparseColumnBlock(new Float32Array(5), 2, 3)).toThrow(/expected 2 x 3 = 6 values, got 5/);
  });

  it('accumulate the listed columns times their weights, for ten outputs and for any other count', () => {
    const rows = 50;
    const units = 40;
    const hidden = reluMatrix(rows, units, 0.4, 2);
    const block = sparseColumnBlock(hidden, rows, units);
    const columns = [1, 4, 5, 17, 39];
    for (const outputs of [10, 3]) {
      const kernel = randomValues(columns.length * outputs, outputs);
      const zeroBias = new Float64Array(outputs);
      const out = new Float64Array(rows * outputs);
      accumulateColumns(block, columns, kernel, outputs, out);
      expectClose(out, denseLinear(hidden, rows, units, columns, kernel, zeroBias));
      // byColumn reads the weight row of each unit; sign -1 takes the contribution away again.
      const full = randomValues(units * outputs, 10 + outputs);
      const picked = Float32Array.from(columns.flatMap((j) => Array.from(full.subarray(j * outputs, (j + 1) * outputs))));
      const byColumn = new Float64Array(rows * outputs);
      accumulateColumns(block, columns, full, outputs, byColumn, { byColumn: true });
      expectClose(byColumn, denseLinear(hidden, rows, units, columns, picked, zeroBias));
      accumulateColumns(block, columns, full, outputs, byColumn, { byColumn: true, sign: -1 });
      expectClose(byColumn, new Float64Array(rows * outputs), 1e-12);
    }
  });

  it('count argmax matches with the first maximum winning ties', () => {
    const scores = [0, 2, 2, /* */ 5, 1, 0, /* */ -1, -3, -2];
    expect(countArgmaxMatches(scores, 3, 3, [1, 0, 0])).toBe(3);
    expect(countArgmaxMatches(scores, 3, 3, [2, 0, 2])).toBe(1);
    expect(countArgmaxMatches(scores, 2, 3, [9, 1, 0], 1)).toBe(2);
    expect(countArgmaxMatches(scores, 2, 3, [9, 1, 0], 0)).toBe(0);
  });
});

describe('mergeColumnBlocks', () => {
  it('gives the block of the stacked rows, column by column with rows ascending', () => {
    const units = 7;
    const parts = [5, 1, 9, 0, 4];
    const rows = parts.reduce((a, b) => a + b, 0);
    const hidden = reluMatrix(rows, units, 0.4, 21);
    hidden.fill(0, 3 * units, 4 * units); // an all-zero row
    for (let r = 0; r < rows; r++) hidden[r * units + 5] = 0; // an all-zero column
    const blocks: ReturnType<typeof sparseColumnBlock>[] = [];
    let start = 0;
    for (const count of parts) {
      blocks.push(sparseColumnBlock(hidden.slice(start * units, (start + count) * units), count, units));
      start += count;
    }
    const merged = mergeColumnBlocks(blocks);
    const whole = sparseColumnBlock(hidden, rows, units);
    expect(merged.rows).toBe(rows);
    expect(Array.from(merged.columnStart)).toEqual(Array.from(whole.columnStart));
    expect(Array.from(merged.rowIndex)).toEqual(Array.from(whole.rowIndex));
    expect(Array.from(merged.values)).toEqual(Array.from(whole.values));
    expect(mergeColumnBlocks([blocks[0]])).toBe(blocks[0]);
    expect(() => mergeColumnBlocks([blocks[0], sparseColumnBlock(new Float32Array(3), 1, 3)])).toThrow(/blocks of 7 and 3 units/);
  });
});

describe('SparseActivations', () => {
  const units = 60;
  const outputs = 10;
  const blockRows = [40, 40, 13];
  const rows = blockRows.reduce((a, b) => a + b, 0);
  const hidden = reluMatrix(rows, units, 0.25, 3);
  const kernel = randomValues(units * outputs, 4);
  const bias = randomValues(outputs, 5);
  const all = Array.from({ length: units }, (_, j) => j);

  function cache(withReference: boolean, inWasm = true): SparseActivations {
    const activations = new SparseActivations(units, { kernel: inWasm });
    let start = 0;
    for (const count of blockRows) {
      activations.append(sparseColumnBlock(hidden.slice(start * units, (start + count) * units), count, units));
      start += count;
    }
    if (withReference) activations.setReference(kernel, bias, denseLinear(hidden, rows, units, all, kernel, bias));
    return activations;
  }

  const keptRows = (columns: readonly number[], weights: Float32Array) =>
    Float32Array.from(columns.flatMap((j) => Array.from(weights.subarray(j * outputs, (j + 1) * outputs))));

  it('count rows, bytes and non-zeros per unit across blocks', () => {
    const activations = cache(false);
    expect(activations.rows).toBe(rows);
    expect(activations.blocks).toHaveLength(3);
    for (const j of [0, 11, 59]) {
      let nonZeros = 0;
      for (let r = 0; r < rows; r++) if (hidden[r * units + j] !== 0) nonZeros++;
      expect(activations.columnNonZeros[j]).toBe(nonZeros);
    }
    expect(activations.bytes).toBe(activations.blocks.reduce((sum, block) => sum + sparseColumnBlockBytes(block), 0));
  });

  it('give bias + H[:, S] W_S for any kept set, with or without the dense reference (raw and changed weights)', () => {
    const uniform = seededUniform(6);
    const sets = [[17], all, all.filter(() => uniform() < 0.2), all.filter(() => uniform() < 0.9), all.slice(0, 30)];
    for (const withReference of [false, true]) {
      const activations = cache(withReference);
      for (const columns of sets) {
        const raw = { kernel: keptRows(columns, kernel), bias };
        expectClose(activations.linearOutputs(columns, raw), denseLinear(hidden, rows, units, columns, raw.kernel, bias));
        // Into a reused buffer that holds the previous set's outputs: the same values, in that buffer.
        const into = activations.linearOutputs(sets[0], { kernel: keptRows(sets[0], kernel), bias });
        expect(activations.linearOutputs(columns, raw, undefined, into)).toBe(into);
        expect(into).toEqual(activations.linearOutputs(columns, raw));
        // Refit changes the kept rows and the bias: the reference no longer applies.
        const refit = { kernel: randomValues(columns.length * outputs, columns.length), bias: randomValues(outputs, 7) };
        expectClose(activations.linearOutputs(columns, refit), denseLinear(hidden, rows, units, columns, refit.kernel, refit.bias));
      }
    }
  });

  it('walk in WebAssembly with the same bits as in JavaScript, blocks and bytes alike', () => {
    const uniform = seededUniform(8);
    const sets = [[], [3], all, all.filter(() => uniform() < 0.1), all.filter(() => uniform() < 0.7), all.slice(25)];
    for (const withReference of [false, true]) {
      const wasm = cache(withReference, true);
      const js = cache(withReference, false);
      expect(wasm.bytes).toBe(js.bytes);
      expect(wasm.blocks.map((block) => [block.rows, Array.from(block.columnStart), Array.from(block.rowIndex), Array.from(block.values)])).toEqual(
        js.blocks.map((block) => [block.rows, Array.from(block.columnStart), Array.from(block.rowIndex), Array.from(block.values)]),
      );
      for (const columns of sets) {
        const raw = { kernel: keptRows(columns, kernel), bias };
        expect(wasm.linearOutputs(columns, raw)).toEqual(js.linearOutputs(columns, raw));
        const refit = { kernel: randomValues(columns.length * outputs, columns.length + 1), bias: randomValues(outputs, 9) };
        expect(wasm.linearOutputs(columns, refit)).toEqual(js.linearOutputs(columns, refit));
      }
    }
  });

  it('walk in WebAssembly for outputs wider than one strip (13) and narrower (3)', () => {
    for (const width of [3, 13]) {
      const wasm = new SparseActivations(units);
      const js = new SparseActivations(units, { kernel: false });
      let start = 0;
      for (const count of blockRows) {
        const block = sparseColumnBlock(hidden.slice(start * units, (start + count) * units), count, units);
        wasm.append(block);
        js.append(block);
        start += count;
      }
      const columns = all.filter((j) => j % 3 !== 1);
      const readout = { kernel: randomValues(columns.length * width, 11), bias: randomValues(width, 12) };
      const expected = js.linearOutputs(columns, readout);
      expect(wasm.linearOutputs(columns, readout)).toEqual(expected);
      expectClose(expected, denseLinear(hidden, rows, units, columns, readout.kernel, readout.bias));
    }
  });

  it('with the reference, keeping everything returns the reference outputs exactly', () => {
    const activations = cache(true);
    const reference = denseLinear(hidden, rows, units, all, kernel, bias);
    expect(activations.linearOutputs(all, { kernel: keptRows(all, kernel), bias })).toEqual(reference);
  });

  it('refuse a kernel that does not match the kept set, and a block of another width', () => {
    const activations = cache(false);
    expect(() => activations.linearOutputs([1, 2], { kernel: new Float32Array(outputs), bias })).toThrow(/expected 2 x 10/);
    expect(() => activations.linearOutputs([1], { kernel: new Float32Array(outputs), bias }, undefined, new Float64Array(3))).toThrow(/into holds 3 values/);
    expect(() => activations.append(sparseColumnBlock(new Float32Array(4), 1, 4))).toThrow(/block has 4 units, the cache 60/);
  });
});
