/**
 * The measurements behind `npm run reproduce -- --cnn` (scripts/reproduce-cnn.ts): one CNN pruned
 * by every method at every keep ratio (the same ratio for every hidden layer), its test accuracy
 * raw (kept channels, original weights), after the least-squares refit, and after fine-tuning
 * the raw pruned network with trainCnn; and the markdown table of the results.
 */
import { cnnAccuracy } from '../src/core/cnn/cnn-forward';
import { cnnParameterCount, type Cnn } from '../src/core/cnn/cnn';
import { pruneCnn } from '../src/core/cnn/prune-cnn';
import { trainCnn, type CnnTrainOptions } from '../src/core/cnn/train-cnn';
import type { MnistSplit } from '../src/core/data/mnist';
import { METHOD_LABELS, type PruneMethod } from '../src/core/pruning/methods';
import { median } from './timing';

export interface CnnComparisonSettings {
  readonly methods: readonly PruneMethod[];
  /** Fraction of channels (units) kept in every hidden layer. */
  readonly keepRatios: readonly number[];
  readonly iterations: number;
  /** Prunes per method and ratio; the prune time reported is their median (a shared machine's noise). */
  readonly timingRepeats: number;
  /** Seed of the random baseline. */
  readonly seed: number;
  /** Fine-tuning of each raw pruned network; `architecture` is ignored (the pruned network's own). */
  readonly finetune: Omit<CnnTrainOptions, 'architecture'>;
}

export interface CnnComparisonData {
  /** Calibration images, row-major `[n, 784]` in [0, 1]. */
  readonly calibration: Float32Array;
  readonly testImages: Float32Array;
  readonly testLabels: ArrayLike<number>;
  /** The images fine-tuning trains on. */
  readonly finetuneSplit: MnistSplit;
}

export interface CnnComparisonRow {
  readonly method: PruneMethod;
  readonly keep: number;
  /** Kept channels (units) per hidden layer. */
  readonly kept: number[];
  /** The kept indices per hidden layer (of the layer as its pruned input left it), ascending. */
  readonly keptChannels: number[][];
  readonly params: number;
  /** Calibration passes included, as the CLI's `timingsMs.prune`. */
  readonly pruneMs: number;
  readonly refitMs: number;
  /** Relative residual of the last hidden layer. */
  readonly lastResidual: number;
  readonly rawAccuracy: number;
  readonly refitAccuracy: number;
  readonly finetunedAccuracy: number;
  readonly finetuneMs: number;
}

export interface CnnComparisonHooks {
  onRow?(row: CnnComparisonRow): void;
}

/** Prunes `model` by every method at every ratio; nothing is cached between rows. */
export async function compareCnnPruning(model: Cnn, data: CnnComparisonData, settings: CnnComparisonSettings, hooks: CnnComparisonHooks = {}): Promise<CnnComparisonRow[]> {
  const rows: CnnComparisonRow[] = [];
  const prune = (method: PruneMethod, keep: number) => pruneCnn(model, data.calibration, { method, keep, iterations: settings.iterations, seed: settings.seed, refit: true });
  // Untimed: the first prune compiles wasm kernels and allocates what later ones reuse.
  await prune(settings.methods[0], settings.keepRatios[0]);
  for (const keep of settings.keepRatios) {
    for (const method of settings.methods) {
      const outcome = await prune(method, keep);
      const pruneTimes = [outcome.pruneMs];
      for (let r = 1; r < settings.timingRepeats; r++) pruneTimes.push((await prune(method, keep)).pruneMs);
      const rawAccuracy = await cnnAccuracy(outcome.selectedModel, data.testImages, data.testLabels);
      const refitAccuracy = await cnnAccuracy(outcome.model, data.testImages, data.testLabels);
      const started = performance.now();
      const tuned = await trainCnn(data.finetuneSplit, { ...settings.finetune, architecture: [] }, {}, outcome.selectedModel);
      const finetuneMs = performance.now() - started;
      const row: CnnComparisonRow = {
        method,
        keep,
        kept: outcome.layers.map((layer) => layer.kept.length),
        keptChannels: outcome.layers.map((layer) => [...layer.kept]),
        params: cnnParameterCount(outcome.selectedModel),
        pruneMs: median(pruneTimes),
        refitMs: outcome.refitMs,
        lastResidual: outcome.layers.at(-1)!.relativeResidual,
        rawAccuracy,
        refitAccuracy,
        finetunedAccuracy: await cnnAccuracy(tuned, data.testImages, data.testLabels),
        finetuneMs,
      };
      rows.push(row);
      hooks.onRow?.(row);
    }
  }
  return rows;
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

function seconds(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(3)} s`;
}

/** One markdown table: a row per ratio and method, in the order measured. */
export function cnnComparisonTable(rows: readonly CnnComparisonRow[]): string {
  return [
    '| kept per layer | channels kept | params | method | raw accuracy | refit accuracy | fine-tuned accuracy | prune time | refit time | last-layer residual |',
    '| ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${Math.round(r.keep * 100)}% | ${r.kept.join('-')} | ${r.params.toLocaleString('en-US')} | ${METHOD_LABELS[r.method]} | ${percent(r.rawAccuracy)} | ` +
        `${percent(r.refitAccuracy)} | ${percent(r.finetunedAccuracy)} | ${seconds(r.pruneMs)} | ${seconds(r.refitMs)} | ${r.lastResidual.toFixed(4)} |`,
    ),
  ].join('\n');
}
