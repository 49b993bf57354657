import { describe, expect, it } from 'vitest';
import { propsEqual } from './props-equal';

describe('propsEqual', () => {
  it('compares scalars and arrays one level deep', () => {
    const f = () => {};
    expect(propsEqual({ a: 1, b: [0.1, 0.2], f }, { a: 1, b: [0.1, 0.2], f })).toBe(true);
    expect(propsEqual({ a: 1, b: [0.1, 0.2] }, { a: 1, b: [0.1, 0.3] })).toBe(false);
    expect(propsEqual<Record<string, unknown>>({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(propsEqual({ a: Number.NaN }, { a: Number.NaN })).toBe(true);
  });

  it('treats new objects inside arrays as different', () => {
    expect(propsEqual({ layers: [{ residuals: [1] }] }, { layers: [{ residuals: [1] }] })).toBe(false);
    const layer = { residuals: [1] };
    expect(propsEqual({ layers: [layer] }, { layers: [layer] })).toBe(true);
  });

  it('does not confuse typed arrays or objects with arrays', () => {
    expect(propsEqual({ x: new Float32Array([1]) }, { x: new Float32Array([1]) })).toBe(false);
    expect(propsEqual({ x: { a: 1 } }, { x: { a: 1 } })).toBe(false);
  });
});
