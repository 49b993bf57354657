/**
 * Independent readers for the exported files, for unit and end-to-end tests: a strict safetensors
 * parser written from the format's description (not from our writer), the PyTorch layout derived
 * from tfjs weights element by element, and ONNX Runtime (onnxruntime-node) to run the ONNX file.
 * No test framework here: functions return what they found, the tests assert.
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { normalizedImages } from '../../src/core/data/mnist';
import { loadMnistSplit } from '../../src/node/mnist-files';

export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: number[];
  readonly bytes: Uint8Array;
}

export interface SafetensorsFile {
  readonly headerLength: number;
  readonly metadata: Record<string, unknown>;
  /** In file order. */
  readonly tensors: SafetensorsEntry[];
}

/** Throws on anything the format forbids: a short file, bad JSON, gaps or overlaps, a dtype/shape/size mismatch. */
export function parseSafetensors(file: Uint8Array): SafetensorsFile {
  if (file.byteLength < 8) throw new Error(`safetensors file of ${file.byteLength} bytes has no header length`);
  const headerLength = Number(new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true));
  if (8 + headerLength > file.byteLength) throw new Error(`header length ${headerLength} runs past the file`);
  const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  const data = file.subarray(8 + headerLength);
  const { __metadata__: metadata = {}, ...entries } = header;
  const tensors = Object.entries(entries).map(([name, value]) => {
    const { dtype, shape, data_offsets: offsets } = value as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (dtype !== 'F32') throw new Error(`${name}: dtype ${dtype}, expected F32`);
    const elements = shape.reduce((a, b) => a * b, 1);
    if (offsets[1] - offsets[0] !== elements * 4) throw new Error(`${name}: ${offsets[1] - offsets[0]} bytes for shape [${shape}]`);
    return { name, dtype, shape, offsets, bytes: data.subarray(offsets[0], offsets[1]) };
  });
  tensors.sort((a, b) => a.offsets[0] - b.offsets[0]);
  let end = 0;
  for (const tensor of tensors) {
    if (tensor.offsets[0] !== end) throw new Error(`${tensor.name} starts at ${tensor.offsets[0]}, expected ${end} (gap or overlap)`);
    end = tensor.offsets[1];
  }
  if (end !== data.byteLength) throw new Error(`tensors end at byte ${end} of a ${data.byteLength}-byte buffer`);
  return { headerLength, metadata: metadata as Record<string, unknown>, tensors: tensors.map(({ name, dtype, shape, bytes }) => ({ name, dtype, shape, bytes })) };
}

/** A Dense layer's weights as tfjs holds them: kernel row-major `[inputSize, units]`. */
export interface TfjsDense {
  readonly inputSize: number;
  readonly units: number;
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
}

/** A tfjs model from a model.json and its one float32 weight file (as `--out` and the page's export write them). */
export async function loadTfjsFiles(modelJsonPath: string, weightsPath: string): Promise<tf.LayersModel> {
  const modelJson = JSON.parse(await readFile(modelJsonPath, 'utf8'));
  const weights = await readFile(weightsPath);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
}

/**
 * The model's accuracy on MNIST's 10,000 test images, fed in batches of 1,000 with `imageShape`
 * per image ([784] for a Dense network, [28, 28, 1] for a CNN).
 */
export async function testSetAccuracy(model: tf.LayersModel, imageShape: readonly number[]): Promise<number> {
  const test = await loadMnistSplit('test');
  const images = normalizedImages(test);
  let correct = 0;
  for (let start = 0; start < test.count; start += 1000) {
    const count = Math.min(1000, test.count - start);
    const predicted = tf.tidy(() => (model.predict(tf.tensor(images.subarray(start * 784, (start + count) * 784), [count, ...imageShape])) as tf.Tensor).argMax(1));
    const classes = await predicted.data();
    predicted.dispose();
    classes.forEach((p, i) => (correct += p === test.labels[start + i] ? 1 : 0));
  }
  return correct / test.count;
}

/** The Dense layers' weights as the tfjs model holds them. */
export function tfjsDenseWeights(model: tf.LayersModel): TfjsDense[] {
  return model.layers
    .filter((layer) => layer.getClassName() === 'Dense')
    .map((layer) => {
      const [kernel, bias] = layer.getWeights();
      const [inputSize, units] = kernel.shape as [number, number];
      return { inputSize, units, kernel: kernel.dataSync() as Float32Array, bias: bias.dataSync() as Float32Array };
    });
}

/** The tfjs model's outputs on `count` images of 784 floats, row-major. */
export function tfjsOutputs(model: tf.LayersModel, images: Float32Array, count: number): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor2d(images, [count, 784])) as tf.Tensor).dataSync() as Float32Array);
}

/**
 * What `nn.Sequential(Linear, ReLU, Linear, ..., Linear)` state_dict holds for these layers:
 * `2k.weight` `[units, inputSize]` and `2k.bias`, as little-endian float32 bytes.
 */
export function torchStateDictBytes(layers: readonly TfjsDense[]): SafetensorsEntry[] {
  return layers.flatMap((layer, k) => {
    const weight = new Uint8Array(layer.units * layer.inputSize * 4);
    const view = new DataView(weight.buffer);
    for (let out = 0; out < layer.units; out++) {
      for (let i = 0; i < layer.inputSize; i++) view.setFloat32((out * layer.inputSize + i) * 4, layer.kernel[i * layer.units + out], true);
    }
    const bias = new Uint8Array(layer.units * 4);
    layer.bias.forEach((value, j) => new DataView(bias.buffer).setFloat32(j * 4, value, true));
    return [
      { name: `${2 * k}.weight`, dtype: 'F32', shape: [layer.units, layer.inputSize], bytes: weight },
      { name: `${2 * k}.bias`, dtype: 'F32', shape: [layer.units], bytes: bias },
    ];
  });
}

/** Every difference between the file's tensors and the expected ones, by name; empty when identical byte for byte. */
export function safetensorsDifferences(file: SafetensorsFile, expected: readonly SafetensorsEntry[]): string[] {
  const problems: string[] = [];
  const names = (list: readonly SafetensorsEntry[]) => list.map((t) => t.name).sort().join(',');
  if (names(file.tensors) !== names(expected)) problems.push(`tensors ${names(file.tensors)}, expected ${names(expected)}`);
  for (const want of expected) {
    const got = file.tensors.find((t) => t.name === want.name);
    if (!got) continue;
    if (got.shape.join(',') !== want.shape.join(',')) problems.push(`${want.name}: shape [${got.shape}], expected [${want.shape}]`);
    const at = want.bytes.findIndex((byte, i) => got.bytes[i] !== byte);
    if (got.bytes.byteLength !== want.bytes.byteLength || at >= 0) problems.push(`${want.name}: bytes differ (first at ${at})`);
  }
  return problems;
}

export interface OnnxRun {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Row-major `[count, classes]`. */
  readonly outputs: Float32Array;
  readonly classes: number;
}

/** Runs the model in ONNX Runtime (CPU) on `count` images of 784 floats, in batches. */
export async function runOnnx(model: Uint8Array, images: Float32Array, count: number, batchSize = 2500): Promise<OnnxRun> {
  const session = await ort.InferenceSession.create(model);
  try {
    const parts: Float32Array[] = [];
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      const input = new ort.Tensor('float32', images.subarray(start * 784, (start + size) * 784), [size, 784]);
      const result = await session.run({ [session.inputNames[0]]: input });
      parts.push(result[session.outputNames[0]].data as Float32Array);
    }
    const outputs = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      outputs.set(part, at);
      at += part.length;
    }
    return { inputNames: session.inputNames, outputNames: session.outputNames, outputs, classes: outputs.length / count };
  } finally {
    await session.release();
  }
}

/** Fraction of rows whose largest entry (first on ties) is at the label. */
export function argmaxAccuracy(outputs: Float32Array, classes: number, labels: ArrayLike<number>): number {
  let correct = 0;
  for (let n = 0; n < labels.length; n++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (outputs[n * classes + c] > outputs[n * classes + best]) best = c;
    if (best === labels[n]) correct++;
  }
  return correct / labels.length;
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
