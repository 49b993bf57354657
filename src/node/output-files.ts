/** Output paths checked before any work, so a run never ends by failing to write what it computed. */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { OptionError } from '../core/errors';

export interface OutputFile {
  /** The option that named it, for messages: `onnx` for `--onnx FILE`. */
  readonly option: string;
  readonly file: string;
}

/**
 * Each file must be new or a plain file, in an existing writable folder, distinct from the others
 * and from the `taken` paths (the input model, other outputs), which map a path to what it is.
 */
export async function checkOutputFiles(outputs: readonly OutputFile[], taken: ReadonlyMap<string, string>): Promise<void> {
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

/** A write that failed after the checks (a full disk, say), as one line naming the options. */
export function writeFailure(outputs: readonly OutputFile[], error: unknown): OptionError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message.split('\n')[0] : String(error));
  return new OptionError(`could not write ${outputs.map((o) => `--${o.option} ${o.file}`).join(', ')} (${reason}); nothing was written`);
}
