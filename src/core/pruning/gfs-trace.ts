/**
 * The relative residual after each of greedy selection's additions, for the step mode that walks
 * GFS one neuron at a time. Plain arithmetic on the layer problem: each addition subtracts one
 * rank-one term H[:, j] V[j, :] from R, O(n d_out), so a 1,000-neuron trace costs milliseconds.
 */
import type { LayerProblem } from './layer-problem';

/** `||U - H[:, S_k] V[S_k, :]||_F / ||U||_F` for each prefix S_k = order[0..k] (k = 1..order.length). */
export function prefixResiduals(problem: Pick<LayerProblem, 'samples' | 'units' | 'outputs' | 'hidden' | 'nextKernel' | 'denseOutput'>, order: readonly number[]): number[] {
  const { samples, units, outputs, hidden, nextKernel, denseOutput } = problem;
  const residual = Float64Array.from(denseOutput);
  let denseSq = 0;
  for (const value of residual) denseSq += value * value;
  const trace: number[] = [];
  for (const j of order) {
    let sq = 0;
    for (let i = 0; i < samples; i++) {
      const h = hidden[i * units + j];
      const row = i * outputs;
      for (let k = 0; k < outputs; k++) {
        if (h !== 0) residual[row + k] -= h * nextKernel[j * outputs + k];
        sq += residual[row + k] * residual[row + k];
      }
    }
    trace.push(denseSq > 0 ? Math.sqrt(sq / denseSq) : 0);
  }
  return trace;
}
