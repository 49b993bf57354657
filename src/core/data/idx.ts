/**
 * IDX, the file format MNIST ships in: two zero bytes, a type byte, a dimension count, that many
 * big-endian uint32 sizes, then the data. Only unsigned bytes (type 0x08) are supported: it is
 * the only type MNIST uses, and anything else here means the wrong file was given.
 *
 * Gzip is undone with the standard DecompressionStream rather than Node's zlib, so this module
 * runs unchanged in Node, in a browser and in a Web Worker.
 */
import { BackendUnavailableError, DataFormatError } from '../errors';

export const IDX_UBYTE = 0x08;

export interface IdxTensor {
  readonly dims: number[];
  /** A view into the input's buffer (no copy), `product(dims)` bytes long. */
  readonly data: Uint8Array;
}

export interface IdxImages {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** `count * rows * cols` bytes, row-major, images in file order. */
  readonly pixels: Uint8Array;
}

export interface IdxLabels {
  readonly count: number;
  readonly labels: Uint8Array;
}

export interface IdxParseOptions {
  /** Names the file in error messages, e.g. `train-labels-idx1-ubyte`. */
  readonly name?: string;
}

export interface IdxLabelOptions extends IdxParseOptions {
  /** Every label must be below this. */
  readonly classes?: number;
}

const PREFIX_BYTES = 4;

function fail(name: string | undefined, message: string): never {
  throw new DataFormatError(`${name ?? 'IDX file'}: ${message}`);
}

function hex(value: number, digits: number): string {
  return '0x' + value.toString(16).padStart(digits, '0');
}

export function parseIdx(bytes: Uint8Array, options: IdxParseOptions = {}): IdxTensor {
  const { name } = options;
  if (bytes.length === 0) fail(name, 'empty file; re-download it or run `npm run prepare-data`');
  if (bytes.length < PREFIX_BYTES) {
    fail(name, `truncated header: expected at least ${PREFIX_BYTES} bytes, found ${bytes.length}`);
  }
  if (isGzip(bytes)) fail(name, 'is still gzip-compressed; inflate it first (parseIdxAuto does)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (bytes[0] === 0x3c) {
    // Dev servers with an SPA fallback answer a missing file with index.html and status 200.
    fail(name, 'looks like an HTML page, not IDX data (was the file missing on the server?); run `npm run prepare-data`');
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(name, `bad magic number ${hex(magic, 8)}: IDX files start with two zero bytes (is this an IDX file?)`);
  }
  const type = bytes[2];
  if (type !== IDX_UBYTE) {
    fail(name, `unsupported IDX element type ${hex(type, 2)} (magic ${hex(magic, 8)}): only unsigned bytes (0x08) are supported`);
  }
  const ndims = bytes[3];
  if (ndims === 0) fail(name, 'has 0 dimensions; an IDX file needs at least one');

  const headerBytes = PREFIX_BYTES + 4 * ndims;
  if (bytes.length < headerBytes) {
    fail(name, `truncated header: ${ndims} dimensions need ${headerBytes} header bytes, found ${bytes.length}`);
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(PREFIX_BYTES + 4 * i));
  const zero = dims.indexOf(0);
  if (zero >= 0) fail(name, `dimension ${zero} is 0 (dims ${dims.join('x')}); the file holds no data`);

  // Doubles are exact up to 2^53, far beyond any buffer a runtime can allocate.
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - headerBytes;
  if (found < expected) {
    fail(name, `truncated: expected ${expected} bytes of data for dims ${dims.join('x')}, found ${found}; re-download the file`);
  }
  if (found > expected) {
    const extra = found - expected;
    fail(name, `${extra} unexpected trailing byte${extra === 1 ? '' : 's'}: dims ${dims.join('x')} need ${expected} bytes of data, found ${found}`);
  }
  // A plain Uint8Array view even when given a Node Buffer, so results clone cleanly to workers.
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, expected) };
}

export function parseIdxImages(bytes: Uint8Array, options: IdxParseOptions = {}): IdxImages {
  const { dims, data } = parseIdx(bytes, options);
  if (dims.length !== 3) {
    fail(options.name, `an images file needs 3 dimensions (count x rows x cols), found ${dims.length} (dims ${dims.join('x')}); is this a labels file?`);
  }
  return { count: dims[0], rows: dims[1], cols: dims[2], pixels: data };
}

export function parseIdxLabels(bytes: Uint8Array, options: IdxLabelOptions = {}): IdxLabels {
  const { classes = 10, name } = options;
  if (!Number.isInteger(classes) || classes < 1 || classes > 256) {
    fail(name, `classes must be an integer in 1..256, got ${classes}`);
  }
  const { dims, data } = parseIdx(bytes, options);
  if (dims.length !== 1) {
    fail(name, `a labels file needs 1 dimension, found ${dims.length} (dims ${dims.join('x')}); is this an images file?`);
  }
  for (let i = 0; i < data.length; i++) {
    if (data[i] >= classes) {
      fail(name, `label ${i} is ${data[i]}, but labels must be below ${classes} classes; the file is damaged or not MNIST`);
    }
  }
  return { count: dims[0], labels: data };
}

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates a gzip stream; any corruption comes out as a DataFormatError. */
export async function inflateGzip(bytes: Uint8Array, options: IdxParseOptions = {}): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new BackendUnavailableError('this runtime has no DecompressionStream (needs Node >= 18 or a current browser); serve uncompressed IDX files instead');
  }
  // Blob parts must be backed by a plain ArrayBuffer; copy only when they are not (SharedArrayBuffer).
  const input = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  try {
    const stream = new Blob([input]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    // Browsers throw a bare TypeError, Node a zlib Error with a code; neither says which file.
    const detail = error instanceof Error ? error.message : String(error);
    fail(options.name, `corrupt gzip data (${detail}); re-download the file or run \`npm run prepare-data\``);
  }
}

/**
 * Inflates only when the bytes are gzip. Servers that send `.gz` files with
 * `Content-Encoding: gzip` (Vite's dev server does) hand fetch() already inflated bytes.
 */
export async function gunzipIfNeeded(bytes: Uint8Array, options: IdxParseOptions = {}): Promise<Uint8Array> {
  return isGzip(bytes) ? inflateGzip(bytes, options) : bytes;
}

export async function parseIdxAuto(bytes: Uint8Array, options: IdxParseOptions = {}): Promise<IdxTensor> {
  return parseIdx(await gunzipIfNeeded(bytes, options), options);
}
