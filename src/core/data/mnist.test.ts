import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeIdx, gzipBytes } from '../../../test/helpers/idx-bytes';
import { parseIdxImages, parseIdxLabels } from './idx';
import { calibrationImages, mnistSplit, mnistSplitFromBytes, normalizedImages, subsetSplit, type MnistSplit } from './mnist';

const PIXELS = 28 * 28;

/** Image i has every pixel equal to (i * 40 + p) % 256 so images differ and cover 0..255. */
function syntheticPixels(count: number, side = 28): Uint8Array {
  const pixels = new Uint8Array(count * side * side);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (Math.floor(i / (side * side)) * 40 + i) % 256;
  return pixels;
}

function imageFile(count: number, side = 28): Uint8Array {
  return encodeIdx([count, side, side], syntheticPixels(count, side));
}

function labelFile(labels: number[]): Uint8Array {
  return encodeIdx([labels.length], labels);
}

function split(count: number): MnistSplit {
  return mnistSplit(parseIdxImages(imageFile(count)), parseIdxLabels(labelFile(Array.from({ length: count }, (_, i) => i % 10))));
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('mnistSplit', () => {
  it('pairs images with labels', () => {
    const s = split(3);
    expect(s.count).toBe(3);
    expect(s.pixels.length).toBe(3 * PIXELS);
    expect(Array.from(s.labels)).toEqual([0, 1, 2]);
  });

  it('requires 28x28 images', () => {
    const error = errorOf(() => mnistSplit(parseIdxImages(imageFile(2, 27)), parseIdxLabels(labelFile([1, 2]))));
    expect(error.name).toBe('DataFormatError');
    expect(error.message).toContain('must be 28x28, found 27x27');
  });

  it('requires as many labels as images', () => {
    const error = errorOf(() => mnistSplit(parseIdxImages(imageFile(3)), parseIdxLabels(labelFile([1, 2]))));
    expect(error.name).toBe('DataFormatError');
    expect(error.message).toMatch(/3 images but 2 labels.*different splits/);
  });
});

describe('mnistSplitFromBytes', () => {
  it('accepts plain and gzipped files alike', async () => {
    const images = imageFile(4);
    const labels = labelFile([7, 2, 1, 0]);
    const plain = await mnistSplitFromBytes(images, labels);
    const packed = await mnistSplitFromBytes(await gzipBytes(images), await gzipBytes(labels));
    expect(packed.count).toBe(4);
    expect(packed.pixels).toEqual(plain.pixels);
    expect(Array.from(packed.labels)).toEqual([7, 2, 1, 0]);
  });

  it('names the labels file holding a label of 10', async () => {
    const error = await mnistSplitFromBytes(imageFile(2), labelFile([3, 10]), { labelsName: 'labels.gz' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('DataFormatError');
    expect((error as Error).message).toMatch(/^labels\.gz: label 1 is 10/);
  });

  it('names the images file when its gzip is corrupt', async () => {
    const packed = await gzipBytes(imageFile(2));
    const error = await mnistSplitFromBytes(packed.subarray(0, 30), labelFile([3, 4])).catch((e: Error) => e);
    expect((error as Error).name).toBe('DataFormatError');
    expect((error as Error).message).toMatch(/^MNIST images: corrupt gzip data/);
  });
});

describe('normalizedImages', () => {
  const s = split(5);

  it('scales every pixel to [0, 1] in file order', () => {
    const all = normalizedImages(s);
    expect(all.length).toBe(5 * PIXELS);
    for (let i = 0; i < all.length; i++) expect(all[i]).toBeCloseTo(s.pixels[i] / 255, 7);
    expect(Math.min(...all)).toBe(0);
    expect(Math.max(...all)).toBe(1);
  });

  it('takes count images from an offset', () => {
    const part = normalizedImages(s, 2, 3);
    expect(part.length).toBe(2 * PIXELS);
    expect(part[0]).toBeCloseTo(s.pixels[3 * PIXELS] / 255, 7);
    expect(normalizedImages(s, undefined, 4).length).toBe(PIXELS);
    expect(normalizedImages(s, 0).length).toBe(0);
  });

  it('rejects ranges outside the split with OptionError', () => {
    for (const [count, offset] of [[6, 0], [2, 4], [-1, 0], [1.5, 0], [1, 6], [1, -1]]) {
      expect(errorOf(() => normalizedImages(s, count, offset)).name).toBe('OptionError');
    }
    expect(errorOf(() => normalizedImages(s, 2, 4)).message).toContain('image count must be an integer in 0..1');
  });

  it('agrees with the raw pixels at any index (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }).chain((offset) =>
          fc.tuple(fc.constant(offset), fc.integer({ min: 1, max: 5 - offset }), fc.nat()),
        ),
        ([offset, count, k]) => {
          const out = normalizedImages(s, count, offset);
          const i = k % out.length;
          expect(Math.round(out[i] * 255)).toBe(s.pixels[offset * PIXELS + i]);
        },
      ),
    );
  });
});

describe('subsetSplit', () => {
  it('shares memory with the source split', () => {
    const s = split(5);
    const sub = subsetSplit(s, 2, 1);
    expect(sub.count).toBe(2);
    expect(Array.from(sub.labels)).toEqual([1, 2]);
    expect(sub.pixels.buffer).toBe(s.pixels.buffer);
    expect(sub.pixels[0]).toBe(s.pixels[PIXELS]);
    expect(errorOf(() => subsetSplit(s, 5, 1)).name).toBe('OptionError');
  });
});

describe('calibrationImages', () => {
  const s = split(4);

  it('returns the first n images normalized', () => {
    expect(calibrationImages(s, 2)).toEqual(normalizedImages(s, 2, 0));
    expect(calibrationImages(s, 4).length).toBe(4 * PIXELS);
  });

  it('requires n in 1..count', () => {
    for (const n of [0, 5, -3, 2.5, Number.NaN]) {
      const error = errorOf(() => calibrationImages(s, n));
      expect(error.name).toBe('OptionError');
      expect(error.message).toContain('calibration size must be an integer in 1..4');
    }
  });
});
