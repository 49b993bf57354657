/**
 * How a pruned CNN is fine-tuned for `epochs` passes, in the playground and the CLI alike: whole
 * epochs run as they are; a fraction f below 1 is one pass over the first f x N training images
 * (the CNN trainer runs whole passes). Other fractions (1.5) are refused in words.
 */
import type { MnistSplit } from '../data/mnist';
import { subsetSplit } from '../data/mnist';
import { OptionError } from '../errors';

export interface CnnFinetunePlan {
  readonly train: MnistSplit;
  /** Whole passes over `train`. */
  readonly epochs: number;
}

/** Throws the one-line refusal unless `epochs` is a whole number or a fraction below 1 (0 = off). */
export function checkCnnFinetuneEpochs(epochs: number): void {
  if (!(epochs >= 0) || (!Number.isInteger(epochs) && epochs > 1)) {
    throw new OptionError(`a convolutional network fine-tunes whole epochs or one fraction below 1, got ${epochs}: choose 0.5 or 2, say`);
  }
}

/** `epochs` > 0. */
export function cnnFinetunePlan(epochs: number, train: MnistSplit): CnnFinetunePlan {
  checkCnnFinetuneEpochs(epochs);
  const whole = Number.isInteger(epochs);
  return whole ? { train, epochs } : { train: subsetSplit(train, Math.max(1, Math.round(epochs * train.count))), epochs: 1 };
}
