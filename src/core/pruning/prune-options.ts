/** Validation of pruning options, shared by the CLI, the worker and tests. */
import { OptionError } from '../errors';
import type { Mlp } from '../model/mlp';
import { limitsText, SETTINGS, withinLimits } from '../settings';
import { isPruneMethod, PRUNE_METHODS, type PruneMethod } from './methods';

export interface PruneOptions {
  readonly method: PruneMethod;
  /** Fraction of hidden neurons kept, in (0, 1]: one for all hidden layers, or one per hidden layer. */
  readonly keep: number | readonly number[];
  /** i-SpaSP iterations T. */
  readonly iterations: number;
  /** Seed of the random baseline. */
  readonly seed: number;
  /** Least-squares refit of the layer after each pruned one. */
  readonly refit: boolean;
}

function checkKeepRatio(value: number, where: string): void {
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new OptionError(`keep ratio ${where}must be in (0, 1], got ${value}`);
  }
}

/** One keep ratio per hidden layer, after checking every option against the model. */
export function resolveKeepRatios(model: Mlp, options: PruneOptions): number[] {
  return resolveKeepRatiosFor(model.layers.length - 1, options);
}

/** The same for a network with `hiddenLayers` prunable layers (a CNN's hidden convs and Dense layers). */
export function resolveKeepRatiosFor(hiddenLayers: number, options: PruneOptions): number[] {
  if (!isPruneMethod(options.method)) {
    throw new OptionError(`unknown method '${options.method}': use one of ${PRUNE_METHODS.join(', ')}`);
  }
  for (const name of ['iterations', 'seed'] as const) {
    if (!withinLimits(SETTINGS[name], options[name])) throw new OptionError(`${name} ${limitsText(SETTINGS[name])}, got ${options[name]}`);
  }
  if (hiddenLayers < 1) throw new OptionError('the model has no hidden layer to prune');
  if (typeof options.keep === 'number') {
    checkKeepRatio(options.keep, '');
    return Array.from({ length: hiddenLayers }, () => options.keep as number);
  }
  if (options.keep.length !== hiddenLayers) {
    throw new OptionError(
      `${options.keep.length} keep ratios given for ${hiddenLayers} hidden layer${hiddenLayers === 1 ? '' : 's'}: give one, or one per hidden layer`,
    );
  }
  options.keep.forEach((value, index) => checkKeepRatio(value, `of hidden layer ${index + 1} `));
  return [...options.keep];
}
