/**
 * The shipped convolutional networks (`cnn-sparse` and its plain twin) and how they are written:
 * used by scripts/train-models.ts. The manifest lists them under `cnnModels` in
 * public/models/index.json, apart from the Dense `models` the playground offers today.
 */
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { version as tfjsVersion } from '@tensorflow/tfjs';
import { cnnParameterCount, type Cnn } from '../src/core/cnn/cnn';
import { cnnAccuracy } from '../src/core/cnn/cnn-forward';
import { saveCnnToArtifacts } from '../src/core/cnn/cnn-io';
import { cnnLayerSizes } from '../src/core/cnn/cnn-report';
import { cnnHiddenZeroFractions } from '../src/core/cnn/cnn-sparsity';
import type { CnnLayerSpec, CnnTrainOptions } from '../src/core/cnn/train-cnn';
import type { MnistSplit } from '../src/core/data/mnist';
import type { WeightQuantization } from '../src/core/model/quantize';
import { loadCnnFile } from '../src/node/cnn-files';

/**
 * Conv 3x3 1->16 (valid) + max pool 2, conv 3x3 16->32 (valid) + max pool 2, Flatten (5x5x32 =
 * 800), Dense 64, Dense 10: 56,714 parameters, about 0.7 M multiply-accumulates per image. Small
 * on purpose: it trains on this project's 2 shared CPU cores (wasm) in tens of minutes, pruning it
 * at n = 1000 stays well inside a second, and the pools keep the Flatten at 800 values, so a
 * refit of the Dense layer after it (800 * keep + 1 unknowns per output) still has more
 * calibration rows than unknowns at n = 1000.
 */
export const CNN_ARCHITECTURE: readonly CnnLayerSpec[] = [
  { kind: 'conv', filters: 16, kernelSize: 3, strides: 1, padding: 'valid' },
  { kind: 'maxpool', poolSize: 2 },
  { kind: 'conv', filters: 32, kernelSize: 3, strides: 1, padding: 'valid' },
  { kind: 'maxpool', poolSize: 2 },
  { kind: 'flatten' },
  { kind: 'dense', units: 64 },
];

/**
 * Both CNNs: 12 epochs of Adam with the learning rate annealed (cosine, batch by batch) from 1e-3
 * to 1e-5. Three epochs at a constant 1e-3 had left cnn-sparse at 98.7%.
 */
const CNN_TRAINING = {
  architecture: CNN_ARCHITECTURE,
  epochs: 12,
  batchSize: 128,
  learningRate: 1e-3,
  learningRateSchedule: 'cosine',
  finalLearningRate: 1e-5,
  seed: 1,
} as const;

export interface ShippedCnnSpec {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly training: CnnTrainOptions;
  readonly quantization: WeightQuantization;
}

export const SHIPPED_CNNS: readonly ShippedCnnSpec[] = [
  {
    id: 'cnn-sparse',
    title: 'Small CNN, sparse activations',
    description: 'Two 3x3 conv layers (16 and 32 channels, max pooling), Dense 64, trained with an L1 penalty on its activations: prune channels.',
    training: { ...CNN_TRAINING, activationL1: 5e-5 },
    quantization: 'float16',
  },
  {
    id: 'cnn',
    title: 'Small CNN, plain',
    description: 'The same CNN trained without the activation penalty, for contrast.',
    training: { ...CNN_TRAINING, activationL1: 0 },
    quantization: 'float16',
  },
];

/** What every entry of public/models/index.json holds, Dense or convolutional. */
export interface ShippedEntryFields {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Input size, then the units (or channels) of every weighted layer. */
  readonly sizes: number[];
  /** model.json, relative to the manifest's folder. */
  readonly path: string;
  readonly params: number;
  /** Measured on the weights as stored (dequantized), like the zero fractions. */
  readonly testAccuracy: number;
  /** The trained float32 network's test accuracy, before quantization: what quantizing cost. */
  readonly float32TestAccuracy: number;
  readonly weightQuantization: WeightQuantization;
  readonly hiddenZeroFraction: number;
  readonly hiddenZeroFractionPerLayer: number[];
  readonly trainedAt: string;
  readonly trainSeconds: number;
}

export interface CnnManifestEntry extends ShippedEntryFields {
  readonly kind: 'cnn';
  readonly training: Omit<CnnTrainOptions, 'architecture'> & { architecture: CnnLayerSpec[]; trainImages: number; loss: string; init: string; backend: string; tfjs: string };
  readonly float32Sha256: string;
}

/** Writes `outDir/<id>/` from the float32 `trained` network and measures it as stored (read back from the files). */
export async function writeShippedCnn(
  spec: ShippedCnnSpec,
  trained: Cnn,
  outDir: string,
  data: { train: MnistSplit; testImages: Float32Array; testLabels: Uint8Array; backend: string; trainSeconds: number },
): Promise<CnnManifestEntry> {
  const float32TestAccuracy = await cnnAccuracy(trained, data.testImages, data.testLabels);
  const float32Sha256 = createHash('sha256').update(new Uint8Array((await saveCnnToArtifacts(trained)).weightData)).digest('hex');
  const training = {
    ...spec.training,
    architecture: [...spec.training.architecture],
    trainImages: data.train.count,
    loss: 'softmax cross-entropy + activationL1 * mean over the batch of the summed hidden ReLU outputs (conv maps before pooling, hidden Dense units)',
    init: 'He-uniform hidden kernels, Glorot-uniform output kernel, zero biases (initialCnn)',
    backend: data.backend,
    tfjs: tfjsVersion.tfjs,
  };
  const modelDir = path.join(outDir, spec.id);
  const modelJsonPath = path.join(modelDir, 'model.json');
  const { modelJson, weightData, weightsFileName } = await saveCnnToArtifacts(trained, {
    name: spec.id,
    quantization: spec.quantization,
    metadata: { shipped: { id: spec.id, title: spec.title, weightQuantization: spec.quantization, training } },
  });
  await rm(modelDir, { recursive: true, force: true });
  await mkdir(modelDir, { recursive: true });
  await writeFile(path.join(modelDir, weightsFileName), new Uint8Array(weightData));
  await writeFile(modelJsonPath, JSON.stringify(modelJson));
  const stored = await loadCnnFile(modelJsonPath);
  const testAccuracy = await cnnAccuracy(stored, data.testImages, data.testLabels);
  const zeros = await cnnHiddenZeroFractions(stored, data.testImages, data.testLabels.length);
  return {
    id: spec.id,
    kind: 'cnn',
    title: spec.title,
    description: spec.description,
    sizes: cnnLayerSizes(stored),
    path: `${spec.id}/model.json`,
    params: cnnParameterCount(stored),
    testAccuracy,
    float32TestAccuracy,
    weightQuantization: spec.quantization,
    hiddenZeroFraction: zeros.overall,
    hiddenZeroFractionPerLayer: zeros.perLayer,
    training,
    float32Sha256,
    trainedAt: new Date().toISOString(),
    trainSeconds: data.trainSeconds,
  };
}
