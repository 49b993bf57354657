/** Accuracy and size metrics, dense against pruned. */
import { mlpPredictClasses } from './model/forward';
import { macsPerExample, parameterCount, type Mlp } from './model/mlp';

/** Fraction of `labels` the model predicts correctly. */
export async function accuracy(model: Mlp, images: Float32Array, labels: ArrayLike<number>): Promise<number> {
  const count = labels.length;
  if (count === 0) return NaN;
  const predicted = await mlpPredictClasses(model, images, count);
  let correct = 0;
  for (let i = 0; i < count; i++) if (predicted[i] === labels[i]) correct++;
  return correct / count;
}

export interface SizeComparison {
  readonly params: { readonly dense: number; readonly pruned: number };
  readonly macs: { readonly dense: number; readonly pruned: number };
}

export function compareSizes(dense: Mlp, pruned: Mlp): SizeComparison {
  return {
    params: { dense: parameterCount(dense), pruned: parameterCount(pruned) },
    macs: { dense: macsPerExample(dense), pruned: macsPerExample(pruned) },
  };
}
