/**
 * model.json + .bin files on disk, for the CLI and scripts. All format work happens in
 * src/core/model/io.ts; this file only turns paths into bytes and file-system errors into
 * ModelFormatErrors that name the path.
 */
import { constants } from 'node:fs';
import { mkdir, open, realpath, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelFormatError } from '../core/errors';
import { decodeModelJson, loadMlpFromSources, saveMlpToArtifacts, userMetadataOf, weightShardPaths } from '../core/model/io';
import { MAX_MODEL_JSON_BYTES, MAX_WEIGHT_BYTES } from '../core/model/limits';
import { shown } from '../core/error-line';
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

async function orFormatError<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ModelFormatError) throw error;
    throw new ModelFormatError(`cannot read ${what}: ${reason(error)}`);
  }
}

/**
 * The size of a regular file, from `stat` (which neither blocks on a FIFO nor reads a device);
 * anything else, or anything over `maxBytes`, is refused before a byte is read.
 */
async function regularFileSize(file: string, what: string, name: string, maxBytes: number, cap: string): Promise<number> {
  const info = await orFormatError(what, () => stat(file));
  if (!info.isFile()) throw new ModelFormatError(`cannot read ${what}: not a regular file`);
  if (info.size > maxBytes) throw new ModelFormatError(`${name} is ${info.size} bytes, over the cap of ${maxBytes} (${cap})`);
  return info.size;
}

/**
 * Reads exactly `size` bytes of a regular file. Opened non-blocking and checked again on the open
 * descriptor, so a file swapped for a FIFO or a device after `stat` cannot hang or flood the read.
 */
async function readRegularFile(file: string, what: string, size: number): Promise<Buffer> {
  return orFormatError(what, async () => {
    const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const info = await handle.stat();
      if (!info.isFile() || info.size !== size) throw new ModelFormatError(`cannot read ${what}: it changed while it was read`);
      const bytes = Buffer.alloc(size);
      let at = 0;
      while (at < size) {
        const { bytesRead } = await handle.read(bytes, at, size - at, at);
        if (bytesRead === 0) throw new ModelFormatError(`cannot read ${what}: it changed while it was read`);
        at += bytesRead;
      }
      return bytes;
    } finally {
      await handle.close();
    }
  });
}

/**
 * The real path of a manifest's weight file, which must stay inside the model's folder after
 * symlinks are resolved (the manifest path itself was checked to be relative, without `..`).
 */
async function containedPath(realDir: string, shard: string, what: string): Promise<string> {
  const real = await orFormatError(what, () => realpath(path.join(realDir, shard)));
  const relative = path.relative(realDir, real);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new ModelFormatError(`${what} resolves outside the model's folder (through a symbolic link); weight files must stay inside it`);
  }
  return real;
}

/** model.json, capped and parsed, and the real path of its folder. */
async function readModelJson(modelJsonPath: string): Promise<{ modelJson: unknown; realDir: string }> {
  const what = `model file ${modelJsonPath}`;
  const size = await regularFileSize(modelJsonPath, what, shown(path.basename(modelJsonPath), 60), MAX_MODEL_JSON_BYTES, 'MAX_MODEL_JSON_BYTES');
  const modelJson = decodeModelJson(await readRegularFile(modelJsonPath, what, size), modelJsonPath);
  return { modelJson, realDir: await orFormatError(what, () => realpath(path.dirname(modelJsonPath))) };
}

/**
 * Loads model.json and the weight files it lists, with its metadata. Nothing outside the model's
 * folder is opened, model.json and the weights are capped (limits.ts) and every size is checked
 * against the manifest before a weight byte is read.
 */
export async function loadMlpFileWithMetadata(modelJsonPath: string): Promise<LoadedMlpFile> {
  const { modelJson, realDir } = await readModelJson(modelJsonPath);
  const mlp = await loadMlpFromSources(modelJson, async (shard) => {
    const shardWhat = `weight file ${path.resolve(path.dirname(modelJsonPath), shard)} (listed in ${modelJsonPath})`;
    const real = await containedPath(realDir, shard, shardWhat);
    const size = await regularFileSize(real, shardWhat, `weight file ${shown(shard, 60)}`, MAX_WEIGHT_BYTES, 'MAX_WEIGHT_BYTES');
    return { size, read: () => readRegularFile(real, shardWhat, size) };
  });
  return { mlp, metadata: userMetadataOf(modelJson) };
}

/**
 * model.json and the bytes of the weight files it lists, with the same containment and caps as
 * loadMlpFile: for network kinds other than Dense stacks (convolutional ones, cnn-files.ts).
 */
export async function readModelFiles(modelJsonPath: string): Promise<{ modelJson: unknown; shards: Buffer[] }> {
  const { modelJson, realDir } = await readModelJson(modelJsonPath);
  const shards: Buffer[] = [];
  for (const shard of weightShardPaths(modelJson)) {
    const shardWhat = `weight file ${path.resolve(path.dirname(modelJsonPath), shard)} (listed in ${modelJsonPath})`;
    const real = await containedPath(realDir, shard, shardWhat);
    const size = await regularFileSize(real, shardWhat, `weight file ${shown(shard, 60)}`, MAX_WEIGHT_BYTES, 'MAX_WEIGHT_BYTES');
    shards.push(await readRegularFile(real, shardWhat, size));
  }
  return { modelJson, shards };
}

/** The real paths of model.json and the weight files it lists, for checks on outputs. */
export async function modelInputFiles(modelJsonPath: string): Promise<string[]> {
  const { modelJson, realDir } = await readModelJson(modelJsonPath);
  const shards = await Promise.all(
    weightShardPaths(modelJson).map((shard) => realpath(path.join(realDir, shard)).catch(() => path.join(realDir, shard))),
  );
  return [await realpath(modelJsonPath), ...shards];
}

/** Loads model.json and the weight files it lists (relative to it). */
export async function loadMlpFile(modelJsonPath: string): Promise<Mlp> {
  return (await loadMlpFileWithMetadata(modelJsonPath)).mlp;
}

/** The files `saveMlpFiles` writes: model.json and its weight file, by name. */
export async function mlpFileContents(mlp: Mlp, options: SaveMlpFilesOptions = {}): Promise<{ name: string; bytes: Uint8Array | string }[]> {
  const { modelJson, weightData, weightsFileName } = await saveMlpToArtifacts(mlp, options);
  return [
    { name: weightsFileName, bytes: new Uint8Array(weightData) },
    { name: 'model.json', bytes: JSON.stringify(modelJson) },
  ];
}

/** Writes `outDir/model.json` and its weight file, creating `outDir` if needed. */
export async function saveMlpFiles(mlp: Mlp, outDir: string, options: SaveMlpFilesOptions = {}): Promise<SavedMlpFiles> {
  const [weights, json] = await mlpFileContents(mlp, options);
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, weights.name), weights.bytes);
  await writeFile(path.join(outDir, json.name), json.bytes);
  return { modelJsonPath: path.join(outDir, json.name), weightsPath: path.join(outDir, weights.name) };
}
