/**
 * model.json + .bin files on disk, for the CLI and scripts. All format work happens in
 * src/core/model/io.ts; this file only turns paths into bytes and file-system errors into
 * ModelFormatErrors that name the path.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelFormatError } from '../core/errors';
import { loadMlpFromFiles, parseModelJson, saveMlpToArtifacts, userMetadataOf, weightShardPaths } from '../core/model/io';
import type { Mlp } from '../core/model/mlp';

export interface SaveMlpFilesOptions {
  /** Model name; the weight file becomes `${name}.weights.bin` (`weights.bin` without one). */
  readonly name?: string;
  /** Written as tfjs `userDefinedMetadata`. */
  readonly metadata?: Record<string, unknown>;
}

export interface SavedMlpFiles {
  readonly modelJsonPath: string;
  readonly weightsPath: string;
}

export interface LoadedMlpFile {
  readonly mlp: Mlp;
  readonly metadata: Record<string, unknown> | undefined;
}

/** "ENOENT: no such file or directory, open '/x'" says the path twice once we add it; keep the reason. */
function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return code ? message.replace(/,\s*\w+\s+'.*'$/, '') : message;
}

export async function readBytes(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new ModelFormatError(`cannot read ${what}: ${reason(error)}`);
  }
}

/** Loads model.json and the weight files it lists (relative to it), with its metadata. */
export async function loadMlpFileWithMetadata(modelJsonPath: string): Promise<LoadedMlpFile> {
  const text = (await readBytes(modelJsonPath, `model file ${modelJsonPath}`)).toString('utf8');
  const modelJson = parseModelJson(text, modelJsonPath);
  const dir = path.dirname(modelJsonPath);
  const files = new Map<string, Buffer>();
  for (const shard of weightShardPaths(modelJson)) {
    const shardPath = path.resolve(dir, shard);
    files.set(shard, await readBytes(shardPath, `weight file ${shardPath} (listed in ${modelJsonPath})`));
  }
  const mlp = await loadMlpFromFiles(modelJson, files);
  return { mlp, metadata: userMetadataOf(modelJson) };
}

/** Loads model.json and the weight files it lists (relative to it). */
export async function loadMlpFile(modelJsonPath: string): Promise<Mlp> {
  return (await loadMlpFileWithMetadata(modelJsonPath)).mlp;
}

/** Writes `outDir/model.json` and its weight file, creating `outDir` if needed. */
export async function saveMlpFiles(mlp: Mlp, outDir: string, options: SaveMlpFilesOptions = {}): Promise<SavedMlpFiles> {
  const { modelJson, weightData, weightsFileName } = await saveMlpToArtifacts(mlp, options);
  const modelJsonPath = path.join(outDir, 'model.json');
  const weightsPath = path.join(outDir, weightsFileName);
  await mkdir(outDir, { recursive: true });
  await writeFile(weightsPath, new Uint8Array(weightData));
  await writeFile(modelJsonPath, JSON.stringify(modelJson));
  return { modelJsonPath, weightsPath };
}
