/** Number formatting shared by the readouts. */
export const percent = (fraction: number, digits = 1) => `${(fraction * 100).toFixed(digits)}%`;
// One formatter for all counts: toLocaleString builds a new one per call (measurable per slider move).
const integerFormat = new Intl.NumberFormat('en-US');
export const count = (value: number) => integerFormat.format(value);
export const milliseconds = (ms: number) => (ms < 10 ? `${ms.toFixed(1)} ms` : ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
export const reduction = (dense: number, pruned: number) => (dense > 0 ? `${((1 - pruned / dense) * 100).toFixed(1)}% fewer` : '–');
