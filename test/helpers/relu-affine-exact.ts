/**
 * relu(X W + b) in exactly the sparse kernel's float32 arithmetic, in plain JavaScript: per output,
 * the bias, then `+ x_ik * w_kj` for the non-zero x_ik (NaN included, either zero skipped) in
 * increasing k, each product and sum rounded to float32 (Math.fround of the double result is
 * the correctly rounded float32 one), then ReLU as `h < 0 ? 0 : h` (NaN and -0 kept: f32x4.pmax);
 * column sums in float64, rows in order. Any change of order, FMA or skipped rounding shows.
 */
import { expect } from 'vitest';

export function exactReluAffine(x: Float32Array, rows: number, inputs: number, kernel: Float32Array, bias: Float32Array, units: number) {
  const hidden = new Float32Array(rows * units);
  const columnSums = new Float64Array(units);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < units; j++) {
      let h = bias[j];
      for (let k = 0; k < inputs; k++) {
        const v = x[i * inputs + k];
        if (v !== 0) h = Math.fround(h + Math.fround(v * kernel[k * units + j]));
      }
      hidden[i * units + j] = h < 0 ? 0 : h;
      columnSums[j] += hidden[i * units + j];
    }
  }
  return { hidden, columnSums };
}

/** Every element the same value, -0 and +0 told apart, NaN equal to NaN. */
export function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let e = 0; e < expected.length; e++) {
    if (!Object.is(actual[e], expected[e])) expect.fail(`${what}[${e}] is ${actual[e]}, the exact float32 reference ${expected[e]}`);
  }
}
