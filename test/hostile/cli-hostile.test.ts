/**
 * The prune CLI against hostile files and paths, generated here from one small valid model (no
 * large file is committed; the big ones are sparse). Every case must end with exit status 2 and
 * one `error:` line of at most 200 characters, within 20 s and 1.5 GB, having read nothing outside
 * the model's folder (the outside file's access time stays put) and changed no file. Most cases run
 * the command function in-process; a few run the real process for its exit status and memory.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ERROR_LENGTH } from '../../src/core/error-line';
import { loadMlpFile } from '../../src/node/model-files';
import { writeOutputs } from '../../src/node/output-files';
import { runPruneCapturing } from '../helpers/run-prune';
import { initNodeBackend } from '../../src/node/tf-node';
import { baseModel, modelCases, type BaseModel } from './model-cases';

const TIME_LIMIT_MS = 20_000;
const MEMORY_LIMIT_BYTES = 1.5 * 1024 ** 3;

let root: string;
let base: BaseModel;
let valid: string;
let outside: string;
let secret: string;
/** Whether this file system updates access times on read (relatime does when atime < mtime). */
let atimeWorks = false;
let caseCount = 0;

async function writeModel(folder: string, modelJson: string, files: readonly { name: string; bytes: Uint8Array }[]): Promise<string> {
  await mkdir(folder, { recursive: true });
  for (const file of files) await writeFile(path.join(folder, file.name), file.bytes);
  await writeFile(path.join(folder, 'model.json'), modelJson);
  return path.join(folder, 'model.json');
}

/** A fresh folder for one case, next to `outside`, holding the base weights. */
async function caseFolder(
  modelJson = JSON.stringify(base.json),
  files: readonly { name: string; bytes: Uint8Array }[] = [{ name: base.weightsName, bytes: base.weights }],
): Promise<string> {
  return writeModel(path.join(root, 'cases', `case-${++caseCount}`), modelJson, files);
}

/** An old access time on the outside file: a read moves it to now. */
async function ageSecret(): Promise<void> {
  await utimes(secret, new Date(1_000_000_000_000), new Date());
}

/** Content (or size and time, for big sparse files) of every regular file under the folders. */
async function snapshot(...folders: string[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const walk = async (folder: string) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(file);
      else if (entry.isFile()) {
        const info = await stat(file);
        result.set(file, info.size > 1 << 20 ? `${info.size}@${info.mtimeMs}` : createHash('sha256').update(await readFile(file)).digest('hex'));
      }
    }
  };
  for (const folder of folders) await walk(folder);
  return result;
}

const run = runPruneCapturing;

/** Runs the command and checks every promise of a refusal; `expected` is part of the error line. */
async function expectRefused(argv: string[], expected: string | RegExp): Promise<string> {
  const filesBefore = await snapshot(path.join(root, 'cases'), outside, path.dirname(valid));
  // After the snapshot, which reads the outside file too.
  await ageSecret();
  const secretBefore = await stat(secret);
  const { code, stdout, stderr, ms } = await run(argv);
  const secretAfter = await stat(secret);
  expect(stderr).toHaveLength(1);
  expect(stderr[0]).toMatch(/^error: \S/);
  expect(stderr[0].length).toBeLessThanOrEqual('error: '.length + MAX_ERROR_LENGTH);
  if (typeof expected === 'string') expect(stderr[0]).toContain(expected);
  else expect(stderr[0]).toMatch(expected);
  expect(code).toBe(2);
  expect(stdout).toEqual([]);
  expect(ms).toBeLessThan(TIME_LIMIT_MS);
  expect(process.resourceUsage().maxRSS * 1024).toBeLessThan(MEMORY_LIMIT_BYTES);
  if (atimeWorks) expect(secretAfter.atimeMs).toBe(secretBefore.atimeMs);
  expect(await snapshot(path.join(root, 'cases'), outside, path.dirname(valid))).toEqual(filesBefore);
  return stderr[0];
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'spasp-hostile-'));
  base = await baseModel();
  outside = path.join(root, 'outside');
  await mkdir(outside);
  // The right size for the base model: loading it as weights would succeed.
  secret = path.join(outside, 'secret.bin');
  await writeFile(secret, base.weights);
  valid = await writeModel(path.join(root, 'valid'), JSON.stringify(base.json), [{ name: base.weightsName, bytes: base.weights }]);
  await ageSecret();
  const aged = (await stat(secret)).atimeMs;
  await readFile(secret);
  atimeWorks = (await stat(secret)).atimeMs !== aged;
  await mkdir(path.join(root, 'cases'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// The cases are generated before the tests are collected: one per test.
await initNodeBackend('wasm');
const cases = modelCases(await baseModel());

describe('hostile model files', () => {
  it('cover every class with at least 30 cases', () => {
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(['containment', 'sizes', 'topology', 'manifest', 'format']));
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, hostile) => {
    const model = await caseFolder(hostile.modelJson, hostile.files);
    await expectRefused(['--model', model, '--keep', '0.5'], hostile.expected);
  });
});

describe('hostile file systems', () => {
  /** A case folder whose manifest lists `weightPath`, made what the case needs by `make`. */
  it.each([
    ['a symbolic link inside the folder to a file of the right size outside it', 'link.bin', (folder: string) => symlink(secret, path.join(folder, 'link.bin')), "resolves outside the model's folder"],
    ['a symlinked subfolder that leads outside', 'sub/secret.bin', (folder: string) => symlink(outside, path.join(folder, 'sub')), "resolves outside the model's folder"],
    ['a symbolic link to /dev/zero as the weight file', 'zero.bin', (folder: string) => symlink('/dev/zero', path.join(folder, 'zero.bin')), "resolves outside the model's folder"],
    ['a FIFO as the weight file (a read would hang)', 'fifo.bin', async (folder: string) => void execFileSync('mkfifo', [path.join(folder, 'fifo.bin')]), 'not a regular file'],
    ['a folder as the weight file', 'folder.bin', (folder: string) => mkdir(path.join(folder, 'folder.bin')), 'not a regular file'],
  ])('%s', async (_name, weightPath, make, expected) => {
    const model = await caseFolder();
    await make(path.dirname(model));
    const json = structuredClone(base.json) as { weightsManifest: { paths: string[] }[] };
    json.weightsManifest[0].paths = [weightPath];
    await writeFile(model, JSON.stringify(json));
    await expectRefused(['--model', model, '--keep', '0.5'], expected);
  });

  it('a 200 MB (sparse) weight file is refused by its size, unread', async () => {
    const model = await caseFolder();
    await truncate(path.join(path.dirname(model), base.weightsName), 200_000_000);
    await expectRefused(['--model', model, '--keep', '0.5'], 'MAX_WEIGHT_BYTES');
  });

  it('a 600 MB (sparse) model.json is refused by its size, unread', async () => {
    const model = await caseFolder();
    await truncate(model, 600_000_000);
    await expectRefused(['--model', model, '--keep', '0.5'], 'MAX_MODEL_JSON_BYTES');
  });

  it('--model /dev/zero', async () => {
    await expectRefused(['--model', '/dev/zero', '--keep', '0.5'], 'not a regular file');
  });

  it('--model a FIFO', async () => {
    const fifo = path.join(root, 'cases', 'model-fifo.json');
    execFileSync('mkfifo', [fifo]);
    await expectRefused(['--model', fifo, '--keep', '0.5'], 'not a regular file');
  });

  it('--model a folder', async () => {
    await expectRefused(['--model', path.dirname(valid), '--keep', '0.5'], 'not a regular file');
  });

  it('accepts what the rules allow: a byte-order mark, ./ and subfolder paths inside the folder', async () => {
    const model = await writeModel(path.join(root, 'allowed'), '\ufeff' + JSON.stringify({ ...base.json, weightsManifest: [{ ...(base.json.weightsManifest as object[])[0], paths: ['./w/a.bin', 'w/b.bin'] }] }), []);
    await mkdir(path.join(root, 'allowed', 'w'));
    await writeFile(path.join(root, 'allowed', 'w', 'a.bin'), base.weights.subarray(0, 1000));
    await writeFile(path.join(root, 'allowed', 'w', 'b.bin'), base.weights.subarray(1000));
    const mlp = await loadMlpFile(model);
    expect(mlp.layers.map((layer) => layer.units)).toEqual([16, 10]);
  });
});

describe('hostile outputs: refused before any work, inputs untouched', () => {
  const weightsOf = () => path.join(path.dirname(valid), base.weightsName);
  it.each([
    ['--report is the model.json', () => ['--report', valid], 'is an input file of the model'],
    ['--report is the weight file', () => ['--report', weightsOf()], 'is an input file of the model'],
    ['--report is a symbolic link to model.json', async () => {
      const link = path.join(root, 'cases', `report-link-${++caseCount}.json`);
      await symlink(valid, link);
      return ['--report', link];
    }, 'is an input file of the model'],
    ['--report is a folder', () => ['--report', outside], 'is a folder'],
    ['--report is a device', () => ['--report', '/dev/full'], 'is not a regular file'],
    ['--report in a folder that does not exist', () => ['--report', path.join(root, 'missing', 'r.json')], 'does not exist'],
    ['--report inside --out', () => ['--out', path.join(root, 'new-out'), '--report', path.join(root, 'new-out', 'r.json')], 'is inside --out'],
    ['--out is the model folder', () => ['--out', path.dirname(valid)], "holds the model's own files"],
    ['--out holds the model folder', () => ['--out', root], "holds the model's own files"],
    ['--out is a file', () => ['--out', secret], 'is a file'],
    ['--out is a non-empty folder', () => ['--out', outside], 'is not empty'],
    ['--out in a folder that does not exist', () => ['--out', path.join(root, 'missing', 'out')], 'does not exist'],
    ['--onnx is the weight file', () => ['--onnx', weightsOf()], 'is an input file of the model'],
    ['--safetensors inside an empty --out', async () => {
      const out = path.join(root, `empty-${++caseCount}`);
      await mkdir(out);
      return ['--out', out, '--safetensors', path.join(out, 'w.safetensors')];
    }, 'is inside --out'],
  ] as const)('%s', async (_name, outputArgs, expected) => {
    const output = await outputArgs();
    await expectRefused(['--model', valid, '--keep', '0.5', ...output], expected);
    expect(existsSync(path.join(root, 'new-out'))).toBe(false);
  });

  it('writes both outputs into an existing empty --out and a new --report, leaving no temporary files', async () => {
    const out = path.join(root, 'empty-out');
    await mkdir(out);
    const report = path.join(root, 'report.json');
    const { code, stderr } = await run(['--model', valid, '--keep', '0.5', '--samples', '50', '--out', out, '--report', report]);
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['model.json', 'valid-ispasp.weights.bin']);
    expect(JSON.parse(await readFile(report, 'utf8')).keep).toBe(0.5);
    expect((await readdir(root)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('writes both or neither: a report that cannot be renamed into place takes the model folder back', async () => {
    const out = path.join(root, 'both-out');
    const blocked = path.join(root, 'blocked-report');
    await mkdir(path.join(blocked, 'inside'), { recursive: true });
    const error = await writeOutputs({
      files: [{ option: 'report', path: blocked, data: '{}' }],
      out: { dir: out, files: [{ name: 'model.json', bytes: '{}' }] },
    }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^cannot write --report /);
    expect(existsSync(out)).toBe(false);
    expect((await readdir(root)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect((await lstat(blocked)).isDirectory()).toBe(true);
  });
});

describe('hostile options', () => {
  it.each([
    ['--keep -1 says the ratio is out of range', ['--keep', '-1'], 'keep ratio must be in (0, 1], got -1'],
    ['--keep -0.5,0.2', ['--keep', '-0.5,0.2'], 'keep ratio must be in (0, 1], got -0.5'],
    ['--report with an empty value', ['--keep', '0.5', '--report', ''], '--report needs a value'],
    ['--out with an empty value', ['--keep', '0.5', '--out', ''], '--out needs a value'],
    ['--keep twice', ['--keep', '0.5', '--keep', '0.2'], '--keep is given more than once'],
    ['--model twice', ['--keep', '0.5', '--model', '/etc/passwd'], '--model is given more than once'],
    ['--refit twice', ['--keep', '0.5', '--refit', '--refit'], '--refit is given more than once'],
    ['--keep=', ['--keep='], '--keep needs a value'],
  ] as const)('%s', async (_name, argv, expected) => {
    await expectRefused(['--model', valid, ...argv], expected);
  });

  it('a byte-order mark in front of an argument is ignored', async () => {
    const { code, stderr } = await run(['\ufeff--model', valid, '--keep', '\ufeff0.5', '--samples', '20']);
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
  });
});

/** The real process: exit status, one line, wall time and peak memory (maxRSS at exit). */
describe('hostile inputs through the real process', () => {
  const hook = path.join(tmpdir(), `spasp-max-rss-${process.pid}.mjs`);
  beforeAll(async () => {
    await writeFile(hook, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.SPASP_MAX_RSS_FILE, String(process.resourceUsage().maxRSS * 1024)));\n`);
  });
  afterAll(async () => {
    await rm(hook, { force: true });
  });

  async function runProcess(argv: string[]): Promise<{ code: number | null; stderr: string; ms: number; maxRss: number }> {
    const rssFile = path.join(root, `rss-${++caseCount}`);
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', pathToFileURL(hook).href, 'scripts/prune-cli.ts', ...argv], {
      env: { ...process.env, SPASP_MAX_RSS_FILE: rssFile },
      // stdin stays an open pipe: a CLI that read /dev/stdin would wait forever.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIME_LIMIT_MS);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    child.stdin.destroy();
    const ms = performance.now() - started;
    return { code, stderr, ms, maxRss: existsSync(rssFile) ? Number(await readFile(rssFile, 'utf8')) : NaN };
  }

  const processCases: [string, () => Promise<string>, string][] = [
    ['"paths": ["/dev/zero"]', async () => caseFolder(JSON.stringify({ ...base.json, weightsManifest: [{ ...(base.json.weightsManifest as object[])[0], paths: ['/dev/zero'] }] })), 'relative path inside'],
    ['units: 1000000 in a small file', async () => {
      const json = structuredClone(base.json) as { modelTopology: { config: { layers: { config: { units: number } }[] } }; weightsManifest: { weights: { shape: number[] }[] }[] };
      json.modelTopology.config.layers[0].config.units = 1_000_000;
      json.weightsManifest[0].weights[0].shape = [784, 1_000_000];
      json.weightsManifest[0].weights[1].shape = [1_000_000];
      json.weightsManifest[0].weights[2].shape = [1_000_000, 10];
      return caseFolder(JSON.stringify(json));
    }, 'MAX_HIDDEN_WIDTH'],
    ['--model /dev/zero', async () => '/dev/zero', 'not a regular file'],
    ['--model /dev/stdin (an open pipe)', async () => '/dev/stdin', 'not a regular file'],
    ['a 600 MB model.json', async () => {
      const model = await caseFolder();
      await truncate(model, 600_000_000);
      return model;
    }, 'MAX_MODEL_JSON_BYTES'],
  ];
  it.each(processCases)('%s: exit 2, one line, under 20 s and 1.5 GB', async (_name, modelPath, expected) => {
    const { code, stderr, ms, maxRss } = await runProcess(['--model', await modelPath(), '--keep', '0.5', '--report', path.join(root, 'process-report.json')]);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toContain(expected);
    expect(lines[0].length).toBeLessThanOrEqual('error: '.length + MAX_ERROR_LENGTH);
    expect(code).toBe(2);
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(maxRss).toBeLessThan(MEMORY_LIMIT_BYTES);
    expect(existsSync(path.join(root, 'process-report.json'))).toBe(false);
  }, 30_000);
});
