/**
 * The MNIST dataset as plain arrays: what the worker, the pruning code and the scripts share.
 * Pixels stay uint8 (a quarter the memory of float32) until a caller asks for normalized floats.
 */
import { DataFormatError, OptionError } from '../errors';
import { MNIST_CLASSES, MNIST_INPUT_SIZE } from '../model/mlp';
import { gunzipIfNeeded, parseIdxImages, parseIdxLabels, type IdxImages, type IdxLabels } from './idx';

export const MNIST_SIDE = 28;

export interface MnistSplit {
  readonly count: number;
  /** `count * 784` bytes, 0..255, row-major 28x28 images in file order. */
  readonly pixels: Uint8Array;
  /** `count` labels, each 0..9. */
  readonly labels: Uint8Array;
}

export interface MnistBytesOptions {
  /** Name the images and labels files in error messages. */
  readonly imagesName?: string;
  readonly labelsName?: string;
}

/** Pairs parsed images with parsed labels, checking they belong together and are 28x28. */
export function mnistSplit(images: IdxImages, labels: IdxLabels): MnistSplit {
  if (images.rows !== MNIST_SIDE || images.cols !== MNIST_SIDE) {
    throw new DataFormatError(`MNIST images must be ${MNIST_SIDE}x${MNIST_SIDE}, found ${images.rows}x${images.cols}; this is not an MNIST images file`);
  }
  if (images.count !== labels.count) {
    throw new DataFormatError(`${images.count} images but ${labels.count} labels; the two files come from different splits (train vs test) or one is damaged`);
  }
  return { count: images.count, pixels: images.pixels, labels: labels.labels };
}

/** Builds a split from raw IDX bytes, each either plain or gzip-compressed. */
export async function mnistSplitFromBytes(
  imageBytes: Uint8Array,
  labelBytes: Uint8Array,
  options: MnistBytesOptions = {},
): Promise<MnistSplit> {
  const imagesOpts = { name: options.imagesName ?? 'MNIST images' };
  const labelsOpts = { name: options.labelsName ?? 'MNIST labels', classes: MNIST_CLASSES };
  const [imagesRaw, labelsRaw] = await Promise.all([
    gunzipIfNeeded(imageBytes, imagesOpts),
    gunzipIfNeeded(labelBytes, labelsOpts),
  ]);
  return mnistSplit(parseIdxImages(imagesRaw, imagesOpts), parseIdxLabels(labelsRaw, labelsOpts));
}

function checkRange(split: MnistSplit, count: number, offset: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset > split.count) {
    throw new OptionError(`image offset must be an integer in 0..${split.count}, got ${offset}`);
  }
  const available = split.count - offset;
  if (!Number.isInteger(count) || count < 0 || count > available) {
    throw new OptionError(`image count must be an integer in 0..${available} (${split.count} images, offset ${offset}), got ${count}`);
  }
}

/**
 * `count` images (default: all the rest) from `offset` on, pixels scaled to [0, 1]: row-major
 * `[count, 784]`.
 */
export function normalizedImages(split: MnistSplit, count?: number, offset = 0): Float32Array {
  count ??= split.count - offset;
  checkRange(split, count, offset);
  const start = offset * MNIST_INPUT_SIZE;
  const out = new Float32Array(count * MNIST_INPUT_SIZE);
  for (let i = 0; i < out.length; i++) out[i] = split.pixels[start + i] / 255;
  return out;
}

/** A contiguous run of images and their labels, sharing memory with `split`. */
export function subsetSplit(split: MnistSplit, count: number, offset = 0): MnistSplit {
  checkRange(split, count, offset);
  return {
    count,
    pixels: split.pixels.subarray(offset * MNIST_INPUT_SIZE, (offset + count) * MNIST_INPUT_SIZE),
    labels: split.labels.subarray(offset, offset + count),
  };
}

/**
 * The first `n` training images, normalized: the data pruning measures activations on. Taking
 * them in file order (not sampled) keeps runs reproducible without a seed.
 */
export function calibrationImages(train: MnistSplit, n: number): Float32Array {
  if (!Number.isInteger(n) || n < 1 || n > train.count) {
    throw new OptionError(`calibration size must be an integer in 1..${train.count}, got ${n}`);
  }
  return normalizedImages(train, n, 0);
}
