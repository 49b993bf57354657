/**
 * The CLI's outputs (`--report FILE`, `--out DIR`): checked before any work, so that a bad path
 * fails in a second instead of after the pruning, and written all or nothing, so that a full disk
 * or a failed rename leaves neither a partial report nor a half-written model folder.
 */
import { constants } from 'node:fs';
import { access, lstat, mkdir, readdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OptionError } from '../core/errors';

export interface OutputPaths {
  readonly reportPath?: string;
  readonly outDir?: string;
}

export interface OutputFile {
  readonly name: string;
  readonly bytes: Uint8Array | string;
}

export interface Outputs {
  readonly report?: { readonly path: string; readonly text: string };
  readonly out?: { readonly dir: string; readonly files: readonly OutputFile[] };
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
export async function checkOutputs(paths: OutputPaths, inputs: readonly string[]): Promise<void> {
  const { reportPath, outDir } = paths;
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
 * Writes the report and the model folder under temporary names, then renames them into place:
 * both appear or neither does. Errors are one-line OptionErrors naming the output.
 */
export async function writeOutputs(outputs: Outputs): Promise<void> {
  const temporaries: string[] = [];
  const placed: { to: string }[] = [];
  const outExisted = outputs.out ? (await exists(path.resolve(outputs.out.dir)).catch(() => null)) !== null : false;
  try {
    let reportTemp: string | undefined;
    let outTemp: string | undefined;
    if (outputs.report) {
      reportTemp = temporaryName(outputs.report.path);
      temporaries.push(reportTemp);
      await writeFile(reportTemp, outputs.report.text, { flag: 'wx' }).catch((error) => fail('--report', outputs.report!.path, error));
    }
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
      await rename(outTemp, path.resolve(outputs.out.dir)).catch((error) => fail('--out', outputs.out!.dir, error));
      placed.push({ to: path.resolve(outputs.out.dir) });
    }
    if (outputs.report && reportTemp) {
      await rename(reportTemp, path.resolve(outputs.report.path)).catch((error) => fail('--report', outputs.report!.path, error));
    }
  } catch (error) {
    // Neither: take back what was already renamed into place, and every temporary.
    for (const { to } of placed) {
      await rm(to, { recursive: true, force: true }).catch(() => undefined);
      if (outExisted) await mkdir(to).catch(() => undefined);
    }
    for (const temporary of temporaries) await rm(temporary, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}

function fail(option: string, target: string, error: unknown): never {
  throw new OptionError(`cannot write ${option} ${target}: ${why(error)}`);
}
