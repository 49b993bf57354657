import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argmaxAccuracy, parseSafetensors, runOnnx, safetensorsDifferences, torchStateDictBytes } from '../../test/helpers/exported-files';
import { randomMlp } from '../../test/helpers/random-mlp';
import { normalizedImages } from '../core/data/mnist';
import { accuracy } from '../core/metrics';
import type { PruneReport } from '../core/report';
import { loadMnistSplit } from './mnist-files';
import { loadMlpFile, saveMlpFiles } from './model-files';
import { runPruneCapturing } from '../../test/helpers/run-prune';
import { initNodeBackend } from './tf-node';

let dir: string;
let oneHidden: string;
let twoHidden: string;

beforeAll(async () => {
  await initNodeBackend('wasm');
  dir = await mkdtemp(path.join(tmpdir(), 'spasp-cli-'));
  oneHidden = (await saveMlpFiles(randomMlp([784, 64, 10], 3), path.join(dir, 'one'))).modelJsonPath;
  twoHidden = (await saveMlpFiles(randomMlp([784, 40, 20, 10], 4), path.join(dir, 'two'))).modelJsonPath;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (...argv: string[]) => runPruneCapturing(argv);

async function readReport(file: string): Promise<PruneReport> {
  return JSON.parse(await readFile(file, 'utf8')) as PruneReport;
}

describe('prune CLI', () => {
  it('prunes a one-hidden-layer model and writes a report with hand-checkable sizes', async () => {
    const reportPath = path.join(dir, 'one.json');
    const { code, stdout, stderr } = await run('--model', oneHidden, '--keep', '0.25', '--samples', '200', '--report', reportPath);
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    expect(stdout.join('\n')).toMatch(/kept 16 \/ 64/);
    const report = await readReport(reportPath);
    expect(report).toMatchObject({ model: oneHidden, method: 'ispasp', keep: 0.25, iterations: 20, samples: 200, seed: 0, refit: false, backend: 'wasm' });
    expect(report.layers).toHaveLength(1);
    expect(report.layers[0].units).toBe(64);
    expect(report.layers[0].kept).toHaveLength(16);
    expect(report.layers[0].residuals).toHaveLength(20);
    expect(report.params).toEqual({ dense: 784 * 64 + 64 + 64 * 10 + 10, pruned: 784 * 16 + 16 + 16 * 10 + 10 });
    expect(report.macs).toEqual({ dense: 784 * 64 + 64 * 10, pruned: 784 * 16 + 16 * 10 });
    for (const value of [report.accuracy.dense, report.accuracy.pruned]) expect(value >= 0 && value <= 1).toBe(true);
    for (const key of ['load', 'prune', 'evaluate', 'total'] as const) expect(report.timingsMs[key]).toBeGreaterThan(0);
    expect(report.timingsMs.total).toBeGreaterThanOrEqual(report.timingsMs.prune + report.timingsMs.evaluate);
    // The warm-up at the model's shape is part of loading, reported apart.
    expect(report.timingsMs.warmUp).toBeGreaterThan(0);
    expect(report.timingsMs.warmUp).toBeLessThanOrEqual(report.timingsMs.load);
  });

  it('writes a pruned model that plain tf.loadLayersModel loads, with the reported accuracy', async () => {
    const outDir = path.join(dir, 'out');
    const reportPath = path.join(dir, 'out.json');
    const { code } = await run('--model', oneHidden, '--keep', '0.1', '--method', 'topk', '--samples', '300', '--out', outDir, '--report', reportPath);
    expect(code).toBe(0);
    const report = await readReport(reportPath);
    const modelJson = JSON.parse(await readFile(path.join(outDir, 'model.json'), 'utf8'));
    const weights = await readFile(path.join(outDir, modelJson.weightsManifest[0].paths[0]));
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest[0].weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
    expect(model.layers.map((layer) => (layer.getConfig() as { units?: number }).units)).toEqual([6, 10]);
    const test = await loadMnistSplit('test');
    const predicted = tf.tidy(() => (model.predict(tf.tensor2d(normalizedImages(test), [test.count, 784])) as tf.Tensor).argMax(1).dataSync());
    const correct = Array.from(predicted).reduce((sum: number, p, i) => sum + (p === test.labels[i] ? 1 : 0), 0);
    expect(correct / test.count).toBeCloseTo(report.accuracy.pruned, 10);
    model.dispose();
  });

  it('takes one keep ratio per hidden layer and refits', async () => {
    const reportPath = path.join(dir, 'two.json');
    const { code } = await run('--model', twoHidden, '--keep', '0.5,0.25', '--method', 'gfs', '--samples', '100', '--refit', '--report', reportPath);
    expect(code).toBe(0);
    const report = await readReport(reportPath);
    expect(report.keep).toEqual([0.5, 0.25]);
    expect(report.layers.map((layer) => layer.kept.length)).toEqual([20, 5]);
    expect(report.architecture.pruned).toEqual([784, 20, 5, 10]);
    expect(report.accuracy.refit).toBe(report.accuracy.pruned);
    expect(typeof report.accuracy.raw).toBe('number');
    report.layers.forEach((layer) => expect(layer.refit!.after).toBeLessThanOrEqual(layer.refit!.before));
  });

  it('fine-tunes after refit, keeping raw, refit and fine-tuned accuracy apart, and writes the fine-tuned network', async () => {
    const outDir = path.join(dir, 'finetuned');
    const reportPath = path.join(dir, 'finetuned.json');
    const { code, stdout, stderr } = await run(
      '--model', oneHidden, '--keep', '0.25', '--samples', '200', '--refit', '--finetune-epochs', '0.1', '--finetune-rate', '0.003', '--seed', '5',
      '--out', outDir, '--report', reportPath, '--onnx', path.join(dir, 'finetuned.onnx'), '--safetensors', path.join(dir, 'finetuned.safetensors'),
    );
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    expect(stdout.join('\n')).toMatch(/finetune epoch 0\.1\/0\.1: loss [\d.]+/);
    expect(stdout.join('\n')).toMatch(/test accuracy dense [\d.]+%, pruned [\d.]+%, refit [\d.]+%, fine-tuned [\d.]+%/);
    const report = await readReport(reportPath);
    expect(report).toMatchObject({ refit: true, finetuneEpochs: 0.1, finetuneLearningRate: 0.003, seed: 5 });
    const { raw, refit, finetuned, pruned } = report.accuracy;
    expect(typeof raw).toBe('number');
    expect(typeof refit).toBe('number');
    expect(finetuned).toBe(pruned);
    // A random 784-16-10 network scores about chance; 47 Adam steps on real labels lift it well above.
    expect(finetuned!).toBeGreaterThan(Math.max(raw, refit!) + 0.2);
    expect(report.architecture.pruned).toEqual([784, 16, 10]);
    expect(report.timingsMs.finetune).toBeGreaterThan(0);
    expect(report.timingsMs.total).toBeGreaterThanOrEqual(report.timingsMs.prune + report.timingsMs.finetune! + report.timingsMs.evaluate);

    // The delivered (written) network is the fine-tuned one.
    const test = await loadMnistSplit('test');
    const delivered = await loadMlpFile(path.join(outDir, 'model.json'));
    expect(await accuracy(delivered, normalizedImages(test), test.labels)).toBe(pruned);
    // And so are the ONNX and safetensors files.
    const onnxRun = await runOnnx(new Uint8Array(await readFile(path.join(dir, 'finetuned.onnx'))), normalizedImages(test), test.count);
    expect(argmaxAccuracy(onnxRun.outputs, 10, test.labels)).toBe(pruned);
    const safetensors = parseSafetensors(new Uint8Array(await readFile(path.join(dir, 'finetuned.safetensors'))));
    expect(safetensorsDifferences(safetensors, torchStateDictBytes(delivered.layers))).toEqual([]);
    expect(safetensors.metadata).toMatchObject({ finetune_epochs: '0.1', finetune_learning_rate: '0.003', refit: 'true', seed: '5' });
  });

  it('without fine-tuning reports finetuneEpochs 0 and no fine-tuned accuracy', async () => {
    const reportPath = path.join(dir, 'plain.json');
    expect((await run('--model', oneHidden, '--keep', '0.5', '--method', 'topk', '--samples', '100', '--report', reportPath)).code).toBe(0);
    const report = await readReport(reportPath);
    expect(report.finetuneEpochs).toBe(0);
    expect(report.accuracy.finetuned).toBeUndefined();
    expect(report.finetuneLearningRate).toBeUndefined();
    expect(report.timingsMs.finetune).toBe(0);
  });

  it('reports the random method seed and reproduces it', async () => {
    const a = path.join(dir, 'ra.json');
    const b = path.join(dir, 'rb.json');
    await run('--model', oneHidden, '--keep', '0.2', '--method', 'random', '--seed', '42', '--samples', '50', '--report', a);
    await run('--model', oneHidden, '--keep', '0.2', '--method', 'random', '--seed', '42', '--samples', '50', '--report', b);
    const [ra, rb] = [await readReport(a), await readReport(b)];
    expect(ra.seed).toBe(42);
    expect(ra.layers[0].kept).toEqual(rb.layers[0].kept);
  });

  it.each([
    [['--keep', '0.1'], /--model PATH is required/],
    [['--model', 'MODEL'], /--keep RHO is required/],
    [['--model', 'MODEL', '--keep', '0'], /keep ratio must be in \(0, 1\], got 0/],
    [['--model', 'MODEL', '--keep', '1.5'], /keep ratio must be in \(0, 1\], got 1.5/],
    [['--model', 'MODEL', '--keep', 'abc'], /--keep expects a number, got 'abc'/],
    [['--model', 'MODEL', '--keep', '0.1,0.2'], /2 keep ratios given for 1 hidden layer/],
    [['--model', 'MODEL', '--keep', '0.1', '--method', 'prune-all'], /--method must be one of ispasp, topk, magnitude, random, gfs/],
    [['--model', 'MODEL', '--keep', '0.1', '--iterations', '0'], /--iterations must be an integer from 1 to 1000/],
    [['--model', 'MODEL', '--keep', '0.1', '--samples', '70000'], /--samples must be an integer from 1 to 10000, got '70000'/],
    [['--model', 'MODEL', '--keep', '0.1', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['--model', 'MODEL', '--keep', '0.1', '--finetune-epochs=-1'], /--finetune-epochs must be in \[0, 100\] \(fractions allowed, 0.25 = a quarter epoch; 0 = off\), got '-1'/],
    [['--model', 'MODEL', '--keep', '0.1', '--finetune-epochs', '101'], /--finetune-epochs must be in \[0, 100\]/],
    [['--model', 'MODEL', '--keep', '0.1', '--finetune-epochs', 'two'], /--finetune-epochs expects a number, got 'two'/],
    [['--model', 'MODEL', '--keep', '0.1', '--finetune-epochs', '1', '--finetune-rate', '2'], /--finetune-rate must be in \(0, 1\], got '2'/],
    [['--model', 'MODEL', '--keep', '0.1', '--finetune-rate', '0.001'], /--finetune-rate needs --finetune-epochs E/],
    [['--model', 'MODEL', '--keep', '0.1', '--finetune-epochs', '0', '--finetune-rate', '0.001'], /--finetune-rate needs --finetune-epochs E/],
    [['--model', 'MODEL', '--keep', '0.5', '--samples', '10', '--refit'], /refit needs more calibration samples than kept neurons \(10 samples, 32 kept\)/],
    [['--model', '/nonexistent/model.json', '--keep', '0.1'], /cannot read model file \/nonexistent\/model.json/],
  ])('rejects %j with exit status 2, one error line and no report', async (argv, message) => {
    const reportPath = path.join(dir, `bad-${Math.random()}.json`);
    const args = argv.map((a) => (a === 'MODEL' ? oneHidden : a));
    const { code, stderr, stdout } = await run(...args, '--report', reportPath);
    expect(code).toBe(2);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^error: /);
    expect(stderr[0]).toMatch(message);
    expect(stdout).toEqual([]);
    expect(existsSync(reportPath)).toBe(false);
  });

  it('writes ONNX and safetensors of a softmax-output network: probabilities in ONNX Runtime at the reported accuracy', async () => {
    const softmax = (await saveMlpFiles(randomMlp([784, 48, 10], 8, { output: 'softmax' }), path.join(dir, 'softmax'))).modelJsonPath;
    const files = { onnx: path.join(dir, 'sm.onnx'), safetensors: path.join(dir, 'sm.safetensors'), report: path.join(dir, 'sm.json') };
    const { code, stdout } = await run('--model', softmax, '--keep', '0.25', '--samples', '200', '--onnx', files.onnx, '--safetensors', files.safetensors, '--report', files.report);
    expect(code).toBe(0);
    expect(stdout).toEqual(expect.arrayContaining([`onnx    ${files.onnx}`, `safetensors ${files.safetensors}`]));
    const report = await readReport(files.report);
    const test = await loadMnistSplit('test');
    const onnxRun = await runOnnx(new Uint8Array(await readFile(files.onnx)), normalizedImages(test), test.count);
    expect(onnxRun.outputNames).toEqual(['probabilities']);
    expect(argmaxAccuracy(onnxRun.outputs, 10, test.labels)).toBe(report.accuracy.pruned);
    const rowSum = onnxRun.outputs.subarray(0, 10).reduce((a, b) => a + b, 0);
    expect(rowSum).toBeCloseTo(1, 5);
    const safetensors = parseSafetensors(new Uint8Array(await readFile(files.safetensors)));
    expect(safetensors.tensors.map((t) => `${t.name}:${t.shape.join('x')}`)).toEqual(['0.weight:12x784', '0.bias:12', '2.weight:10x12', '2.bias:10']);
    expect(safetensors.metadata.torch_module).toBe('Sequential(Linear(784, 12), ReLU(), Linear(12, 10), Softmax(dim=1))');
  });

  it('refuses export paths it cannot write before any work: exit 2, one error line, nothing written', async () => {
    const folder = path.join(dir, 'bad-exports');
    await mkdir(folder);
    const report = path.join(folder, 'r.json');
    const cases: [string[], RegExp][] = [
      [['--onnx', path.join(folder, 'missing', 'x.onnx')], /^error: --onnx .*folder .* does not exist$/],
      [['--safetensors', folder], /^error: --safetensors .* exists and is not a file$/],
      [['--onnx', path.join(folder, 'same'), '--safetensors', path.join(folder, 'same')], /^error: --safetensors .* is also --onnx/],
      [['--onnx', oneHidden], /^error: --onnx .* is also the input model/],
      [['--safetensors', report], /^error: --safetensors .* is also --report/],
      [['--onnx', ''], /^error: --onnx needs a value; it was given an empty one$/],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await run('--model', oneHidden, '--keep', '0.5', '--samples', '100', '--report', report, ...args);
      expect(code).toBe(2);
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toMatch(message);
      expect(stdout).toEqual([]);
    }
    expect(await readdir(folder)).toEqual([]);
  });

  it('rejects a truncated weight file', async () => {
    const broken = (await saveMlpFiles(randomMlp([784, 16, 10], 5), path.join(dir, 'broken'))).weightsPath;
    await truncate(broken, 100);
    const { code, stderr } = await run('--model', path.join(dir, 'broken', 'model.json'), '--keep', '0.5');
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(/^error: .*truncated/);
  });

  it('runs as a process: exit status 2 and one plain line on stderr, no stack trace', async () => {
    const cli = path.resolve('scripts/prune-cli.ts');
    const tsx = path.resolve('node_modules/.bin/tsx');
    const failure = await promisify(execFile)(tsx, [cli, '--model', oneHidden, '--keep', '2']).catch((error) => error);
    expect(failure.code).toBe(2);
    expect(failure.stderr.trim().split('\n').filter((l: string) => !/npm warn/i.test(l))).toEqual(['error: keep ratio must be in (0, 1], got 2']);
    const success = await promisify(execFile)(tsx, [cli, '--model', oneHidden, '--keep', '0.5', '--samples', '100']);
    expect(success.stdout).toMatch(/test accuracy dense [\d.]+%, pruned [\d.]+%/);
  }, 60_000);
});
