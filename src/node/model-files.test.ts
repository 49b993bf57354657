import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mlp } from '../core/model/mlp';
import { randomMlp } from '../core/model/random-mlp';
import { loadMlpFile, loadMlpFileWithMetadata, saveMlpFiles } from './model-files';
import { initNodeBackend, tf } from './tf-node';
import { expectModelFormatError } from '../../test/helpers/expect-errors';

function expectBitExact(a: Mlp, b: Mlp): void {
  expect(b.layers.map((l) => [l.inputSize, l.units, l.activation])).toEqual(a.layers.map((l) => [l.inputSize, l.units, l.activation]));
  a.layers.forEach((layer, i) => {
    expect(Buffer.from(b.layers[i].kernel.buffer).equals(Buffer.from(layer.kernel.buffer))).toBe(true);
    expect(Buffer.from(b.layers[i].bias.buffer).equals(Buffer.from(layer.bias.buffer))).toBe(true);
  });
}

let tmp: string;
const mlp = randomMlp([784, 12, 8, 10], 3);

beforeAll(async () => {
  await initNodeBackend('wasm');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'spasp-model-files-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('saveMlpFiles / loadMlpFile', () => {
  it('writes model.json and weights.bin into a new directory and reads them back bit-exactly', async () => {
    const dir = path.join(tmp, 'nested', 'plain');
    const before = tf.memory().numTensors;
    const saved = await saveMlpFiles(mlp, dir);
    expect(saved).toEqual({ modelJsonPath: path.join(dir, 'model.json'), weightsPath: path.join(dir, 'weights.bin') });
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(saved.modelJsonPath, 'utf8')) as { format: string; weightsManifest: { paths: string[] }[] };
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expectBitExact(mlp, await loadMlpFile(saved.modelJsonPath));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the weight file after the model and keeps metadata', async () => {
    const dir = path.join(tmp, 'named');
    const saved = await saveMlpFiles(mlp, dir, { name: 'pruned', metadata: { pruning: { method: 'i-spasp', keep: [0.5, 0.5] } } });
    expect(path.basename(saved.weightsPath)).toBe('pruned.weights.bin');
    const loaded = await loadMlpFileWithMetadata(saved.modelJsonPath);
    expectBitExact(mlp, loaded.mlp);
    expect(loaded.metadata).toEqual({ pruning: { method: 'i-spasp', keep: [0.5, 0.5] } });
  });

  it('names a missing model.json', async () => {
    const missing = path.join(tmp, 'nowhere', 'model.json');
    await expectModelFormatError(loadMlpFile(missing), `cannot read model file ${missing}: ENOENT`);
  });

  it('names a model.json that is not JSON', async () => {
    const file = path.join(tmp, 'bad.json');
    await writeFile(file, '{"modelTopology": {');
    await expectModelFormatError(loadMlpFile(file), `${file} is not valid JSON`);
  });

  it('names a missing weight file by its full path', async () => {
    const dir = path.join(tmp, 'no-shard');
    const saved = await saveMlpFiles(mlp, dir);
    await rm(saved.weightsPath);
    await expectModelFormatError(loadMlpFile(saved.modelJsonPath), `cannot read weight file ${saved.weightsPath} (listed in ${saved.modelJsonPath}): ENOENT: no such file or directory`);
  });

  it('rejects a truncated weight file', async () => {
    const dir = path.join(tmp, 'truncated');
    const saved = await saveMlpFiles(mlp, dir);
    const size = (784 * 12 + 12 + 12 * 8 + 8 + 8 * 10 + 10) * 4;
    await truncate(saved.weightsPath, size - 4);
    await expectModelFormatError(loadMlpFile(saved.modelJsonPath), `weight data is ${size - 4} bytes but the manifest needs ${size}`);
  });
});
