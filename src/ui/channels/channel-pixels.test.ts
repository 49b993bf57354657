import { describe, expect, it } from 'vitest';
import { ACTIVATION_RAMP, activationRgb, digitRgba, filterRgba, layerScale, mapRgba, sameValues } from './channel-pixels';

const luminance = ([r, g, b]: readonly number[]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;

describe('Channels view pixels', () => {
  it('puts 0 and the layer maximum at the ends of the activation ramp, and clamps', () => {
    expect(activationRgb(0)).toEqual([...ACTIVATION_RAMP[0]]);
    expect(activationRgb(1)).toEqual([...ACTIVATION_RAMP[ACTIVATION_RAMP.length - 1]]);
    expect(activationRgb(7)).toEqual(activationRgb(1));
    expect(activationRgb(-1)).toEqual(activationRgb(0));
    expect(activationRgb(NaN)).toEqual(activationRgb(0));
  });

  it('grows lighter with the activation (readable in greyscale)', () => {
    let previous = -1;
    for (let t = 0; t <= 1.0001; t += 0.05) {
      const light = luminance(activationRgb(t));
      expect(light).toBeGreaterThan(previous);
      previous = light;
    }
  });

  it('scales a kept map by the layer maximum, square root, and greys out a pruned one', () => {
    const map = [0, 1, 4, 8];
    const kept = mapRgba(map, 4, false);
    expect(Array.from(kept.subarray(0, 4))).toEqual([...ACTIVATION_RAMP[0], 255]);
    // A quarter of the maximum is drawn half way up the ramp.
    expect(Array.from(kept.subarray(4, 8))).toEqual([...activationRgb(0.5), 255]);
    expect(Array.from(kept.subarray(8, 12))).toEqual([...activationRgb(1), 255]);
    // 8 is above the scale: clipped to the top colour.
    expect(Array.from(kept.subarray(12, 16))).toEqual(Array.from(kept.subarray(8, 12)));
    const pruned = mapRgba(map, 4, true);
    for (let p = 0; p < 4; p++) {
      const [r, g, b, a] = pruned.subarray(p * 4, p * 4 + 4);
      expect([g, b, a]).toEqual([r, r, 255]);
      // Faint: every grey lighter than the mid-ramp of a kept map.
      expect(r).toBeGreaterThan(luminance(activationRgb(0.5)));
    }
  });

  it('draws a filter on the diverging ramp scaled by its own largest weight', () => {
    const rgba = filterRgba([-0.5, 0, 0.25, 0.5]);
    expect(Array.from(rgba.subarray(0, 4))).toEqual([0x00, 0x72, 0xb2, 255]);
    expect(Array.from(rgba.subarray(4, 8))).toEqual([255, 255, 255, 255]);
    expect(Array.from(rgba.subarray(12, 16))).toEqual([0xd5, 0x5e, 0x00, 255]);
    expect(Array.from(filterRgba([0, 0]))).toEqual([255, 255, 255, 255, 255, 255, 255, 255]);
  });

  it('draws a digit white on black', () => {
    expect(Array.from(digitRgba([0, 1, 0.5]))).toEqual([0, 0, 0, 255, 255, 255, 255, 255, 128, 128, 128, 255]);
  });

  it('scales a layer by its largest activation, an all-zero layer by 1', () => {
    expect(layerScale(Float32Array.from([0, 3, 1.5]))).toBe(3);
    expect(layerScale(new Float32Array(4))).toBe(1);
  });

  it('compares maps by contents', () => {
    expect(sameValues(Float32Array.from([1, 2]), Float32Array.from([1, 2]))).toBe(true);
    expect(sameValues(Float32Array.from([1, 2]), Float32Array.from([1, 3]))).toBe(false);
    expect(sameValues(Float32Array.from([1, 2]), Float32Array.from([1, 2, 3]))).toBe(false);
    expect(sameValues(null, Float32Array.from([1]))).toBe(false);
  });
});
