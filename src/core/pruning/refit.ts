/**
 * Least-squares refit of the layer after each pruned one (ALGORITHM.md): the kept rows of the next
 * kernel and its bias become the ridge solution mapping the pruned network's kept activations to
 * the dense network's pre-activations, solved by Cholesky on the (s+1) x (s+1) normal equations.
 */
import { gram as gramOf, transposedMatMul } from '../algebra';
import { OptionError } from '../errors';

export interface RefitSolution {
  /** Row-major `[s, outputs]`. */
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly lambda: number;
}

/**
 * Solves `argmin ||[H 1] theta - Z||_F^2 + lambda ||theta||_F^2` with
 * `lambda = 1e-3 * trace(B^T B) / (s + 1)`, `B = [H 1]`, for `H` = `keptActivations`
 * (row-major `samples x kept`) and `Z` = `target` (row-major `samples x outputs`), in float64.
 */
export function ridgeRefit(keptActivations: ArrayLike<number>, samples: number, kept: number, target: ArrayLike<number>, outputs: number): RefitSolution {
  if (samples <= kept) {
    throw new OptionError(
      `refit needs more calibration samples than kept neurons (${samples} samples, ${kept} kept): raise --samples or lower --keep`,
    );
  }
  const size = kept + 1;
  const design = new Float64Array(samples * size);
  for (let i = 0; i < samples; i++) {
    for (let k = 0; k < kept; k++) design[i * size + k] = keptActivations[i * kept + k];
    design[i * size + kept] = 1;
  }
  const gram = gramOf(design, samples, size);
  const rhs = transposedMatMul(design, samples, size, target, outputs);
  let trace = 0;
  for (let i = 0; i < size; i++) trace += gram[i * size + i];
  const lambda = (1e-3 * trace) / size;
  // An all-zero design (every kept neuron dead) still needs a solvable system.
  const ridge = lambda > 0 ? lambda : 1e-12;
  for (let i = 0; i < size; i++) gram[i * size + i] += ridge;
  const solution = choleskySolve(gram, rhs, size, outputs);
  return {
    kernel: Float32Array.from(solution.subarray(0, kept * outputs)),
    bias: Float32Array.from(solution.subarray(kept * outputs)),
    lambda: ridge,
  };
}

/**
 * Solves `A X = B` for symmetric positive definite `A` (`size x size`, row-major) and `B`
 * (`size x columns`). `A` is overwritten by its Cholesky factor.
 */
export function choleskySolve(matrix: Float64Array, rhs: Float64Array, size: number, columns: number): Float64Array {
  for (let j = 0; j < size; j++) {
    let diagonal = matrix[j * size + j];
    for (let k = 0; k < j; k++) diagonal -= matrix[j * size + k] ** 2;
    if (!(diagonal > 0)) throw new Error(`refit: normal equations not positive definite at row ${j}`);
    const pivot = Math.sqrt(diagonal);
    matrix[j * size + j] = pivot;
    for (let i = j + 1; i < size; i++) {
      let value = matrix[i * size + j];
      for (let k = 0; k < j; k++) value -= matrix[i * size + k] * matrix[j * size + k];
      matrix[i * size + j] = value / pivot;
    }
  }
  const solution = Float64Array.from(rhs);
  for (let c = 0; c < columns; c++) {
    for (let i = 0; i < size; i++) {
      let value = solution[i * columns + c];
      for (let k = 0; k < i; k++) value -= matrix[i * size + k] * solution[k * columns + c];
      solution[i * columns + c] = value / matrix[i * size + i];
    }
    for (let i = size - 1; i >= 0; i--) {
      let value = solution[i * columns + c];
      for (let k = i + 1; k < size; k++) value -= matrix[k * size + i] * solution[k * columns + c];
      solution[i * columns + c] = value / matrix[i * size + i];
    }
  }
  return solution;
}
