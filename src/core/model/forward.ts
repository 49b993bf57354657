/** Forward passes of an `Mlp` in tfjs, without building a tfjs LayersModel. */
import * as tf from '@tensorflow/tfjs';
import type { DenseLayer, Mlp } from './mlp';

/** `inputs W + b` for one layer. Caller disposes. */
export function layerPreActivation(inputs: tf.Tensor2D, layer: DenseLayer): tf.Tensor2D {
  return tf.tidy(() =>
    tf.add(tf.matMul(inputs, tf.tensor2d(layer.kernel, [layer.inputSize, layer.units])), tf.tensor1d(layer.bias)),
  );
}

/** Hidden layers use ReLU; the last layer gives logits (softmax does not change the argmax). Caller disposes. */
export function mlpLogits(model: Mlp, inputs: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    let activations = inputs;
    model.layers.forEach((layer, index) => {
      const pre = layerPreActivation(activations, layer);
      activations = index < model.layers.length - 1 ? tf.relu(pre) : pre;
    });
    return activations;
  });
}

/** Predicted class per example, evaluated in batches to bound memory. */
export async function mlpPredictClasses(model: Mlp, images: Float32Array, count: number, batchSize = 2000): Promise<Int32Array> {
  const inputSize = model.layers[0].inputSize;
  const classes = new Int32Array(count);
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const predicted = tf.tidy(() => {
      const batch = tf.tensor2d(images.subarray(start * inputSize, (start + size) * inputSize), [size, inputSize]);
      return tf.argMax(mlpLogits(model, batch), 1);
    });
    try {
      classes.set((await predicted.data()) as Int32Array, start);
    } finally {
      predicted.dispose();
    }
  }
  return classes;
}
