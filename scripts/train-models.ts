/**
 * `npm run train-models`: trains the networks the playground offers at start and writes them to
 * public/models/<id>/ (tfjs LayersModel format) with public/models/index.json.
 *
 * Deterministic: each model is trained by the project's own loop (src/core/train/train.ts) on all
 * 60,000 MNIST training images from a fixed seed, so the same backend gives the same weights.
 * The weights are written quantized (float16, or uint8 for the 10000-unit network, to keep the
 * shipped files under MAX_SHIPPED_BYTES), so test accuracy and the fraction of zero hidden
 * activations are measured on the 10,000 test images after the model is written and read back
 * from its files: the network users get, not the float32 one in memory. The test images are never
 * used to pick anything. test/shipped-models.test.ts re-measures every model against the manifest.
 *
 * The convolutional networks (scripts/shipped-cnn.ts) are listed under `cnnModels`.
 *
 * Options: --only ID (retrain one model; the other manifest entries stay), --out DIR
 * (default public/models), --backend wasm|cpu (default wasm).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { version as tfjsVersion } from '@tensorflow/tfjs';
import { normalizedImages } from '../src/core/data/mnist';
import { accuracy } from '../src/core/metrics';
import { saveMlpToArtifacts } from '../src/core/model/io';
import { layerSizes, parameterCount } from '../src/core/model/mlp';
import type { WeightQuantization } from '../src/core/model/quantize';
import { hiddenZeroFractions } from '../src/core/train/hidden-sparsity';
import { trainMlp } from '../src/core/train/train';
import { trainOptionsWithDefaults, type TrainOptions } from '../src/core/train/train-options';
import { loadMnist } from '../src/node/mnist-files';
import { loadMlpFile } from '../src/node/model-files';
import { trainCnn } from '../src/core/cnn/train-cnn';
import { SHIPPED_CNNS, writeShippedCnn, type CnnManifestEntry, type ShippedEntryFields } from './shipped-cnn';
import { initNodeBackend } from '../src/node/tf-node';

interface ShippedModelSpec {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly training: Pick<TrainOptions, 'hiddenWidths' | 'epochs' | 'batchSize' | 'learningRate' | 'optimizer' | 'activationL1' | 'seed'>;
  /** How the weight file stores the trained float32 weights (see src/core/model/quantize.ts). */
  readonly quantization: WeightQuantization;
}

/** The shipped networks; the first is the playground's default. */
const SHIPPED_MODELS: readonly ShippedModelSpec[] = [
  {
    id: 'mlp-1024-sparse',
    title: '784-1024-10, sparse activations',
    description: 'One hidden layer of 1024 ReLU units trained with an L1 penalty on its activations: most units are silent for any one digit.',
    training: { hiddenWidths: [1024], epochs: 10, batchSize: 128, learningRate: 1e-3, optimizer: 'adam', activationL1: 1e-3, seed: 1 },
    quantization: 'float16',
  },
  {
    id: 'mlp-1024',
    title: '784-1024-10, plain',
    description: 'The same 1024-unit network trained without the activation penalty, for contrast: about a third of its units fire for any one digit.',
    training: { hiddenWidths: [1024], epochs: 10, batchSize: 128, learningRate: 1e-3, optimizer: 'adam', activationL1: 0, seed: 1 },
    quantization: 'float16',
  },
  {
    id: 'mlp-512-256-sparse',
    title: '784-512-256-10, sparse activations',
    description: 'Two hidden layers (512 and 256 ReLU units) with the L1 activation penalty, for pruning several layers in sequence.',
    training: { hiddenWidths: [512, 256], epochs: 10, batchSize: 128, learningRate: 1e-3, optimizer: 'adam', activationL1: 1e-3, seed: 1 },
    quantization: 'float16',
  },
  {
    id: 'mlp-32-sparse',
    title: '784-32-10, tiny',
    description: 'Only 32 hidden units: every neuron fits on screen, for step-by-step classroom demos and quick tests on slow backends.',
    training: { hiddenWidths: [32], epochs: 10, batchSize: 128, learningRate: 1e-3, optimizer: 'adam', activationL1: 1e-4, seed: 1 },
    quantization: 'float16',
  },
  {
    id: 'mlp-10000',
    title: "784-10000-10, the paper's width",
    description:
      'One hidden layer of 10000 ReLU units, the width Wolfe & Kyrillidis prune in their MNIST experiment; trained 2 epochs, weights stored as 8-bit.',
    training: { hiddenWidths: [10000], epochs: 2, batchSize: 128, learningRate: 1e-3, optimizer: 'adam', activationL1: 0, seed: 0 },
    // Float32 it alone would be 31.8 MB; 8 bits per weight bring it to 7.6 MiB.
    quantization: 'uint8',
  },
];

const MAX_SHIPPED_BYTES = 14 * 1024 * 1024;

interface ManifestEntry extends ShippedEntryFields {
  readonly training: ShippedModelSpec['training'] & { trainImages: number; loss: string; init: string; backend: string; tfjs: string };
}

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    out: { type: 'string', default: 'public/models' },
    backend: { type: 'string', default: 'wasm' },
  },
});
if (values.backend !== 'wasm' && values.backend !== 'cpu') {
  console.error(`error: --backend must be wasm or cpu, got '${values.backend}'`);
  process.exit(2);
}
const selected = values.only ? SHIPPED_MODELS.filter((spec) => spec.id === values.only) : SHIPPED_MODELS;
const selectedCnns = values.only ? SHIPPED_CNNS.filter((spec) => spec.id === values.only) : SHIPPED_CNNS;
if (selected.length + selectedCnns.length === 0) {
  console.error(`error: --only must be one of ${[...SHIPPED_MODELS, ...SHIPPED_CNNS].map((spec) => spec.id).join(', ')}, got '${values.only}'`);
  process.exit(2);
}
const outDir = values.out!;
const indexPath = path.join(outDir, 'index.json');

const backend = await initNodeBackend(values.backend);
const { train, test } = await loadMnist();
const testImages = normalizedImages(test);
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`training ${selected.length + selectedCnns.length} model(s) on ${train.count} images, ${backend} backend, ${cpu} x${os.cpus().length}, node ${process.version}`);

const previous = new Map<string, ManifestEntry>();
const previousCnns = new Map<string, CnnManifestEntry>();
if (values.only) {
  try {
    const manifest = JSON.parse(await readFile(indexPath, 'utf8')) as { models?: ManifestEntry[]; cnnModels?: CnnManifestEntry[] };
    for (const entry of manifest.models ?? []) previous.set(entry.id, entry);
    for (const entry of manifest.cnnModels ?? []) previousCnns.set(entry.id, entry);
  } catch {
    // No manifest yet: it will hold the retrained model only.
  }
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(2)}%`;

for (const spec of selected) {
  const options = trainOptionsWithDefaults(spec.training);
  const sizes = [784, ...spec.training.hiddenWidths, 10].join('-');
  console.log(`\n${spec.id}: ${sizes}, ${options.epochs} epochs, batch ${options.batchSize}, ${options.optimizer} ${options.learningRate}, L1 ${options.activationL1}, seed ${options.seed}`);
  const result = await trainMlp(null, { train, test }, options, {
    onEpoch: (epoch) =>
      console.log(
        `  epoch ${epoch.epoch}/${options.epochs}: loss ${epoch.loss.toFixed(4)} (cross-entropy ${epoch.crossEntropy.toFixed(4)}), ` +
          `train ${percent(epoch.trainAccuracy)}, test ${percent(epoch.testAccuracy ?? NaN)}, ${Math.round(epoch.examplesPerSecond)} images/s`,
      ),
  });
  const trained = result.model;
  const float32TestAccuracy = await accuracy(trained, testImages, test.labels);
  // The float32 file's hash, to check determinism against earlier float32 runs (git history, .cache/reproduce/).
  const float32Sha256 = createHash('sha256').update(new Uint8Array((await saveMlpToArtifacts(trained)).weightData)).digest('hex');
  console.log(`  float32 weights sha256 ${float32Sha256}`);
  const trainSeconds = Math.round(result.elapsedMs / 100) / 10;
  const training = {
    ...spec.training,
    hiddenWidths: [...spec.training.hiddenWidths],
    trainImages: train.count,
    loss: 'softmax cross-entropy + activationL1 * mean over the batch of the summed hidden ReLU activations',
    init: 'He-uniform hidden kernels, Glorot-uniform output kernel, zero biases (initialMlp)',
    backend,
    tfjs: tfjsVersion.tfjs,
  };
  const modelDir = path.join(outDir, spec.id);
  const modelJsonPath = path.join(modelDir, 'model.json');
  const shipped = { id: spec.id, title: spec.title, weightQuantization: spec.quantization, training };
  const { modelJson, weightData, weightsFileName } = await saveMlpToArtifacts(trained, {
    name: spec.id,
    quantization: spec.quantization,
    metadata: { shipped },
  });
  await rm(modelDir, { recursive: true, force: true });
  await mkdir(modelDir, { recursive: true });
  await writeFile(path.join(modelDir, weightsFileName), new Uint8Array(weightData));
  await writeFile(modelJsonPath, JSON.stringify(modelJson));
  // The figures describe what users load: the files just written, dequantized by the loader.
  const model = await loadMlpFile(modelJsonPath);
  const testAccuracy = await accuracy(model, testImages, test.labels);
  const zeros = await hiddenZeroFractions(model, testImages, test.count);
  // Only model.json changes now; the weight file measured above stays as it is.
  const measuredJson = { ...modelJson, userDefinedMetadata: { shipped: { ...shipped, testAccuracy, float32TestAccuracy, hiddenZeroFraction: zeros.overall } } };
  await writeFile(modelJsonPath, JSON.stringify(measuredJson));
  const entry: ManifestEntry = {
    id: spec.id,
    title: spec.title,
    description: spec.description,
    sizes: layerSizes(model),
    path: `${spec.id}/model.json`,
    params: parameterCount(model),
    testAccuracy,
    float32TestAccuracy,
    weightQuantization: spec.quantization,
    hiddenZeroFraction: zeros.overall,
    hiddenZeroFractionPerLayer: [...zeros.perLayer],
    training,
    trainedAt: new Date().toISOString(),
    trainSeconds,
  };
  previous.set(spec.id, entry);
  console.log(
    `  -> ${spec.quantization} weights, ${weightData.byteLength} bytes: test accuracy ${percent(testAccuracy)} (float32 ${percent(float32TestAccuracy)}), ` +
      `zero hidden activations ${percent(zeros.overall)}` +
      `${zeros.perLayer.length > 1 ? ` (per layer ${zeros.perLayer.map(percent).join(', ')})` : ''}, ${trainSeconds} s`,
  );
}

for (const spec of selectedCnns) {
  const t = spec.training;
  console.log(`\n${spec.id}: CNN ${t.architecture.map((layer) => layer.kind).join('-')}, ${t.epochs} epochs, batch ${t.batchSize}, adam ${t.learningRate}${t.learningRateSchedule === 'cosine' ? ` cosine to ${t.finalLearningRate ?? 0}` : ''}, L1 ${t.activationL1}, seed ${t.seed}`);
  const started = performance.now();
  const trained = await trainCnn(train, spec.training, {
    onEpoch: (epoch) => console.log(`  epoch ${epoch.epoch}/${t.epochs}: loss ${epoch.loss.toFixed(4)}, train ${percent(epoch.trainAccuracy)}, ${Math.round(epoch.examplesPerSecond)} images/s`),
  });
  const trainSeconds = Math.round((performance.now() - started) / 100) / 10;
  const entry = await writeShippedCnn(spec, trained, outDir, { train, testImages, testLabels: test.labels, backend, trainSeconds });
  previousCnns.set(spec.id, entry);
  console.log(`  float32 weights sha256 ${entry.float32Sha256}`);
  console.log(
    `  -> ${spec.quantization} weights: test accuracy ${percent(entry.testAccuracy)} (float32 ${percent(entry.float32TestAccuracy)}), ` +
      `zero hidden activations ${percent(entry.hiddenZeroFraction)} (per layer ${entry.hiddenZeroFractionPerLayer.map(percent).join(', ')}), ${trainSeconds} s`,
  );
}

const models = SHIPPED_MODELS.map((spec) => previous.get(spec.id)).filter((entry): entry is ManifestEntry => entry !== undefined);
const cnnModels = SHIPPED_CNNS.map((spec) => previousCnns.get(spec.id)).filter((entry): entry is CnnManifestEntry => entry !== undefined);
await mkdir(outDir, { recursive: true });
await writeFile(indexPath, JSON.stringify({ models, cnnModels }, null, 2) + '\n');

let totalBytes = (await stat(indexPath)).size;
for (const entry of [...models, ...cnnModels]) {
  const dir = path.join(outDir, entry.id);
  const modelJson = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  totalBytes += (await stat(path.join(dir, 'model.json'))).size;
  for (const shard of modelJson.weightsManifest.flatMap((group) => group.paths)) totalBytes += (await stat(path.join(dir, shard))).size;
}
console.log(`\nwrote ${indexPath}; all shipped files ${(totalBytes / 1024 ** 2).toFixed(2)} MB (limit ${MAX_SHIPPED_BYTES / 1024 ** 2} MB)`);

console.log('\n| id | layers | training | weights | test accuracy (float32) | zero hidden activations |\n| --- | --- | --- | --- | --- | --- |');
for (const entry of models) {
  const t = entry.training;
  console.log(
    `| \`${entry.id}\` | ${entry.sizes.join('-')} | ${t.epochs} epochs, Adam ${t.learningRate}, batch ${t.batchSize}, L1 ${t.activationL1}, seed ${t.seed} | ` +
      `${entry.weightQuantization} | ${percent(entry.testAccuracy)} (${percent(entry.float32TestAccuracy)}) | ${percent(entry.hiddenZeroFraction)} |`,
  );
}
if (totalBytes > MAX_SHIPPED_BYTES) {
  console.error(`error: the shipped models take ${totalBytes} bytes, over the ${MAX_SHIPPED_BYTES}-byte limit`);
  process.exitCode = 1;
}
