/** Per-layer residual histories -> chart rows (pure; the ResidualChart draws them). */
import { trimNumber } from './format';

/** One row per iteration (1..T); column `layer{i}` holds hidden layer i's relative residual. */
export type ResidualRow = { iteration: number } & Record<`layer${number}`, number | undefined>;

export function layerKey(layer: number): `layer${number}` {
  return `layer${layer}`;
}

/** Rows for iterations 1..max T over all layers; a shorter layer leaves later cells undefined; non-finite values are dropped. */
export function residualRows(layers: readonly { residuals: readonly number[] }[]): ResidualRow[] {
  const length = Math.max(0, ...layers.map((layer) => layer.residuals.length));
  const rows: ResidualRow[] = [];
  for (let t = 0; t < length; t++) {
    const row: ResidualRow = { iteration: t + 1 };
    layers.forEach((layer, l) => {
      const value = layer.residuals[t];
      if (value !== undefined && Number.isFinite(value)) row[layerKey(l)] = value;
    });
    rows.push(row);
  }
  return rows;
}

/** True when no layer has more than one residual (a method that is not iterative). */
export function isSinglePoint(layers: readonly { residuals: readonly number[] }[]): boolean {
  return layers.every((layer) => layer.residuals.length <= 1);
}

/** y-axis upper bound: the largest residual rounded up to a tenth (at least 0.1). */
export function residualMax(layers: readonly { residuals: readonly number[] }[]): number {
  let largest = 0;
  for (const layer of layers) for (const value of layer.residuals) if (Number.isFinite(value)) largest = Math.max(largest, value);
  return Math.max(0.1, Math.ceil(largest * 10 - 1e-9) / 10);
}

export function residualSummary(layers: readonly { residuals: readonly number[] }[]): string {
  const described = layers
    .map((layer, l) => {
      const values = layer.residuals.filter(Number.isFinite);
      if (values.length === 0) return null;
      const last = values[values.length - 1];
      if (values.length === 1) return `layer ${l + 1}: ${trimNumber(last, 3)}`;
      return `layer ${l + 1}: ${trimNumber(values[0], 3)} after iteration 1, ${trimNumber(last, 3)} after iteration ${values.length}, lowest ${trimNumber(Math.min(...values), 3)}`;
    })
    .filter((part): part is string => part !== null);
  if (described.length === 0) return 'No residuals yet.';
  return `Relative residual per i-SpaSP iteration, ${described.join('; ')}.`;
}
