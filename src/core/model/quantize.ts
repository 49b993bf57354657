/**
 * Weight quantization in the layout tfjs reads back (`quantization` on a weights-manifest entry;
 * tf.io.decodeWeights dequantizes). Our own encoder rather than tfjs's: tfjs-core can decode
 * quantized weights but has no public way to write them (only the Python converter does).
 *
 * - `uint8`: one affine map per weight tensor, value = q * scale + min with q in 0..255,
 *   min = the tensor's minimum and scale = (max - min) / 255, so every value is within scale / 2
 *   of the stored one (plus float32 rounding of the decoded value).
 * - `float16`: IEEE 754 half precision, round to nearest, ties to even; relative error at most
 *   2^-11 for values in the normal range.
 */
import type * as tf from '@tensorflow/tfjs';
import { ModelFormatError } from '../errors';

export type WeightQuantization = 'float16' | 'uint8';

export const WEIGHT_QUANTIZATIONS: readonly WeightQuantization[] = ['float16', 'uint8'];

/** Bytes per stored value of each tfjs quantization dtype. */
export const QUANTIZED_BYTES: Readonly<Record<'uint8' | 'uint16' | 'float16', number>> = { uint8: 1, uint16: 2, float16: 2 };

const UINT8_MAX = 255;
/** The largest finite float16 value. */
export const FLOAT16_MAX = 65504;

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** `value >>> shift` rounded to nearest, ties to even (the bits shifted out decide). */
function shiftRoundEven(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/** The float16 bit pattern nearest to `value` (first rounded to float32, as weights are). */
export function float16Bits(value: number): number {
  scratch[0] = value;
  const bits = scratchBits[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200);
  // Rebias from float32's 127 to float16's 15.
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Below 2^-25 even the smallest subnormal (2^-24) is more than twice as far as zero.
    if (halfExponent < -10) return sign;
    // Subnormal: the value in units of 2^-24, implicit leading bit included. A carry to 0x400
    // is the smallest normal number, which is the right answer.
    return sign | shiftRoundEven(mantissa | 0x800000, 14 - halfExponent);
  }
  // A carry out of the mantissa bumps the exponent, and past 65504 gives exactly 0x7c00 (inf).
  return sign | ((halfExponent << 10) + shiftRoundEven(mantissa, 13));
}

/** float16 bit patterns of `values`, round to nearest even; beyond +-65504 they become +-inf. */
export function encodeFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float16Bits(values[i]);
  return out;
}

export interface Uint8Quantized {
  readonly values: Uint8Array;
  readonly min: number;
  readonly scale: number;
}

/** Affine uint8 codes of one tensor (all values finite); decode with `q * scale + min`. */
export function encodeUint8(values: Float32Array): Uint8Quantized {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isFinite(value)) throw new ModelFormatError(`cannot quantize a non-finite value (${value}) at index ${i}`);
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const codes = new Uint8Array(values.length);
  // A constant (or empty) tensor: every code 0 decodes to min exactly; scale 1 avoids 0 / 0.
  if (!(max > min)) return { values: codes, min: values.length === 0 ? 0 : min, scale: 1 };
  const scale = (max - min) / UINT8_MAX;
  for (let i = 0; i < values.length; i++) {
    codes[i] = Math.min(UINT8_MAX, Math.round((values[i] - min) / scale));
  }
  return { values: codes, min, scale };
}

export interface QuantizedWeights {
  readonly specs: tf.io.WeightsManifestEntry[];
  readonly data: ArrayBuffer;
}

/**
 * Re-encodes float32 weights (`specs` in the order of their bytes in `data`, as tfjs saves them)
 * with `quantization`. The specs keep dtype float32 and gain the `quantization` entry tfjs decodes.
 */
export function quantizeWeights(
  specs: readonly tf.io.WeightsManifestEntry[],
  data: ArrayBuffer,
  quantization: WeightQuantization,
): QuantizedWeights {
  const chunks: Uint8Array[] = [];
  const outSpecs: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32' || spec.quantization !== undefined) {
      throw new ModelFormatError(`weight ${spec.name} is not plain float32; only float32 weights can be quantized`);
    }
    const size = spec.shape.reduce((n, d) => n * d, 1);
    if (offset + size * 4 > data.byteLength) {
      throw new ModelFormatError(`weight ${spec.name} runs past the end of the weight data`);
    }
    // slice: the offset need not be a multiple of 4 in general, and a Float32Array view needs it.
    const values = new Float32Array(data.slice(offset, offset + size * 4));
    offset += size * 4;
    if (quantization === 'float16') {
      const encoded = encodeFloat16(values);
      for (let i = 0; i < values.length; i++) {
        if ((encoded[i] & 0x7c00) === 0x7c00) {
          throw new ModelFormatError(
            `weight ${spec.name} holds ${values[i]} at index ${i}, beyond float16's range of +-${FLOAT16_MAX}: save it without float16 quantization`,
          );
        }
      }
      chunks.push(new Uint8Array(encoded.buffer));
      outSpecs.push({ name: spec.name, shape: [...spec.shape], dtype: 'float32', quantization: { dtype: 'float16' } });
    } else if (quantization === 'uint8') {
      let encoded: Uint8Quantized;
      try {
        encoded = encodeUint8(values);
      } catch (error) {
        throw new ModelFormatError(`weight ${spec.name}: ${(error as Error).message}`);
      }
      chunks.push(encoded.values);
      outSpecs.push({
        name: spec.name,
        shape: [...spec.shape],
        dtype: 'float32',
        quantization: { dtype: 'uint8', min: encoded.min, scale: encoded.scale },
      });
    } else {
      throw new ModelFormatError(`unknown weight quantization ${JSON.stringify(quantization)}`);
    }
  }
  if (offset !== data.byteLength) {
    throw new ModelFormatError(`the weight data has ${data.byteLength - offset} bytes that no weight spec describes`);
  }
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const joined = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.byteLength;
  }
  return { specs: outSpecs, data: joined.buffer };
}
