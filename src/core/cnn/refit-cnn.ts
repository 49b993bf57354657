/**
 * The least-squares refit (ALGORITHM.md) for a Cnn: for each pruned hidden layer, the next
 * weighted layer's kept weights and bias become the ridge solution mapping the pruned network's
 * kept activations to the dense network's pre-activations of that next layer. For a conv next
 * layer the design rows are the kept channels' patches (one row per sample and output position,
 * columns in kernel order), for a Dense after a Flatten the flattened kept maps.
 */
import * as tf from '@tensorflow/tfjs';
import { OptionError, throwIfCancelled, type CancelToken } from '../errors';
import { ridgeRefit } from '../pruning/refit';
import { affine, relativeDistance } from '../algebra';
import type { Cnn, CnnLayer, WeightedLayer } from './cnn';
import { applyLayers, weightedPreActivation } from './cnn-forward';
import { hiddenStages, nextConvView } from './cnn-shrink';
import { imageToColumns } from './train-cnn';

export interface CnnRefitLayerReport {
  /** ||Z_pruned - Z_dense||_F / ||Z_dense||_F of the next layer's kept pre-activations, before refit. */
  readonly before: number;
  readonly after: number;
  readonly lambda: number;
}

/**
 * `dense` is the original network, `selected` the pruned one with original weights and
 * `keptPerStage[s]` the dense indices hidden stage s kept.
 */
export async function refitCnn(
  dense: Cnn,
  selected: Cnn,
  keptPerStage: readonly (readonly number[])[],
  calibration: Float32Array,
  signal?: CancelToken,
): Promise<{ model: Cnn; layers: CnnRefitLayerReport[] }> {
  const [height, width, depth] = dense.inputShape;
  const samples = calibration.length / (height * width * depth);
  const denseStages = hiddenStages(dense);
  const prunedStages = hiddenStages(selected);
  const layers: CnnLayer[] = [...selected.layers];
  const pruned = (): Cnn => ({ inputShape: selected.inputShape, layers });
  const reports: CnnRefitLayerReport[] = [];
  let denseInputs = tf.tensor4d(calibration, [samples, height, width, depth]);
  let prunedInputs = denseInputs.clone();
  try {
    for (const [s, stage] of denseStages.entries()) {
      throwIfCancelled(signal);
      const prunedStage = prunedStages[s];
      const isLast = s === denseStages.length - 1;
      const next = layers[stage.next] as WeightedLayer;
      const view = nextConvView(next, prunedStage.hiddenShape);
      const step = tf.tidy(() => {
        const denseHidden = applyLayers(dense, denseInputs, stage.layer, stage.hiddenEnd);
        const prunedHidden = applyLayers(pruned(), prunedInputs, stage.layer, stage.hiddenEnd);
        const denseNextInputs = applyLayers(dense, denseHidden, stage.hiddenEnd, stage.next);
        const densePre = weightedPreActivation(denseNextInputs, dense.layers[stage.next] as WeightedLayer);
        const keptNext = isLast ? null : tf.tensor1d(Int32Array.from(keptPerStage[s + 1]), 'int32');
        const target4 = keptNext ? (tf.gather(densePre, keptNext, 3) as tf.Tensor4D) : densePre;
        const outputs = target4.shape[3];
        const target = tf.reshape(target4, [-1, outputs]) as tf.Tensor2D;
        const design = imageToColumns(prunedHidden, view.kernelSize[0], view.kernelSize[1], view.strides, view.padding);
        return { denseNextInputs, prunedNextInputs: applyLayers(pruned(), prunedHidden, stage.hiddenEnd, stage.next), target, design };
      });
      try {
        const [rows, columns] = step.design.shape;
        if (rows <= columns) {
          throw new OptionError(
            `refit of hidden layer ${s + 1} needs more rows (samples x output positions: ${rows}) than weights per output (${columns}): raise --samples or lower --keep`,
          );
        }
        const outputs = step.target.shape[1];
        const design = (await step.design.data()) as Float32Array;
        const target = (await step.target.data()) as Float32Array;
        const before = relativeError(design, rows, columns, next.kernel, next.bias, target, outputs);
        const solution = ridgeRefit(design, rows, columns, target, outputs);
        layers[stage.next] = { ...next, kernel: solution.kernel, bias: solution.bias };
        const after = relativeError(design, rows, columns, solution.kernel, solution.bias, target, outputs);
        reports.push({ before, after, lambda: solution.lambda });
      } finally {
        step.target.dispose();
        step.design.dispose();
      }
      denseInputs.dispose();
      prunedInputs.dispose();
      denseInputs = step.denseNextInputs;
      prunedInputs = step.prunedNextInputs;
    }
  } finally {
    denseInputs.dispose();
    prunedInputs.dispose();
  }
  return { model: { inputShape: selected.inputShape, layers }, layers: reports };
}


/** ||design * kernel + bias - target||_F / ||target||_F, the kernel row-major `[columns, outputs]`. */
function relativeError(design: Float32Array, rows: number, columns: number, kernel: Float32Array, bias: Float32Array, target: Float32Array, outputs: number): number {
  return relativeDistance(affine(design, rows, { inputSize: columns, units: outputs, kernel, bias }), target);
}
