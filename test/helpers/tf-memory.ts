import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/** Runs `body` and asserts it leaves the tfjs tensor count unchanged, then returns its result. */
export async function withoutTensorLeaks<T>(body: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await body();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}
