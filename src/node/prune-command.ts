/**
 * `npm run prune`: prune a tfjs model on MNIST and report. Runs in-process so tests can call it;
 * scripts/prune-cli.ts is the thin entry point.
 */
import path from 'node:path';
import { backendDisplayName, describeStages } from '../core/backend-stages';
import { OptionError } from '../core/errors';
import { oneLine } from '../core/error-line';
import { exportNetwork, type ExportFormat } from '../core/export/export-network';
import { kernelThreadStatus, sparseKernelAvailable } from '../core/kernels/sparse-relu-affine';
import { calibrationImages, normalizedImages } from '../core/data/mnist';
import { accuracy } from '../core/metrics';
import { METHOD_LABELS } from '../core/pruning/methods';
import { pruneNetwork } from '../core/pruning/prune-network';
import { resolveKeepRatios, type PruneOptions } from '../core/pruning/prune-options';
import { warmUpPruning } from '../core/pruning/warm-up';
import { buildPruneReport, type PruneReport } from '../core/report';
import { trainMlp } from '../core/train/train';
import { layerSizes, type Mlp } from '../core/model/mlp';
import { trainOptionsWithDefaults } from '../core/train/train-options';
import {
  limitsText,
  parseNumberSetting,
  SETTING_NAMES,
  SETTINGS,
  type ChoiceSetting,
  type FlagSetting,
  type NumberSetting,
  type PruneSettings,
  type SettingName,
} from '../core/settings';
import { parseCommandOptions, parseKeepOption } from './cli-args';
import type { Cnn } from '../core/cnn/cnn';
import { cnnFileContents, isConvModelFile } from './cnn-files';
import { loadMnist } from './mnist-files';
import { loadMlpFile, mlpFileContents, modelInputFiles } from './model-files';
import { checkOutputFiles, checkOutputs, writeOutputs, type OutputFileOption } from './output-files';
import { pruneCnnModel } from './prune-cnn-command';
import { initNodeBackend, type NodeBackendName } from './tf-node';

export interface CommandIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

const TABLE_OPTIONS = SETTING_NAMES.map((name) => SETTINGS[name]);

function defaultText(setting: NumberSetting | ChoiceSetting | FlagSetting): string {
  if (setting.kind === 'flag') return setting.default ? 'on' : 'off';
  if (setting.kind === 'number' && setting.default === 0 && setting.presets) return 'off';
  return String(setting.default);
}

/** The options the settings table describes, one usage entry each. */
const tableUsage = TABLE_OPTIONS.map((setting) => {
  const flag = `--${setting.cliFlag}${setting.kind === 'flag' ? '' : setting.kind === 'choice' ? ' NAME' : ' N'}`;
  const limits = setting.kind === 'number' ? `; ${limitsText(setting).replace(/^must be /, '')}` : setting.kind === 'choice' ? `: ${setting.choices.map((c) => c.value).join(', ')}` : '';
  return `  ${flag.padEnd(22)} ${setting.help}${limits} (default ${defaultText(setting)})`;
}).join('\n');

const PRUNE_USAGE = `usage: npm run prune -- --model PATH --keep RHO[,RHO...] [options]

  --model PATH           tfjs model.json: Dense layers (784 inputs, 10 outputs, 1-4 hidden ReLU layers), or a
                         Sequential CNN (Conv2D, MaxPooling2D/AveragePooling2D, Flatten, Dense; 28x28x1 inputs)
  --keep RHO             fraction of hidden neurons (a CNN: channels) kept, in (0, 1]; a comma-separated list gives one per hidden layer
${tableUsage}
  --report FILE          write the JSON run report
  --out DIR              write the pruned model (model.json + weights) in tfjs format
  --onnx FILE            write the pruned model as ONNX (opset 13, input 'input' [N, 784])
  --safetensors FILE     write the pruned weights as safetensors under PyTorch nn.Sequential names (0.weight, 0.bias, 2.weight, ...)
  --backend NAME         tfjs backend: wasm (default) or cpu`;

export interface PruneCommandOptions extends PruneOptions, PruneSettings {
  readonly modelPath: string;
  readonly reportPath?: string;
  readonly outDir?: string;
  readonly onnxPath?: string;
  readonly safetensorsPath?: string;
  readonly backend: NodeBackendName;
}

/** One setting from its command-line text, with the table's limits; absent: the table's default. */
function settingFromArg(setting: NumberSetting | ChoiceSetting | FlagSetting, raw: string | boolean | undefined): PruneSettings[SettingName] {
  if (raw === undefined) return setting.default;
  if (setting.kind === 'flag') return raw as boolean;
  const text = String(raw);
  if (setting.kind === 'choice') {
    const choice = setting.choices.find((candidate) => candidate.value === text);
    if (!choice) throw new OptionError(`--${setting.cliFlag} must be one of ${setting.choices.map((c) => c.value).join(', ')}, got '${text}'`);
    return choice.value;
  }
  const parsed = parseNumberSetting(setting, text);
  if (!parsed.ok) throw new OptionError(`--${setting.cliFlag} ${parsed.problem}`);
  return parsed.value;
}

export function parsePruneArgs(argv: readonly string[]): PruneCommandOptions | 'help' {
  const values = parseCommandOptions(argv, {
    model: { type: 'string' },
    keep: { type: 'string' },
    ...Object.fromEntries(TABLE_OPTIONS.map((setting) => [setting.cliFlag, { type: setting.kind === 'flag' ? ('boolean' as const) : ('string' as const) }])),
    report: { type: 'string' },
    out: { type: 'string' },
    onnx: { type: 'string' },
    safetensors: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    help: { type: 'boolean', short: 'h', default: false },
  }) as Record<string, string | boolean | undefined>;
  if (values.help) return 'help';
  if (!values.model) throw new OptionError('--model PATH is required (a tfjs model.json)');
  if (!values.keep) throw new OptionError('--keep RHO is required (fraction of hidden neurons kept, e.g. 0.1)');
  const backend = values.backend as string;
  if (backend !== 'wasm' && backend !== 'cpu') throw new OptionError(`--backend must be wasm or cpu, got '${backend}'`);
  const settings = Object.fromEntries(SETTING_NAMES.map((name) => [name, settingFromArg(SETTINGS[name], values[SETTINGS[name].cliFlag])])) as unknown as PruneSettings;
  if (values[SETTINGS.finetuneLearningRate.cliFlag] !== undefined && !(settings.finetuneEpochs > 0)) {
    throw new OptionError(`--${SETTINGS.finetuneLearningRate.cliFlag} needs --${SETTINGS.finetuneEpochs.cliFlag} E`);
  }
  return {
    ...settings,
    modelPath: values.model as string,
    keep: parseKeepOption(values.keep as string),
    reportPath: values.report as string | undefined,
    outDir: values.out as string | undefined,
    onnxPath: values.onnx as string | undefined,
    safetensorsPath: values.safetensors as string | undefined,
    backend,
  };
}

export async function runPruneCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  try {
    const options = parsePruneArgs(argv);
    if (options === 'help') {
      io.stdout(PRUNE_USAGE);
      return 0;
    }
    // Outputs are checked against the model's files before any work, and written all or nothing.
    const inputs = await modelInputFiles(options.modelPath);
    const exports = exportFiles(options);
    await checkOutputFiles(exports, new Map([[options.modelPath, 'the input model'], ...(options.reportPath ? [[options.reportPath, '--report'] as const] : [])]));
    await checkOutputs(options, inputs, exports);
    const pruned = await prune(options, io);
    const { report } = pruned;
    const outName = `${path.basename(path.dirname(path.resolve(options.modelPath)))}-${options.method}`;
    await writeOutputs({
      files: [
        ...(options.reportPath !== undefined ? [{ option: 'report', path: options.reportPath, data: JSON.stringify(report, null, 2) + '\n' }] : []),
        // prune() refuses exports for a CNN before any work.
        ...(pruned.kind === 'mlp' ? exports.map(({ option, file, format }) => ({ option, path: file, data: exportNetwork(pruned.delivered, report, format) })) : []),
      ],
      ...(options.outDir !== undefined && {
        out: {
          dir: options.outDir,
          files:
            pruned.kind === 'mlp'
              ? await mlpFileContents(pruned.delivered, { name: outName, metadata: { pruning: { ...report, layers: report.layers.map(({ units, kept }) => ({ units, kept })) } } })
              : await cnnFileContents(pruned.delivered, { name: outName, metadata: { pruning: { ...report, layers: report.layers.map(({ kind, channels, kept }) => ({ kind, channels, kept })) } } }),
        },
      }),
    });
    if (options.outDir !== undefined) io.stdout(`model   ${path.join(options.outDir, 'model.json')}`);
    for (const { file, format } of exports) io.stdout(`${format.padEnd(7)} ${file}`);
    if (options.reportPath !== undefined) io.stdout(`report  ${options.reportPath}`);
    return 0;
  } catch (error) {
    // Every failure, a bug included, is exit status 2 and one short line.
    io.stderr(`error: ${oneLine(error instanceof Error ? error.message : String(error))}`);
    return 2;
  }
}

async function prune(options: PruneCommandOptions, io: CommandIo): Promise<{ report: PruneReport; delivered: Mlp; kind: 'mlp' } | { report: PruneReport; delivered: Cnn; kind: 'cnn' }> {
  const started = performance.now();
  const backend = await initNodeBackend(options.backend);
  if (await isConvModelFile(options.modelPath)) {
    if (exportFiles(options).length > 0) {
      throw new OptionError('--onnx and --safetensors export Dense networks only; a convolutional model is written in tfjs format with --out');
    }
    const pruned = await pruneCnnModel(options, io, started, backend);
    printSummary(pruned.report, io);
    return { ...pruned, kind: 'cnn' };
  }
  const dense = await loadMlpFile(options.modelPath);
  resolveKeepRatios(dense, options);
  const { train, test } = await loadMnist();
  const calibration = calibrationImages(train, options.samples);
  const testImages = normalizedImages(test);
  // Part of loading: the JIT, and memory mapped for this model's shape (see warmUpPruning).
  const warmUpStarted = performance.now();
  warmUpPruning({ sizes: layerSizes(dense), samples: options.samples });
  const warmUpMs = performance.now() - warmUpStarted;
  const loadMs = performance.now() - started;

  const outcome = pruneNetwork(dense, calibration, options);

  const evaluateStarted = performance.now();
  const denseAccuracy = await accuracy(dense, testImages, test.labels);
  const rawAccuracy = await accuracy(outcome.selectedModel, testImages, test.labels);
  const refitAccuracy = options.refit ? await accuracy(outcome.model, testImages, test.labels) : undefined;
  let evaluateMs = performance.now() - evaluateStarted;

  let delivered = outcome.model;
  let finetunedAccuracy: number | undefined;
  let finetuneMs: number | undefined;
  if (options.finetuneEpochs > 0) {
    const finetuneStarted = performance.now();
    const trainOptions = trainOptionsWithDefaults({
      hiddenWidths: outcome.model.layers.slice(0, -1).map((layer) => layer.units),
      epochs: options.finetuneEpochs,
      learningRate: options.finetuneLearningRate,
      seed: options.seed,
    });
    const result = await trainMlp(outcome.model, { train }, trainOptions, {
      onEpoch: (epoch) =>
        io.stdout(
          `finetune epoch ${epoch.epochsCompleted}/${options.finetuneEpochs}: loss ${epoch.loss.toFixed(4)}, ` +
            `training accuracy ${percent(epoch.trainAccuracy)} (${count(Math.round(epoch.examplesPerSecond))} images/s)`,
        ),
    });
    delivered = result.model;
    finetuneMs = performance.now() - finetuneStarted;
    const finetuneEvaluateStarted = performance.now();
    finetunedAccuracy = await accuracy(delivered, testImages, test.labels);
    evaluateMs += performance.now() - finetuneEvaluateStarted;
  }

  const report = buildPruneReport({
    ...runSettings(options, backend),
    dense,
    outcome: { ...outcome, model: delivered },
    accuracy: accuracyFigures(denseAccuracy, rawAccuracy, refitAccuracy, finetunedAccuracy),
    timingsMs: { load: loadMs, warmUp: warmUpMs, evaluate: evaluateMs, ...(finetuneMs !== undefined && { finetune: finetuneMs }), total: performance.now() - started },
  });
  printSummary(report, io);
  return { report, delivered, kind: 'mlp' };
}

const EXPORT_FORMATS: Record<'onnxPath' | 'safetensorsPath', ExportFormat> = { onnxPath: 'onnx', safetensorsPath: 'safetensors' };

/** The ONNX and safetensors files asked for, checked before the work and written with the other outputs after it. */
function exportFiles(options: PruneCommandOptions): (OutputFileOption & { format: ExportFormat })[] {
  return (Object.keys(EXPORT_FORMATS) as (keyof typeof EXPORT_FORMATS)[]).flatMap((key) => {
    const file = options[key];
    return file === undefined ? [] : [{ option: EXPORT_FORMATS[key], file, format: EXPORT_FORMATS[key] }];
  });
}

/** The report fields that restate the command's settings. */
export function runSettings(options: PruneCommandOptions, backend: string) {
  return {
    modelName: options.modelPath,
    method: options.method,
    keep: options.keep,
    iterations: options.iterations,
    samples: options.samples,
    seed: options.seed,
    refit: options.refit,
    finetuneEpochs: options.finetuneEpochs,
    finetuneLearningRate: options.finetuneLearningRate,
    backend,
    stages: describeStages(backendDisplayName(backend), backendDisplayName(backend), { available: sparseKernelAvailable(), threads: kernelThreadStatus().threads }),
  };
}

/** The report's accuracy block: `pruned` is the delivered network's. */
export function accuracyFigures(dense: number, raw: number, refit: number | undefined, finetuned: number | undefined): PruneReport['accuracy'] {
  return {
    dense,
    pruned: finetuned ?? refit ?? raw,
    raw,
    ...(refit !== undefined && { refit }),
    ...(finetuned !== undefined && { finetuned }),
  };
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(2)}%`;
const count = (value: number) => value.toLocaleString('en-US');
const ms = (value: number) => `${value.toFixed(1)} ms`;

function printSummary(report: PruneReport, io: CommandIo): void {
  const keep = Array.isArray(report.keep) ? report.keep.join(', ') : String(report.keep);
  io.stdout(
    `${METHOD_LABELS[report.method]}: keep ${keep} of hidden ${report.layers.some((layer) => layer.kind === 'conv') ? 'channels and neurons' : 'neurons'}, ${report.samples} calibration images` +
      `${report.method === 'ispasp' ? `, ${report.iterations} iterations` : ''}${report.method === 'random' ? `, seed ${report.seed}` : ''}` +
      `${report.refit ? ', refit' : ''}${report.finetuneEpochs > 0 ? `, fine-tuned ${report.finetuneEpochs} epochs (Adam, rate ${report.finetuneLearningRate})` : ''}` +
      ` (${report.backend} backend)`,
  );
  io.stdout(`network ${report.architecture.dense.join('-')} -> ${report.architecture.pruned.join('-')}`);
  report.layers.forEach((layer, l) => {
    const trend = layer.residuals.length > 1 ? ` (iteration 1: ${layer.residuals[0].toFixed(4)})` : '';
    const refit = layer.refit ? `; next layer error ${layer.refit.before.toFixed(4)} -> ${layer.refit.after.toFixed(4)} after refit` : '';
    io.stdout(`layer ${l + 1}${layer.kind === 'conv' ? ' (conv)' : ''} kept ${layer.keptCount} / ${layer.units}, relative residual ${layer.relativeResidual.toFixed(4)}${trend}${refit}`);
  });
  const refit = report.accuracy.refit !== undefined ? `, refit ${percent(report.accuracy.refit)}` : '';
  const finetuned = report.accuracy.finetuned !== undefined ? `, fine-tuned ${percent(report.accuracy.finetuned)}` : '';
  io.stdout(`test accuracy dense ${percent(report.accuracy.dense)}, pruned ${percent(report.accuracy.raw)}${refit}${finetuned}`);
  const reduction = (dense: number, pruned: number) => `${count(dense)} -> ${count(pruned)} (-${percent(1 - pruned / dense)})`;
  io.stdout(`params  ${reduction(report.params.dense, report.params.pruned)}`);
  io.stdout(`MACs    ${reduction(report.macs.dense, report.macs.pruned)} per image`);
  const t = report.timingsMs;
  const finetune = report.finetuneEpochs > 0 ? `, fine-tune ${ms(t.finetune ?? 0)}` : '';
  io.stdout(
    `time    load ${ms(t.load)}${t.warmUp !== undefined ? ` (warm-up ${ms(t.warmUp)})` : ''}, prune ${ms(t.prune)}${report.refit ? `, refit ${ms(t.refit)}` : ''}${finetune}, evaluate ${ms(t.evaluate)}, total ${ms(t.total)}`,
  );
}
