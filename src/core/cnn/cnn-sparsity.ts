/** How sparse a CNN's hidden representations are: the share of hidden ReLU outputs exactly zero. */
import * as tf from '@tensorflow/tfjs';
import type { Cnn } from './cnn';
import { applyLayer, imagesTensor } from './cnn-forward';
import { hiddenStages } from './cnn-shrink';

export interface CnnZeroFractions {
  /** Over all hidden ReLU outputs (conv maps before pooling, hidden Dense units), each counted once per image. */
  readonly overall: number;
  /** One per hidden weighted layer. */
  readonly perLayer: number[];
}

/** Fractions of exactly-zero hidden activations on the first `count` images, in batches. */
export async function cnnHiddenZeroFractions(model: Cnn, images: Float32Array, count: number, batchSize = 500): Promise<CnnZeroFractions> {
  const hiddenLayers = hiddenStages(model).map((stage) => stage.layer);
  const zeros = new Float64Array(hiddenLayers.length);
  const sizes = new Float64Array(hiddenLayers.length);
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const counts = tf.tidy(() => {
      let x = imagesTensor(model, images, start, size);
      const perLayer: tf.Tensor[] = [];
      model.layers.forEach((layer, i) => {
        x = applyLayer(x, layer);
        const k = hiddenLayers.indexOf(i);
        if (k >= 0) {
          perLayer.push(tf.sum(tf.cast(tf.equal(x, 0), 'float32')));
          if (start === 0) sizes[k] = x.size / size;
        }
      });
      return tf.stack(perLayer);
    });
    (await counts.data()).forEach((value, k) => (zeros[k] += value));
    counts.dispose();
  }
  const perLayer = Array.from(zeros, (z, k) => z / (count * sizes[k]));
  const overall = zeros.reduce((a, b) => a + b, 0) / (count * sizes.reduce((a, b) => a + b, 0));
  return { overall, perLayer };
}
