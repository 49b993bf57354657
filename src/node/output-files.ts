/**
 * The CLI's outputs (`--report FILE`, `--out DIR`, `--onnx FILE`, `--safetensors FILE`): checked
 * before any work, so that a bad path fails in a second instead of after the pruning, and written
 * all or nothing, so that a full disk or a failed rename leaves neither a partial report nor a
 * half-written model folder.
 */
import { constants } from 'node:fs';
import { access, lstat, mkdir, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OptionError } from '../core/errors';

export interface OutputPaths {
  readonly reportPath?: string;
  readonly outDir?: string;
}

/** A file of the `--out` folder, by name. */
export interface FolderFile {
  readonly name: string;
  readonly bytes: Uint8Array | string;
}

export interface Outputs {
  /** Single files (the report, exports), each named by its option (`report` for `--report`). */
  readonly files?: readonly { readonly option: string; readonly path: string; readonly data: Uint8Array | string }[];
  readonly out?: { readonly dir: string; readonly files: readonly FolderFile[] };
}

const code = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;
const exists = async (file: string) => lstat(file).then((info) => info, (error: unknown) => (code(error) === 'ENOENT' ? null : Promise.reject(error)));
const why = (error: unknown) => (error instanceof Error ? error.message.split('\n')[0].replace(/,\s*\w+\s+'.*'$/, '') : String(error));

/** The real path of `file`, or of its parent joined with its name when it does not exist yet. */
async function realTarget(file: string): Promise<string> {
  const absolute = path.resolve(file);
  return realpath(absolute).catch(async () => path.join(await realpath(path.dirname(absolute)).catch(() => path.dirname(absolute)), path.basename(absolute)));
}

const inside = (parent: string, child: string) => {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

async function checkParent(option: string, target: string): Promise<void> {
  const parent = path.dirname(path.resolve(target));
  const info = await exists(parent).catch(() => null);
  if (!info) throw new OptionError(`${option} ${target}: its folder ${parent} does not exist`);
  if (!info.isDirectory()) throw new OptionError(`${option} ${target}: ${parent} is not a folder`);
  try {
    await access(parent, constants.W_OK);
  } catch {
    throw new OptionError(`${option} ${target}: its folder ${parent} is not writable`);
  }
}

/**
 * Refuses outputs that are, or would hold, an input file (model.json, its weights), a report that
 * is a folder or a device, an `--out` that is a file or a non-empty folder, and parents that do
 * not exist or cannot be written. `inputs` are real paths.
 */
export async function checkOutputs(paths: OutputPaths, inputs: readonly string[], exports: readonly OutputFileOption[] = []): Promise<void> {
  const { reportPath, outDir } = paths;
  for (const { option, file } of exports) {
    if (inputs.includes(await realTarget(file))) throw new OptionError(`--${option} ${file} is an input file of the model; choose another name`);
    if (outDir !== undefined && inside(await realTarget(outDir), await realTarget(file))) {
      throw new OptionError(`--${option} ${file} is inside --out ${outDir}; write it elsewhere`);
    }
  }
  if (reportPath !== undefined && outDir !== undefined && inside(await realTarget(outDir), await realTarget(reportPath))) {
    throw new OptionError(`--report ${reportPath} is inside --out ${outDir}; write it elsewhere`);
  }
  if (reportPath !== undefined) {
    const target = await realTarget(reportPath);
    if (inputs.includes(target)) throw new OptionError(`--report ${reportPath} is an input file of the model; choose another name`);
    const info = await exists(path.resolve(reportPath)).catch(() => null);
    if (info?.isDirectory()) throw new OptionError(`--report ${reportPath} is a folder; give a file name`);
    if (info && !info.isFile()) throw new OptionError(`--report ${reportPath} is not a regular file`);
    await checkParent('--report', reportPath);
  }
  if (outDir !== undefined) {
    const target = await realTarget(outDir);
    const held = inputs.find((input) => inside(target, input));
    if (held) throw new OptionError(`--out ${outDir} holds the model's own files; give a new or empty folder`);
    const info = await exists(path.resolve(outDir)).catch(() => null);
    if (info && !info.isDirectory()) throw new OptionError(`--out ${outDir} is a file; give a new or empty folder`);
    if (info && (await readdir(outDir)).length > 0) throw new OptionError(`--out ${outDir} is not empty; give a new or empty folder`);
    await checkParent('--out', outDir);
  }
}

/** A hidden temporary name next to `target`, unique to this process. */
function temporaryName(target: string): string {
  const absolute = path.resolve(target);
  return path.join(path.dirname(absolute), `.${path.basename(absolute)}.${process.pid}.${Date.now().toString(36)}.tmp`);
}

/**
 * Writes the single files and the model folder under temporary names, then renames them into
 * place: all appear or none does. Errors are one-line OptionErrors naming the output.
 */
export async function writeOutputs(outputs: Outputs): Promise<void> {
  const temporaries: string[] = [];
  const placed: { to: string; existed: boolean }[] = [];
  const files = outputs.files ?? [];
  try {
    const written = [];
    for (const file of files) {
      const temporary = temporaryName(file.path);
      temporaries.push(temporary);
      await writeFile(temporary, file.data, { flag: 'wx' }).catch((error) => fail(`--${file.option}`, file.path, error));
      written.push({ ...file, temporary });
    }
    let outTemp: string | undefined;
    if (outputs.out) {
      const out = outputs.out;
      outTemp = temporaryName(out.dir);
      temporaries.push(outTemp);
      await mkdir(outTemp).catch((error) => fail('--out', out.dir, error));
      for (const file of out.files) {
        await writeFile(path.join(outTemp, file.name), file.bytes, { flag: 'wx' }).catch((error) => fail('--out', out.dir, error));
      }
    }
    // rename(2) replaces an empty folder and a file atomically; the checks ran before the work.
    if (outputs.out && outTemp) {
      const target = path.resolve(outputs.out.dir);
      const existed = (await exists(target).catch(() => null)) !== null;
      await rename(outTemp, target).catch((error) => fail('--out', outputs.out!.dir, error));
      placed.push({ to: target, existed });
    }
    for (const file of written) {
      await rename(file.temporary, path.resolve(file.path)).catch((error) => fail(`--${file.option}`, file.path, error));
    }
  } catch (error) {
    // None: take back the folder already renamed into place, and every temporary. (A file renamed
    // over an older one cannot be taken back; the folder goes first and files last for that reason.)
    for (const { to, existed } of placed) {
      await rm(to, { recursive: true, force: true }).catch(() => undefined);
      if (existed) await mkdir(to).catch(() => undefined);
    }
    for (const temporary of temporaries) await rm(temporary, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}

function fail(option: string, target: string, error: unknown): never {
  throw new OptionError(`cannot write ${option} ${target}: ${why(error)}; nothing was written`);
}

export interface OutputFileOption {
  /** The option that named it, for messages: `onnx` for `--onnx FILE`. */
  readonly option: string;
  readonly file: string;
}

/**
 * Single-file outputs named by an option (the exports): each must be new or a plain file, in an existing writable folder, distinct from the others
 * and from the `taken` paths (the input model, other outputs), which map a path to what it is.
 */
export async function checkOutputFiles(outputs: readonly OutputFileOption[], taken: ReadonlyMap<string, string>): Promise<void> {
  const seen = new Map<string, string>([...taken].map(([file, what]) => [path.resolve(file), what]));
  for (const { option, file } of outputs) {
    if (file.trim() === '') throw new OptionError(`--${option} needs a file name`);
    const resolved = path.resolve(file);
    const clash = seen.get(resolved);
    if (clash) throw new OptionError(`--${option} ${file} is also ${clash}; give it a file of its own`);
    seen.set(resolved, `--${option}`);
    const existing = await stat(resolved).catch(() => null);
    if (existing && !existing.isFile()) throw new OptionError(`--${option} ${file} exists and is not a file`);
    const folder = path.dirname(resolved);
    const parent = await stat(folder).catch(() => null);
    if (!parent?.isDirectory()) throw new OptionError(`--${option} ${file}: folder ${path.dirname(file)} does not exist`);
    try {
      await access(folder, constants.W_OK);
      if (existing) await access(resolved, constants.W_OK);
    } catch {
      throw new OptionError(`--${option} ${file} cannot be written (no write permission)`);
    }
  }
}
