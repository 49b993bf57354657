/** Strict parsing of numeric command-line values: clear one-line errors, no silent NaN. */
import { OptionError } from '../core/errors';
import { parseDecimal } from '../core/settings';

function parseNumberOption(name: string, raw: string): number {
  const value = parseDecimal(raw);
  if (!Number.isFinite(value)) throw new OptionError(`--${name} expects a number, got '${raw}'`);
  return value;
}

/** `0.1` or `0.2,0.05`: one keep ratio, or one per hidden layer. */
export function parseKeepOption(raw: string): number | number[] {
  const parts = raw.split(',').map((part) => parseNumberOption('keep', part));
  return parts.length === 1 ? parts[0] : parts;
}
