/**
 * Error messages reach a terminal line or a banner, so they are one short line: names taken from a
 * file are quoted and clipped, and a whole message is clipped as a last resort.
 */

/** Longest message shown to a user (the CLI's `error:` line, the app's banner). */
export const MAX_ERROR_LENGTH = 200;

/**
 * A value from a file, safe to put in a message: a plain short name as it is (`dense_1/kernel`),
 * anything else as a JSON string clipped to `max` characters (control characters escaped).
 */
export function shown(value: unknown, max = 40): string {
  if (typeof value === 'string' && value.length <= max && /^[\w.\/:+-]+$/.test(value)) return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/** The first line of `message`, at most `max` characters. */
export function oneLine(message: string, max = MAX_ERROR_LENGTH): string {
  const first = message.split(/\r?\n/)[0].trim();
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}
