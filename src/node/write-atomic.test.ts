import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAllAtomic } from './write-atomic';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'spasp-atomic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeAllAtomic', () => {
  it('writes every file', async () => {
    await writeAllAtomic([{ file: path.join(dir, 'a'), data: 'one' }, { file: path.join(dir, 'b'), data: new Uint8Array([1, 2]) }]);
    expect(await readFile(path.join(dir, 'a'), 'utf8')).toBe('one');
    expect([...(await readFile(path.join(dir, 'b')))]).toEqual([1, 2]);
  });

  it('writes none when one cannot be written, and leaves no temporary file', async () => {
    const first = path.join(dir, 'first');
    await expect(writeAllAtomic([{ file: first, data: 'x' }, { file: path.join(dir, 'no', 'such', 'folder'), data: 'y' }])).rejects.toThrow(/ENOENT/);
    expect(existsSync(first)).toBe(false);
    expect((await readdir(dir)).sort()).toEqual(['a', 'b']);
  });
});
