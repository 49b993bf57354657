/** Option handling shared by the reproduce scripts: a one-line error and exit code 2. */
export function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(2);
}

/** A plain decimal or exponent number, or fail. */
export function numberOption(name: string, raw: string): number {
  const value = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(value)) fail(`--${name} expects a number, got '${raw}'`);
  return value;
}
