import type { MnistSplit } from '../../src/core/data/mnist';

/** `count` synthetic 28x28 digits a small CNN learns in a few batches: class k (i mod 10) lights a horizontal band at rows 2k..2k+3. */
export function bandDigits(count: number): MnistSplit {
  const pixels = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10;
    for (let r = 2 * labels[i]; r < 2 * labels[i] + 4; r++) for (let c = 4; c < 24; c++) pixels[i * 784 + r * 28 + c] = 255;
  }
  return { count, pixels, labels };
}
