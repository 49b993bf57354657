/**
 * What the step mode needs beyond the kept set, for the first hidden layer: GFS's additions in
 * order with the residual after each, or the score top-k and magnitude ranked neurons by.
 */
import type { DenseLayer } from '../core/model/mlp';
import { magnitudeScores } from '../core/pruning/baselines';
import { prefixResiduals } from '../core/pruning/gfs-trace';
import type { LayerProblem } from '../core/pruning/layer-problem';
import type { PruneMethod } from '../core/pruning/methods';
import type { PrunedLayerView } from './types';

export function selectionTrace(
  method: PruneMethod,
  order: readonly number[] | undefined,
  problem: LayerProblem,
  layer: DenseLayer,
): Pick<PrunedLayerView, 'additions' | 'criterion'> {
  switch (method) {
    case 'gfs':
      return order ? { additions: { order: [...order], residuals: prefixResiduals(problem, order) } } : {};
    case 'topk':
      return { criterion: Array.from(problem.hiddenSums) };
    case 'magnitude':
      return { criterion: Array.from(magnitudeScores(layer)) };
    default:
      return {};
  }
}
