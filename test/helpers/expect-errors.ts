import { expect } from 'vitest';

/** Awaits `promise` and checks it rejected with a one-line ModelFormatError mentioning `fragment`. */
export async function expectModelFormatError(promise: Promise<unknown>, fragment: string): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).name).toBe('ModelFormatError');
  expect((error as Error).message).toContain(fragment);
  expect((error as Error).message).not.toContain('\n');
}
