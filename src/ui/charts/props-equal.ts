/**
 * Prop comparison for React.memo: equal when every prop is Object.is-equal or is an array whose
 * elements are Object.is-equal (one level). The App builds small arrays such as per-layer keep
 * ratios on every render; without this, every parent render would redraw the charts.
 */
export function propsEqual<P extends object>(previous: Readonly<P>, next: Readonly<P>): boolean {
  const a = previous as Record<string, unknown>;
  const b = next as Record<string, unknown>;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!valueEqual(a[key], b[key])) return false;
  }
  return true;
}

function valueEqual(x: unknown, y: unknown): boolean {
  if (Object.is(x, y)) return true;
  if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}
