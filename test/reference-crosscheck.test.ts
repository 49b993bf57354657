/**
 * Cross-check against scripts/reference/ispasp_reference.py, an independent numpy implementation
 * of ALGORITHM.md. Runs where python3 with numpy is installed; skipped (and says so) elsewhere,
 * except under CI=true, where a skipped cross-check fails the run (.ci/run installs numpy).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PruneReport } from '../src/core/report';
import { mnistDataDir } from '../src/node/mnist-files';
import { saveMlpFiles } from '../src/node/model-files';
import { runPruneCommand } from '../src/node/prune-command';
import { initNodeBackend } from '../src/node/tf-node';
import { randomMlp } from './helpers/random-mlp';

function hasNumpy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const numpyAvailable = hasNumpy();
if (!numpyAvailable) console.warn('reference cross-check skipped: python3 with numpy is not installed');

it.runIf(process.env.CI === 'true')('runs under CI: python3 with numpy is installed', () => {
  expect(numpyAvailable, 'CI must run the reference cross-check: install python3 and python3-numpy').toBe(true);
});

interface ReferenceResult {
  layers: { units: number; kept: number[]; residuals: number[] }[];
  accuracy: { dense: number; pruned: number };
}

describe.skipIf(!numpyAvailable)('agreement with the independent numpy reference', () => {
  let dir: string;
  const models: Record<string, string> = {};

  beforeAll(async () => {
    await initNodeBackend('wasm');
    dir = await mkdtemp(path.join(tmpdir(), 'spasp-ref-'));
    models.wide = (await saveMlpFiles(randomMlp([784, 300, 10], 11), path.join(dir, 'wide'))).modelJsonPath;
    models.deep = (await saveMlpFiles(randomMlp([784, 96, 48, 32, 10], 12), path.join(dir, 'deep'))).modelJsonPath;
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['wide', 'ispasp', '0.1'],
    ['wide', 'topk', '0.2'],
    ['wide', 'magnitude', '0.05'],
    ['wide', 'gfs', '0.1'],
    ['deep', 'ispasp', '0.25'],
    ['deep', 'gfs', '0.5,0.25,0.5'],
    ['deep', 'topk', '0.3'],
  ])('%s network, %s, keep %s: same kept neurons, residuals and accuracy', async (name, method, keep) => {
    const reportPath = path.join(dir, `${name}-${method}.json`);
    const args = ['--model', models[name], '--keep', keep, '--method', method, '--samples', '500', '--report', reportPath];
    const code = await runPruneCommand(args, { stdout: () => {}, stderr: (line) => console.error(line) });
    expect(code).toBe(0);
    const ours = JSON.parse(await readFile(reportPath, 'utf8')) as PruneReport;
    const reference = JSON.parse(
      execFileSync(
        'python3',
        ['scripts/reference/ispasp_reference.py', 'prune', models[name], mnistDataDir(), '--keep', keep, '--method', method, '--samples', '500', '--accuracy'],
        { encoding: 'utf8', maxBuffer: 64 << 20 },
      ),
    ) as ReferenceResult;
    expect(ours.layers.map((layer) => layer.kept)).toEqual(reference.layers.map((layer) => layer.kept));
    if (method === 'ispasp') {
      ours.layers.forEach((layer, l) =>
        layer.residuals.forEach((value, t) => expect(Math.abs(value - reference.layers[l].residuals[t])).toBeLessThan(1e-4)),
      );
    }
    expect(Math.abs(ours.accuracy.dense - reference.accuracy.dense)).toBeLessThan(0.01);
    expect(Math.abs(ours.accuracy.pruned - reference.accuracy.pruned)).toBeLessThan(0.01);
  });
});
