import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeIdx, gzipBytes } from '../../../test/helpers/idx-bytes';
import {
  gunzipIfNeeded,
  inflateGzip,
  isGzip,
  parseIdx,
  parseIdxAuto,
  parseIdxImages,
  parseIdxLabels,
} from './idx';

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

async function caughtAsync(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function expectDataError(error: Error, fragment: string | RegExp): void {
  expect(error.name).toBe('DataFormatError');
  expect(error.message).toMatch(fragment);
  expect(error.message).not.toContain('\n');
}

const labels = encodeIdx([5], [0, 1, 2, 9, 3]);
const images = encodeIdx([2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);

describe('parseIdx', () => {
  it('reads the MNIST label layout (magic 0x00000801)', () => {
    expect(Array.from(labels.subarray(0, 4))).toEqual([0, 0, 8, 1]);
    const parsed = parseIdx(labels);
    expect(parsed.dims).toEqual([5]);
    expect(Array.from(parsed.data)).toEqual([0, 1, 2, 9, 3]);
  });

  it('returns a view without copying, as a plain Uint8Array', () => {
    const parsed = parseIdx(images);
    expect(parsed.data.buffer).toBe(images.buffer);
    expect(parsed.data.byteOffset).toBe(16);
    expect(parsed.data.constructor).toBe(Uint8Array);
  });

  it('honours the byteOffset of a subarray input', () => {
    const padded = new Uint8Array(labels.length + 7);
    padded.set(labels, 7);
    expect(Array.from(parseIdx(padded.subarray(7)).data)).toEqual([0, 1, 2, 9, 3]);
  });

  it('rejects an empty file', () => {
    expectDataError(caught(() => parseIdx(new Uint8Array(0))), 'empty file');
  });

  it('rejects a header cut before the dimension count', () => {
    expectDataError(caught(() => parseIdx(new Uint8Array([0, 0, 8]))), /truncated header.*at least 4 bytes, found 3/);
  });

  it('rejects a header cut inside the dimension sizes', () => {
    const cut = images.subarray(0, 10);
    expectDataError(caught(() => parseIdx(cut, { name: 'x.idx' })), /^x\.idx: truncated header: 3 dimensions need 16 header bytes, found 10/);
  });

  it('rejects truncated data, saying how much was expected and found', () => {
    const cut = labels.subarray(0, labels.length - 2);
    expectDataError(caught(() => parseIdx(cut)), 'truncated: expected 5 bytes of data for dims 5, found 3');
  });

  it('rejects extra trailing bytes', () => {
    const long = new Uint8Array(labels.length + 2);
    long.set(labels);
    expectDataError(caught(() => parseIdx(long)), /2 unexpected trailing bytes.*need 5 bytes of data, found 7/);
  });

  it('rejects a wrong magic number', () => {
    const bad = labels.slice();
    bad[0] = 0x12;
    bad[1] = 0x34;
    expectDataError(caught(() => parseIdx(bad)), /bad magic number 0x12340801.*two zero bytes/);
  });

  it('recognizes an HTML page served in place of a missing file', () => {
    const html = new TextEncoder().encode('<!doctype html><html></html>');
    expectDataError(caught(() => parseIdx(html)), /HTML page.*prepare-data/);
  });

  it('rejects element types other than unsigned bytes', () => {
    const floats = encodeIdx([1], [0, 0, 0, 0], 0x0d);
    expectDataError(caught(() => parseIdx(floats)), /unsupported IDX element type 0x0d \(magic 0x00000d01\).*0x08/);
  });

  it('rejects a file with 0 dimensions', () => {
    expectDataError(caught(() => parseIdx(encodeIdx([], []))), '0 dimensions');
  });

  it('rejects a dimension of size 0', () => {
    expectDataError(caught(() => parseIdx(encodeIdx([3, 0, 2], []))), 'dimension 1 is 0 (dims 3x0x2)');
  });

  it('points at gzip when handed compressed bytes', async () => {
    const packed = await gzipBytes(labels);
    expectDataError(caught(() => parseIdx(packed)), /gzip-compressed.*parseIdxAuto/);
  });

  it('round-trips random dims and data (property)', () => {
    const tensor = fc
      .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 })
      .chain((dims) =>
        fc.record({
          dims: fc.constant(dims),
          data: fc.uint8Array({ minLength: dims.reduce((a, b) => a * b, 1), maxLength: dims.reduce((a, b) => a * b, 1) }),
        }),
      );
    fc.assert(
      fc.property(tensor, ({ dims, data }) => {
        const parsed = parseIdx(encodeIdx(dims, data));
        expect(parsed.dims).toEqual(dims);
        expect(parsed.data).toEqual(data);
      }),
    );
  });

  it('throws only DataFormatError on arbitrary bytes (property)', () => {
    const idxLike = fc.tuple(
      fc.constantFrom(0, 1),
      fc.constantFrom(0x08, 0x09, 0x0d),
      fc.integer({ min: 0, max: 4 }),
      fc.uint8Array({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(idxLike, ([zero, type, ndims, rest]) => {
        const bytes = new Uint8Array([0, zero, type, ndims, ...rest]);
        try {
          parseIdx(bytes);
        } catch (error) {
          expectDataError(error as Error, /./);
        }
      }),
    );
  });
});

describe('parseIdxImages', () => {
  it('reads count, rows, cols and pixels', () => {
    const parsed = parseIdxImages(images);
    expect(parsed).toMatchObject({ count: 2, rows: 2, cols: 3 });
    expect(Array.from(parsed.pixels)).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  });

  it('rejects a labels file', () => {
    expectDataError(caught(() => parseIdxImages(labels, { name: 'imgs' })), /^imgs: an images file needs 3 dimensions.*found 1.*labels file\?/);
  });
});

describe('parseIdxLabels', () => {
  it('reads labels', () => {
    const parsed = parseIdxLabels(labels);
    expect(parsed.count).toBe(5);
    expect(Array.from(parsed.labels)).toEqual([0, 1, 2, 9, 3]);
  });

  it('names the first out-of-range label (a 10 among digits)', () => {
    const bad = encodeIdx([6], [1, 2, 10, 4, 11, 0]);
    expectDataError(caught(() => parseIdxLabels(bad)), 'label 2 is 10, but labels must be below 10 classes');
  });

  it('honours a custom class count', () => {
    expectDataError(caught(() => parseIdxLabels(labels, { classes: 4 })), 'label 3 is 9');
    expect(parseIdxLabels(labels, { classes: 10 }).count).toBe(5);
  });

  it('rejects an images file', () => {
    expectDataError(caught(() => parseIdxLabels(images)), /needs 1 dimension, found 3.*images file\?/);
  });
});

describe('gzip', () => {
  it('detects the gzip magic number', async () => {
    expect(isGzip(await gzipBytes(labels))).toBe(true);
    expect(isGzip(labels)).toBe(false);
    expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
  });

  it('parses gzip-compressed IDX', async () => {
    const parsed = await parseIdxAuto(await gzipBytes(images));
    expect(parsed.dims).toEqual([2, 2, 3]);
    expect(Array.from(parsed.data)).toEqual(Array.from(images.subarray(16)));
  });

  it('passes uncompressed bytes through untouched', async () => {
    expect(await gunzipIfNeeded(labels)).toBe(labels);
    expect((await parseIdxAuto(labels)).dims).toEqual([5]);
  });

  it('turns a corrupted gzip body into a DataFormatError', async () => {
    const packed = await gzipBytes(images);
    const corrupt = packed.slice();
    for (let i = 10; i < corrupt.length - 8; i++) corrupt[i] ^= 0x5a;
    const error = await caughtAsync(() => parseIdxAuto(corrupt, { name: 'train.gz' }));
    expectDataError(error, /^train\.gz: corrupt gzip data/);
  });

  it('turns a truncated gzip stream into a DataFormatError', async () => {
    const packed = await gzipBytes(images);
    expectDataError(await caughtAsync(() => inflateGzip(packed.subarray(0, packed.length - 5))), 'corrupt gzip data');
  });

  it('rejects a bad checksum', async () => {
    const packed = (await gzipBytes(images)).slice();
    packed[packed.length - 8] ^= 0xff;
    expectDataError(await caughtAsync(() => inflateGzip(packed)), 'corrupt gzip data');
  });
});
