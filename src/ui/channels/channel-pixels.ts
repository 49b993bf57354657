/**
 * Pixels of the Channels view (pure): feature maps on a sequential ramp that grows lighter with
 * the activation (inferno-like: black, purple, red, orange, pale yellow; readable without hue), a
 * pruned channel's map in faint grey, filters on the neuron grid's diverging ramp.
 */
import { weightToRgb } from '../neurons/grid-layout';

/** Stops of the activation ramp, from 0 to the layer's largest activation. */
export const ACTIVATION_RAMP: readonly (readonly [number, number, number])[] = [
  [0, 0, 4],
  [87, 16, 110],
  [188, 55, 84],
  [249, 142, 9],
  [252, 255, 164],
];

/** Colour of `t` in [0, 1] on the activation ramp (clamped; NaN is 0). */
export function activationRgb(t: number): [number, number, number] {
  const clamped = Number.isFinite(t) ? Math.max(0, Math.min(1, t)) : 0;
  const position = clamped * (ACTIVATION_RAMP.length - 1);
  const low = Math.min(ACTIVATION_RAMP.length - 2, Math.floor(position));
  const f = position - low;
  const a = ACTIVATION_RAMP[low];
  const b = ACTIVATION_RAMP[low + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** A pruned channel: light grey, darker where the dense network was active, so it reads as faded. */
const PRUNED_LIGHT = 236;
const PRUNED_DARK = 130;

/**
 * RGBA pixels of one map (row-major) scaled by `scale` (the layer's largest activation) on a
 * square-root scale (sparse maps have a few large values; linear, the rest would be black): kept
 * maps on the activation ramp, pruned ones in faint grey.
 */
export function mapRgba(map: ArrayLike<number>, scale: number, pruned: boolean): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(map.length * 4);
  const inverse = scale > 0 ? 1 / scale : 0;
  for (let p = 0; p < map.length; p++) {
    const t = Math.sqrt(Math.max(0, Math.min(1, map[p] * inverse || 0)));
    const offset = p * 4;
    if (pruned) {
      const grey = Math.round(PRUNED_LIGHT + (PRUNED_DARK - PRUNED_LIGHT) * t);
      rgba[offset] = grey;
      rgba[offset + 1] = grey;
      rgba[offset + 2] = grey;
    } else {
      const [r, g, b] = activationRgb(t);
      rgba[offset] = r;
      rgba[offset + 1] = g;
      rgba[offset + 2] = b;
    }
    rgba[offset + 3] = 255;
  }
  return rgba;
}

/** RGBA pixels of one filter on the diverging ramp, scaled by its own largest |weight|. */
export function filterRgba(weights: ArrayLike<number>): Uint8ClampedArray<ArrayBuffer> {
  let largest = 0;
  for (let p = 0; p < weights.length; p++) largest = Math.max(largest, Math.abs(weights[p]));
  const rgba = new Uint8ClampedArray(weights.length * 4);
  for (let p = 0; p < weights.length; p++) {
    const [r, g, b] = weightToRgb(largest > 0 ? weights[p] / largest : 0);
    rgba.set([r, g, b, 255], p * 4);
  }
  return rgba;
}

/** The colour scale of a layer: its largest activation (at least a tiny positive number, so an all-zero layer stays black). */
export function layerScale(values: ArrayLike<number>): number {
  let largest = 0;
  for (let k = 0; k < values.length; k++) if (values[k] > largest) largest = values[k];
  return largest > 0 ? largest : 1;
}

/** Equal contents (the worker sends new arrays on every slider move; unchanged maps need no repaint). */
export function sameValues(a: ArrayLike<number> | null, b: ArrayLike<number> | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return false;
  return true;
}

/** RGBA pixels of an MNIST digit (values in [0, 1]): white ink on black, as the pad shows it. */
export function digitRgba(pixels: ArrayLike<number>): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(pixels.length * 4);
  for (let p = 0; p < pixels.length; p++) {
    const grey = Math.round(255 * Math.max(0, Math.min(1, pixels[p] || 0)));
    rgba.set([grey, grey, grey, 255], p * 4);
  }
  return rgba;
}
