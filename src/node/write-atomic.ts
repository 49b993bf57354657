import { rename, rm, writeFile } from 'node:fs/promises';

/** Writes beside the target, then renames, so a reader never sees half a file. */
export async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
