/** IDX bytes built by hand, independent of the parser on purpose: tests check one against the other. */
export function encodeIdx(dims: number[], data: ArrayLike<number>, type = 0x08): Uint8Array {
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + data.length);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(Array.from(data), header);
  return out;
}

/** CompressionStream rather than node:zlib keeps these tests runnable wherever the core runs. */
export async function gzipBytes(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
