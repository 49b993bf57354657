import { rename, rm, writeFile } from 'node:fs/promises';

const tempName = (file: string) => `${file}.${process.pid}.tmp`;

/** Writes beside the target, then renames, so a reader never sees half a file. */
export async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
  await writeAllAtomic([{ file, data }]);
}

/**
 * The same for several files, all or none: every file is written under a temporary name first,
 * and only when all of them are complete are they renamed into place.
 */
export async function writeAllAtomic(files: readonly { readonly file: string; readonly data: Uint8Array | string }[]): Promise<void> {
  try {
    for (const { file, data } of files) await writeFile(tempName(file), data);
    for (const { file } of files) await rename(tempName(file), file);
  } catch (error) {
    await Promise.all(files.map(({ file }) => rm(tempName(file), { force: true })));
    throw error;
  }
}
