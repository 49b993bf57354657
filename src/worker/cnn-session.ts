/**
 * What the worker keeps for a loaded convolutional network: its dense accuracy, the calibration
 * images and, per calibration size, every channel problem already built (prune-cnn.ts's
 * ChannelProblemCache). The first hidden layer's problem does not depend on the keep ratio and
 * is most of a prune's cost (its channel Gram matrix), so after the first prune a slider move
 * costs the forward passes and the later, smaller layers' problems, and those are cached too,
 * by the kept sets before them (a 16-channel layer has only 16 of them).
 *
 * Accuracy is measured on the first QUICK_TEST_IMAGES test images while the slider moves (the
 * page says so), and on all of them right after (`accuracy(model, test.count)`), in batches that
 * check a cancel token between them, so a newer slider move never waits for more than one batch.
 */
import type { Cnn } from '../core/cnn/cnn';
import * as tf from '@tensorflow/tfjs';
import { applyLayers, cnnPredictClasses, imagesTensor } from '../core/cnn/cnn-forward';
import { gatherChannels, hiddenStages, type HiddenStage } from '../core/cnn/cnn-shrink';
import type { ChannelProblem } from '../core/cnn/channel-problem';
import { channelProblemKey, type ActivationCache, type ChannelProblemCache } from '../core/cnn/prune-cnn';
import { normalizedImages, type MnistSplit } from '../core/data/mnist';
import { throwIfCancelled, type CancelToken } from '../core/errors';

/** The test images a slider move is scored on at first; all of them follow. */
export const QUICK_TEST_IMAGES = 1000;

/** Test images per forward pass: about 35 ms of the dense shipped CNN on WASM, the longest a newer request waits. */
const EVALUATION_BATCH = 250;

/** Channel problems kept per calibration size (each is a few C x C matrices). */
const PROBLEM_CACHE_ENTRIES = 256;

/** Calibration activations kept per calibration size: the shipped CNN's first stage takes 10.8 MB at n = 1000, a second-stage one 3.2 MB. */
const ACTIVATION_CACHE_BYTES = 96 * 2 ** 20;

export interface CnnSession {
  readonly kind: 'cnn';
  readonly id: string;
  readonly dense: Cnn;
  /** On all test images. */
  readonly denseAccuracy: number;
  readonly testImageCount: number;
  calibration(samples: number): Float32Array;
  /** The channel problems of one calibration size (a new size drops the old one's). */
  problemCache(samples: number): ChannelProblemCache;
  /** Each stage's activations on the calibration images, by the same keys (a new size drops the old one's). */
  activationCache(samples: number): ActivationCache;
  /** Whether the first hidden layer's problem for `samples` is built (else a prune pays for it). */
  hasFirstProblem(samples: number): boolean;
  /**
   * Accuracy of `model` on the first `images` test images; `signal` is checked between batches.
   * With `key` (what determines the network: see `networkKey`), a network scored before is not
   * scored again. With `firstKept` (the model is the dense one up to its first hidden stage but
   * for keeping those channels, as every prune and refit leaves it), the first QUICK_TEST_IMAGES
   * images start from the dense first stage's activations, computed once.
   */
  accuracy(model: Cnn, images: number, signal?: CancelToken, key?: string, firstKept?: readonly number[]): Promise<number>;
}

export interface CnnSessionOptions {
  readonly signal?: CancelToken;
  readonly onProgress?: (fraction: number) => void;
  readonly yieldToEvents?: () => Promise<void>;
}

/** Scores kept per session (a key and a number each). */
const SCORE_CACHE_ENTRIES = 4096;

/**
 * What determines a pruned network of the session's model: its kept channels, and for a refit
 * one the calibration images the refit solved on.
 */
export function networkKey(kept: readonly (readonly number[])[], refitSamples: number | null): string {
  return `${refitSamples === null ? 'raw' : `refit${refitSamples}`}|${kept.map((layer) => layer.join(',')).join('|')}`;
}

/** A bounded map: the oldest entry goes first. */
function boundedCache(limit: number): ChannelProblemCache & { has(key: string): boolean } {
  const entries = new Map<string, ChannelProblem>();
  return {
    get: (key) => entries.get(key),
    has: (key) => entries.has(key),
    set(key, problem) {
      entries.set(key, problem);
      if (entries.size > limit) entries.delete(entries.keys().next().value as string);
    },
  };
}

/** At most `maxBytes` of activations; the oldest go first, but never the first stage's (every prune reads it). */
function activationStore(maxBytes: number): ActivationCache {
  const entries = new Map<string, Float32Array>();
  const first = channelProblemKey(0, []);
  let bytes = 0;
  return {
    get: (key) => entries.get(key),
    set(key, values) {
      if (values.byteLength > maxBytes) return;
      bytes += values.byteLength - (entries.get(key)?.byteLength ?? 0);
      entries.set(key, values);
      for (const [old, held] of entries) {
        if (bytes <= maxBytes) break;
        if (old === first || old === key) continue;
        entries.delete(old);
        bytes -= held.byteLength;
      }
    },
  };
}

export async function createCnnSession(
  id: string,
  dense: Cnn,
  train: MnistSplit,
  test: MnistSplit,
  testImages: Float32Array,
  options: CnnSessionOptions = {},
): Promise<CnnSession> {
  const yieldToEvents = options.yieldToEvents ?? (() => Promise.resolve());

  const firstStage = hiddenStages(dense).at(0);
  const quickImages = Math.min(QUICK_TEST_IMAGES, test.count);
  // The dense first stage's activations on the quick images: a slider move only picks channels from them.
  let firstStageValues: Promise<Float32Array> | null = null;
  const firstStageActivations = (stage: HiddenStage) =>
    (firstStageValues ??= (async () => {
      const values = new Float32Array(quickImages * stage.hiddenShape.reduce((a, b) => a * b, 1));
      for (let start = 0; start < quickImages; start += EVALUATION_BATCH) {
        const size = Math.min(EVALUATION_BATCH, quickImages - start);
        const hidden = tf.tidy(() => applyLayers(dense, imagesTensor(dense, testImages, start, size), 0, stage.hiddenEnd));
        values.set((await hidden.data()) as Float32Array, (start * values.length) / quickImages);
        hidden.dispose();
      }
      return values;
    })());

  const predictFromFirstStage = async (stage: HiddenStage, model: Cnn, start: number, count: number, firstKept: readonly number[]): Promise<Int32Array> => {
    const [h, w, channels] = stage.hiddenShape;
    const per = h * w * channels;
    const values = (await firstStageActivations(stage)).subarray(start * per, (start + count) * per);
    const predicted = tf.tidy(() => {
      const out = applyLayers(model, tf.tensor4d(gatherChannels(values, channels, firstKept), [count, h, w, firstKept.length]), stage.hiddenEnd);
      return tf.argMax(tf.reshape(out, [count, out.shape[3]]), 1);
    });
    const classes = (await predicted.data()) as Int32Array;
    predicted.dispose();
    return classes;
  };

  const correctOn = async (model: Cnn, start: number, count: number, firstKept?: readonly number[]): Promise<number> => {
    const predicted = firstStage && firstKept && start + count <= quickImages
      ? await predictFromFirstStage(firstStage, model, start, count, firstKept)
      : await cnnPredictClasses(model, testImages.subarray(start * 784, (start + count) * 784), count, count);
    let correct = 0;
    for (let i = 0; i < count; i++) if (predicted[i] === test.labels[start + i]) correct++;
    return correct;
  };

  const accuracy = async (model: Cnn, images: number, signal?: CancelToken, onBatch?: (done: number) => Promise<void>, firstKept?: readonly number[]): Promise<number> => {
    const count = Math.min(images, test.count);
    let correct = 0;
    for (let start = 0; start < count; start += EVALUATION_BATCH) {
      throwIfCancelled(signal);
      const size = Math.min(EVALUATION_BATCH, count - start);
      correct += await correctOn(model, start, size, firstKept);
      await onBatch?.(start + size);
    }
    return correct / count;
  };

  const scores = new Map<string, number>();
  const remembered = async (model: Cnn, images: number, signal?: CancelToken, key?: string, firstKept?: readonly number[]): Promise<number> => {
    const scoreKey = key === undefined ? null : `${images}|${key}`;
    const known = scoreKey === null ? undefined : scores.get(scoreKey);
    if (known !== undefined) return known;
    const value = await accuracy(model, images, signal, undefined, firstKept);
    if (scoreKey !== null) {
      scores.set(scoreKey, value);
      if (scores.size > SCORE_CACHE_ENTRIES) scores.delete(scores.keys().next().value as string);
    }
    return value;
  };

  const denseAccuracy = await accuracy(dense, test.count, options.signal, async (done) => {
    options.onProgress?.(done / test.count);
    await yieldToEvents();
  });

  let calibrationFor: { samples: number; images: Float32Array } | null = null;
  let problemsFor: { samples: number; cache: ReturnType<typeof boundedCache> } | null = null;
  let activationsFor: { samples: number; cache: ActivationCache } | null = null;
  const problemCache = (samples: number) => {
    if (problemsFor?.samples !== samples) problemsFor = { samples, cache: boundedCache(PROBLEM_CACHE_ENTRIES) };
    return problemsFor.cache;
  };

  return {
    kind: 'cnn',
    id,
    dense,
    denseAccuracy,
    testImageCount: test.count,
    calibration(samples) {
      if (calibrationFor?.samples !== samples) calibrationFor = { samples, images: normalizedImages(train, samples) };
      return calibrationFor.images;
    },
    problemCache,
    activationCache(samples) {
      if (activationsFor?.samples !== samples) activationsFor = { samples, cache: activationStore(ACTIVATION_CACHE_BYTES) };
      return activationsFor.cache;
    },
    hasFirstProblem(samples) {
      return problemsFor?.samples === samples && problemsFor.cache.has(channelProblemKey(0, []));
    },
    accuracy: remembered,
  };
}
