/**
 * Convolutional model.json + .bin files on disk, for the CLI and scripts (the Dense twin is
 * model-files.ts). All format work happens in src/core/cnn/cnn-io.ts.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Cnn } from '../core/cnn/cnn';
import { isConvModelJson, loadCnnFromArtifacts, saveCnnToArtifacts } from '../core/cnn/cnn-io';
import { ModelFormatError } from '../core/errors';
import { parseModelJson, userMetadataOf, weightShardPaths, type SaveOptions } from '../core/model/io';
import { readBytes } from './model-files';

/** Whether the model.json at `modelJsonPath` describes a convolutional network; false when unreadable (the Dense loader then reports why). */
export async function isConvModelFile(modelJsonPath: string): Promise<boolean> {
  try {
    return isConvModelJson(JSON.parse(await readFile(modelJsonPath, 'utf8')));
  } catch {
    return false;
  }
}

export async function loadCnnFileWithMetadata(modelJsonPath: string): Promise<{ cnn: Cnn; metadata: Record<string, unknown> | undefined }> {
  const text = (await readBytes(modelJsonPath, `model file ${modelJsonPath}`)).toString('utf8');
  const modelJson = parseModelJson(text, modelJsonPath);
  const dir = path.dirname(modelJsonPath);
  const shards: Buffer[] = [];
  for (const shard of weightShardPaths(modelJson)) {
    const shardPath = path.resolve(dir, shard);
    shards.push(await readBytes(shardPath, `weight file ${shardPath} (listed in ${modelJsonPath})`));
  }
  if (shards.length === 0) throw new ModelFormatError(`${modelJsonPath} lists no weight files`);
  return { cnn: await loadCnnFromArtifacts(modelJson, shards), metadata: userMetadataOf(modelJson) };
}

export async function loadCnnFile(modelJsonPath: string): Promise<Cnn> {
  return (await loadCnnFileWithMetadata(modelJsonPath)).cnn;
}

/** Writes `outDir/model.json` and its weight file, creating `outDir` if needed. */
export async function saveCnnFiles(cnn: Cnn, outDir: string, options: SaveOptions = {}): Promise<{ modelJsonPath: string; weightsPath: string }> {
  const { modelJson, weightData, weightsFileName } = await saveCnnToArtifacts(cnn, options);
  const modelJsonPath = path.join(outDir, 'model.json');
  const weightsPath = path.join(outDir, weightsFileName);
  await mkdir(outDir, { recursive: true });
  await writeFile(weightsPath, new Uint8Array(weightData));
  await writeFile(modelJsonPath, JSON.stringify(modelJson));
  return { modelJsonPath, weightsPath };
}
