import * as tf from '@tensorflow/tfjs';

/**
 * Runs `compute` in a tidy scope and resolves to its values, disposing the result tensor too.
 * Always an asynchronous read: a synchronous one stalls a GPU pipeline, and on tfjs-webgpu in
 * headless Chromium it returns zeros and breaks the device for later reads.
 */
export async function readValues(compute: () => tf.Tensor): Promise<Float32Array> {
  const result = tf.tidy(compute);
  try {
    return (await result.data()) as Float32Array;
  } finally {
    result.dispose();
  }
}
