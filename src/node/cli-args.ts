/** Strict parsing of numeric command-line values: clear one-line errors, no silent NaN. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
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
  // The same words as the check against the model, but before the model is read.
  const outside = parts.find((value) => !(value > 0 && value <= 1));
  if (outside !== undefined) throw new OptionError(`keep ratio must be in (0, 1], got ${outside}`);
  return parts.length === 1 ? parts[0] : parts;
}

/** A negative number as an option's value (`--keep -1`): parseArgs would take it for an option. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs with the rules every option of our commands follows: an option given twice
 * is refused (parseArgs keeps the last silently), so is an empty value (`--report ''`); a value
 * that is a negative number is taken as a value, so that its range check can say what is wrong;
 * a byte-order mark pasted in front of an argument is ignored. Errors are one-line OptionErrors.
 */
export function parseCommandOptions<T extends OptionSpec>(argv: readonly string[], options: T) {
  const args = argv.map((arg) => (arg.charCodeAt(0) === 0xfeff ? arg.slice(1) : arg));
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)$/.exec(args[i])?.[1];
    const next = args[i + 1];
    if (name !== undefined && Object.hasOwn(options, name) && options[name].type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      joined.push(`--${name}=${next}`);
      i++;
    } else {
      joined.push(args[i]);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joined, strict: true, allowPositionals: false, tokens: true, options });
  } catch (error) {
    throw new OptionError(`${(error as Error).message.split('\n')[0]} (see --help)`);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new OptionError(`--${token.name} is given more than once; give each option once`);
    seen.add(token.name);
    if (token.value === '') throw new OptionError(`--${token.name} needs a value; it was given an empty one`);
  }
  return parsed.values;
}
