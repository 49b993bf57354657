/** Strict parsing of numeric command-line values: clear one-line errors, no silent NaN. */
import { OptionError } from '../core/errors';

export function parseNumberOption(name: string, raw: string): number {
  const value = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(value)) throw new OptionError(`--${name} expects a number, got '${raw}'`);
  return value;
}

export function parseIntegerOption(name: string, raw: string, min: number, max: number): number {
  const value = parseNumberOption(name, raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new OptionError(`--${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

/** `0.1` or `0.2,0.05`: one keep ratio, or one per hidden layer. */
export function parseKeepOption(raw: string): number | number[] {
  const parts = raw.split(',').map((part) => parseNumberOption('keep', part));
  return parts.length === 1 ? parts[0] : parts;
}
