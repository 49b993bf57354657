/**
 * Named errors. Comlink rebuilds errors across the worker boundary, so callers branch on `name`,
 * never on `instanceof`. Messages say what was wrong and what to do about it.
 */
export type SpaspErrorName =
  | 'ModelFormatError'
  | 'DataFormatError'
  | 'OptionError'
  | 'BackendUnavailableError'
  | 'CancelledError';

export class SpaspError extends Error {
  constructor(name: SpaspErrorName, message: string) {
    super(message);
    this.name = name;
  }
}

/** A model file or description that this project cannot use. */
export class ModelFormatError extends SpaspError {
  constructor(message: string) {
    super('ModelFormatError', message);
  }
}

/** Data bytes (IDX files, calibration arrays) that are malformed or inconsistent. */
export class DataFormatError extends SpaspError {
  constructor(message: string) {
    super('DataFormatError', message);
  }
}

/** An option out of range or inconsistent with the model (a keep ratio of 1.5, say). */
export class OptionError extends SpaspError {
  constructor(message: string) {
    super('OptionError', message);
  }
}

export class BackendUnavailableError extends SpaspError {
  constructor(message: string) {
    super('BackendUnavailableError', message);
  }
}

export class CancelledError extends SpaspError {
  constructor(message = 'cancelled') {
    super('CancelledError', message);
  }
}

const knownNames = new Set<string>([
  'ModelFormatError',
  'DataFormatError',
  'OptionError',
  'BackendUnavailableError',
  'CancelledError',
]);

/** True for errors this project raised on purpose (bad input, cancellation), as opposed to bugs. */
export function isSpaspError(error: unknown): error is Error {
  return error instanceof Error && knownNames.has(error.name);
}

/** A cancellation token: an AbortSignal satisfies it, and so does a plain object in tests. */
export interface CancelToken {
  readonly aborted: boolean;
}

/** True for a CancelledError, also one Comlink rebuilt across the worker boundary (matched by name). */
export function isCancelled(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'CancelledError';
}

export function throwIfCancelled(token: CancelToken | undefined): void {
  if (token?.aborted) throw new CancelledError();
}
