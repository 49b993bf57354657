/**
 * The build's CommonJS wrappers as parenthesized function expressions (build/eager-cjs-wrappers.ts):
 * checked on Rolldown's real output through Vite, so a change in how Rolldown writes its wrappers
 * fails here instead of silently bringing back the lazy parse at start-up.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Rolldown } from 'vite';
import { describe, expect, it } from 'vitest';
import { eagerCjsWrappersPlugin, eagerCommonJsWrappers } from '../build/eager-cjs-wrappers';

const entry = path.join(import.meta.dirname, 'fixtures', 'cjs-wrappers', 'entry.js');

async function bundle(minify: boolean, plugins = [eagerCjsWrappersPlugin()]): Promise<string> {
  const output = (await build({
    configFile: false,
    logLevel: 'silent',
    plugins,
    build: { write: false, minify, rolldownOptions: { input: entry, preserveEntrySignatures: 'strict', output: { format: 'es' } } },
  })) as Rolldown.RolldownOutput;
  const chunks = output.output.filter((item): item is Rolldown.OutputChunk => item.type === 'chunk');
  expect(chunks).toHaveLength(1);
  return chunks[0].code;
}

async function results(code: string): Promise<unknown[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'eager-cjs-'));
  try {
    const file = path.join(dir, 'bundle.mjs');
    await writeFile(file, code);
    return ((await import(pathToFileURL(file).href)) as { results: unknown[] }).results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('eager CommonJS wrappers', () => {
  it("rewrites each of Rolldown's module wrappers into a parenthesized function, minified or not", async () => {
    for (const minify of [false, true]) {
      const plain = await bundle(minify, []);
      const eager = await bundle(minify);
      // The fixture's two modules: one with `exports` (and top-level `this`), one with `module`.
      expect(plain.match(/=>/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
      expect(eager.match(/\(\(function\s*\(/g)).toHaveLength(2);
      expect(eager).not.toMatch(/\(\(\(?[\w$, ]*\)?\s*=>\s*\{/);
    }
  });

  it('leaves the modules behaving as they did: exports, module.exports, top-level this, one evaluation', async () => {
    const expected = [1, 2, true, 42];
    expect(await results(await bundle(false, []))).toEqual(expected);
    expect(await results(await bundle(false))).toEqual(expected);
    expect(await results(await bundle(true))).toEqual(expected);
  });

  it('changes nothing in code without module wrappers', () => {
    const code = 'const f = ((a, b) => { return a + b; });\nexport { f };\n';
    expect(eagerCommonJsWrappers(code)).toBe(code);
  });
});
