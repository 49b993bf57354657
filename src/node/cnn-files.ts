/**
 * Convolutional model.json + .bin files on disk, for the CLI and scripts (the Dense twin is
 * model-files.ts). All format work happens in src/core/cnn/cnn-io.ts.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Cnn } from '../core/cnn/cnn';
import { isConvModelJson, loadCnnFromArtifacts, saveCnnToArtifacts } from '../core/cnn/cnn-io';
import { ModelFormatError } from '../core/errors';
import { userMetadataOf, type SaveOptions } from '../core/model/io';
import { MAX_MODEL_JSON_BYTES } from '../core/model/limits';
import { readModelFiles } from './model-files';

/** Whether the model.json at `modelJsonPath` describes a convolutional network; false when unreadable (the Dense loader then reports why). */
export async function isConvModelFile(modelJsonPath: string): Promise<boolean> {
  try {
    // Only a file within the model.json cap is read here; anything else is the Dense loader's to refuse.
    const info = await stat(modelJsonPath);
    if (!info.isFile() || info.size > MAX_MODEL_JSON_BYTES) return false;
    return isConvModelJson(JSON.parse(await readFile(modelJsonPath, 'utf8')));
  } catch {
    return false;
  }
}

export async function loadCnnFileWithMetadata(modelJsonPath: string): Promise<{ cnn: Cnn; metadata: Record<string, unknown> | undefined }> {
  const { modelJson, shards } = await readModelFiles(modelJsonPath);
  if (shards.length === 0) throw new ModelFormatError(`${modelJsonPath} lists no weight files`);
  return { cnn: await loadCnnFromArtifacts(modelJson, shards), metadata: userMetadataOf(modelJson) };
}

export async function loadCnnFile(modelJsonPath: string): Promise<Cnn> {
  return (await loadCnnFileWithMetadata(modelJsonPath)).cnn;
}

/** The files `saveCnnFiles` writes, as names and contents (for all-or-nothing output writing). */
export async function cnnFileContents(cnn: Cnn, options: SaveOptions = {}): Promise<{ name: string; bytes: Uint8Array | string }[]> {
  const { modelJson, weightData, weightsFileName } = await saveCnnToArtifacts(cnn, options);
  return [
    { name: weightsFileName, bytes: new Uint8Array(weightData) },
    { name: 'model.json', bytes: JSON.stringify(modelJson) },
  ];
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
