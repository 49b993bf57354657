/**
 * The engine's small dense algebra on typed arrays, accumulated in float64, so that kept sets,
 * residuals and refits are the same on every tfjs backend (WebGPU, WASM, CPU) and never wait
 * for a GPU read. Matrices are row-major. Products skip zero entries of their left operand:
 * ReLU outputs and MNIST pixels are mostly zero, and a skipped term adds exactly nothing.
 */

/** `a b` for `a` (`rows x inner`) and `b` (`inner x cols`). */
export function matMul(a: ArrayLike<number>, rows: number, inner: number, b: ArrayLike<number>, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const from = i * inner;
    const to = i * cols;
    for (let k = 0; k < inner; k++) {
      const value = a[from + k];
      if (value === 0) continue;
      const row = k * cols;
      for (let c = 0; c < cols; c++) out[to + c] += value * b[row + c];
    }
  }
  return out;
}

/** `a^T b` for `a` (`rows x colsA`) and `b` (`rows x colsB`); rows are summed in order. */
export function transposedMatMul(a: ArrayLike<number>, rows: number, colsA: number, b: ArrayLike<number>, colsB: number): Float64Array {
  const out = new Float64Array(colsA * colsB);
  for (let i = 0; i < rows; i++) {
    const fromA = i * colsA;
    const fromB = i * colsB;
    for (let k = 0; k < colsA; k++) {
      const value = a[fromA + k];
      if (value === 0) continue;
      const to = k * colsB;
      for (let c = 0; c < colsB; c++) out[to + c] += value * b[fromB + c];
    }
  }
  return out;
}

/** `a^T a` (`cols x cols`, symmetric) for `a` (`rows x cols`): each row's non-zeros once, upper triangle mirrored. */
export function gram(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols * cols);
  const live = new Int32Array(cols);
  for (let i = 0; i < rows; i++) {
    const from = i * cols;
    let count = 0;
    for (let k = 0; k < cols; k++) if (a[from + k] !== 0) live[count++] = k;
    for (let p = 0; p < count; p++) {
      const j = live[p];
      const value = a[from + j];
      const to = j * cols;
      for (let q = p; q < count; q++) out[to + live[q]] += value * a[from + live[q]];
    }
  }
  for (let j = 0; j < cols; j++) for (let k = j + 1; k < cols; k++) out[k * cols + j] = out[j * cols + k];
  return out;
}

/** `inputs W + b` for a dense layer (`kernel` row-major `inputSize x units`). */
export function affine(inputs: ArrayLike<number>, rows: number, layer: { readonly inputSize: number; readonly units: number; readonly kernel: ArrayLike<number>; readonly bias: ArrayLike<number> }): Float64Array {
  const out = matMul(inputs, rows, layer.inputSize, layer.kernel, layer.units);
  for (let m = 0; m < out.length; m++) out[m] += layer.bias[m % layer.units];
  return out;
}

/** `||a||_F`. */
export function frobeniusNorm(a: ArrayLike<number>): number {
  let sum = 0;
  for (let m = 0; m < a.length; m++) sum += a[m] * a[m];
  return Math.sqrt(sum);
}

/** `||a - b||_F`. */
export function frobeniusDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let m = 0; m < a.length; m++) sum += (a[m] - b[m]) ** 2;
  return Math.sqrt(sum);
}

/** `||a - b||_F / ||b||_F`, or `||a - b||_F` where `b` is all zero. */
export function relativeDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const diff = frobeniusDistance(a, b);
  const norm = frobeniusNorm(b);
  return norm === 0 ? diff : diff / norm;
}
