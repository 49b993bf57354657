import * as tf from '@tensorflow/tfjs';

/** Runs `compute` in a tidy scope and returns its values, disposing the result tensor too. */
export function readValues(compute: () => tf.Tensor): Float32Array {
  const result = tf.tidy(compute);
  try {
    return result.dataSync() as Float32Array;
  } finally {
    result.dispose();
  }
}
