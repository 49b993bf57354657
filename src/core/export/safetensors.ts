/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length, a JSON header (`__metadata__` of strings, then each tensor's dtype, shape and
 * byte range), padded with spaces to a multiple of 8, then the tensors' bytes back to back.
 */
import { float32LittleEndian, type NamedTensor } from './torch-sequential';

const HEADER_ALIGNMENT = 8;

export function toSafetensors(tensors: readonly NamedTensor[], metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const parts = tensors.map((tensor) => {
    const bytes = float32LittleEndian(tensor.data);
    header[tensor.name] = { dtype: 'F32', shape: [...tensor.shape], data_offsets: [offset, offset + bytes.byteLength] };
    offset += bytes.byteLength;
    return bytes;
  });
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.byteLength / HEADER_ALIGNMENT) * HEADER_ALIGNMENT;
  const file = new Uint8Array(8 + headerLength + offset);
  new DataView(file.buffer).setBigUint64(0, BigInt(headerLength), true);
  file.set(json, 8);
  file.fill(0x20, 8 + json.byteLength, 8 + headerLength);
  let at = 8 + headerLength;
  for (const bytes of parts) {
    file.set(bytes, at);
    at += bytes.byteLength;
  }
  return file;
}
