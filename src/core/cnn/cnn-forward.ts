/** Forward passes of a `Cnn` in tfjs ops (conv2d, pooling, matMul), without a tfjs LayersModel. */
import * as tf from '@tensorflow/tfjs';
import type { Cnn, CnnLayer, ConvLayer, CnnDenseLayer } from './cnn';

export function convKernelTensor(layer: ConvLayer): tf.Tensor4D {
  return tf.tensor4d(layer.kernel, [layer.kernelSize[0], layer.kernelSize[1], layer.inChannels, layer.filters]);
}

/** The layer's linear part plus bias (no activation). Caller disposes. */
export function weightedPreActivation(inputs: tf.Tensor4D, layer: ConvLayer | CnnDenseLayer): tf.Tensor4D {
  return tf.tidy(() => {
    if (layer.kind === 'conv') {
      return tf.add(tf.conv2d(inputs, convKernelTensor(layer), layer.strides as [number, number], layer.padding), tf.tensor1d(layer.bias)) as tf.Tensor4D;
    }
    const [n] = inputs.shape;
    const flat = tf.reshape(inputs, [n, layer.inputSize]) as tf.Tensor2D;
    const out = tf.add(tf.matMul(flat, tf.tensor2d(layer.kernel, [layer.inputSize, layer.units])), tf.tensor1d(layer.bias));
    return tf.reshape(out, [n, 1, 1, layer.units]) as tf.Tensor4D;
  });
}

/** Applies one layer; weighted layers apply their activation (softmax is left out: it never changes an argmax). Caller disposes. */
export function applyLayer(inputs: tf.Tensor4D, layer: CnnLayer): tf.Tensor4D {
  return tf.tidy(() => {
    switch (layer.kind) {
      case 'conv':
      case 'dense': {
        const pre = weightedPreActivation(inputs, layer);
        return layer.activation === 'relu' ? (tf.relu(pre) as tf.Tensor4D) : pre;
      }
      case 'maxpool':
        return tf.maxPool(inputs, layer.poolSize as [number, number], layer.strides as [number, number], layer.padding);
      case 'avgpool':
        return tf.avgPool(inputs, layer.poolSize as [number, number], layer.strides as [number, number], layer.padding);
      case 'flatten': {
        const [n, h, w, c] = inputs.shape;
        return tf.reshape(inputs, [n, 1, 1, h * w * c]) as tf.Tensor4D;
      }
    }
  });
}

/** Layers `from..to-1` applied to `inputs` (NHWC). Caller disposes. */
export function applyLayers(model: Cnn, inputs: tf.Tensor4D, from = 0, to = model.layers.length): tf.Tensor4D {
  return tf.tidy(() => {
    let activations = inputs;
    for (let i = from; i < to; i++) activations = applyLayer(activations, model.layers[i]);
    return activations;
  });
}

/** Logits `[n, classes]`. Caller disposes. */
export function cnnLogits(model: Cnn, inputs: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const out = applyLayers(model, inputs);
    return tf.reshape(out, [out.shape[0], out.shape[3]]) as tf.Tensor2D;
  });
}

export function imagesTensor(model: Cnn, images: Float32Array, start: number, size: number): tf.Tensor4D {
  const [h, w, c] = model.inputShape;
  const per = h * w * c;
  return tf.tensor4d(images.subarray(start * per, (start + size) * per), [size, h, w, c]);
}

/** Predicted class per example (images row-major, `h * w * c` values each), in batches to bound memory. */
export async function cnnPredictClasses(model: Cnn, images: Float32Array, count: number, batchSize = 1000): Promise<Int32Array> {
  const classes = new Int32Array(count);
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const predicted = tf.tidy(() => tf.argMax(cnnLogits(model, imagesTensor(model, images, start, size)), 1));
    classes.set((await predicted.data()) as Int32Array, start);
    predicted.dispose();
  }
  return classes;
}

export async function cnnAccuracy(model: Cnn, images: Float32Array, labels: ArrayLike<number>): Promise<number> {
  const count = labels.length;
  if (count === 0) return NaN;
  const predicted = await cnnPredictClasses(model, images, count);
  let correct = 0;
  for (let i = 0; i < count; i++) if (predicted[i] === labels[i]) correct++;
  return correct / count;
}
