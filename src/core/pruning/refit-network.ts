/**
 * Applies the ridge refit layer by layer: for each pruned hidden layer l, the kept activations
 * (through the already pruned and refit prefix) are mapped onto the dense network's
 * pre-activations of layer l+1, restricted to the neurons layer l+1 keeps.
 */
import { affine, relativeDistance } from '../algebra';
import { throwIfCancelled, type CancelToken } from '../errors';
import type { DenseLayer, Mlp } from '../model/mlp';
import { hiddenRepresentation } from './layer-problem';
import { ridgeRefit } from './refit';

export interface RefitLayerReport {
  /** ||Z_pruned - Z_dense||_F / ||Z_dense||_F of layer l+1's kept pre-activations, before refit. */
  readonly before: number;
  /** The same after refit. */
  readonly after: number;
  readonly lambda: number;
}

/**
 * `dense` is the original network, `selected` the pruned one with original weights and
 * `keptPerHiddenLayer[l]` the dense indices hidden layer l kept.
 */
export function refitNetwork(
  dense: Mlp,
  selected: Mlp,
  keptPerHiddenLayer: readonly (readonly number[])[],
  calibration: Float32Array,
  signal?: CancelToken,
): { model: Mlp; layers: RefitLayerReport[] } {
  const inputSize = dense.layers[0].inputSize;
  const samples = calibration.length / inputSize;
  const layers: DenseLayer[] = [...selected.layers];
  const reports: RefitLayerReport[] = [];
  // Hidden layers through the sparse kernel (as the layer problem computes them), the rest in
  // float64 on typed arrays: the refit is the same on every tfjs backend.
  let denseActivations = calibration;
  let prunedActivations = calibration;
  for (let l = 0; l < layers.length - 1; l++) {
    throwIfCancelled(signal);
    const next = l + 1;
    const isLast = next === layers.length - 1;
    const denseHidden = hiddenRepresentation(denseActivations, samples, dense.layers[l]).hidden;
    const prunedHidden = hiddenRepresentation(prunedActivations, samples, layers[l]).hidden;
    const denseNextPre = affine(denseHidden, samples, dense.layers[next]);
    const target = isLast ? denseNextPre : gatherColumns64(denseNextPre, samples, dense.layers[next].units, keptPerHiddenLayer[next]);
    const outputs = layers[next].units;
    const before = relativeDistance(affine(prunedHidden, samples, layers[next]), target);
    const solution = ridgeRefit(prunedHidden, samples, layers[l].units, target, outputs);
    layers[next] = { ...layers[next], kernel: solution.kernel, bias: solution.bias };
    const after = relativeDistance(affine(prunedHidden, samples, layers[next]), target);
    reports.push({ before, after, lambda: solution.lambda });
    denseActivations = denseHidden;
    prunedActivations = prunedHidden;
  }
  return { model: { layers }, layers: reports };
}

function gatherColumns64(values: Float64Array, rows: number, cols: number, columns: readonly number[]): Float64Array {
  const out = new Float64Array(rows * columns.length);
  for (let i = 0; i < rows; i++) columns.forEach((j, k) => (out[i * columns.length + k] = values[i * cols + j]));
  return out;
}

