/**
 * A drawing -> a 28x28 MNIST-style input (pure): crop to the bounding box of the ink, scale the
 * longer side to 20 px preserving the aspect ratio (area averaging), paste into 28x28 so that the
 * centre of mass lands on the centre, values in [0, 1] (the brightest pixel becomes 1).
 */

export const MNIST_SIDE = 28;
export const DIGIT_BOX = 20;
/** Pixels at or below this intensity (0..1) are not ink. */
export const INK_THRESHOLD = 0.05;

/** RGBA bytes -> intensity in [0, 1] per pixel (the brightest channel; white ink on black). */
export function rgbaToGray(rgba: ArrayLike<number>, width: number, height: number): Float32Array {
  const gray = new Float32Array(width * height);
  for (let i = 0; i < gray.length; i++) {
    const o = i * 4;
    gray[i] = Math.max(rgba[o], rgba[o + 1], rgba[o + 2]) / 255;
  }
  return gray;
}

export interface Bounds {
  /** Inclusive left/top, exclusive right/bottom. */
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export function inkBounds(gray: ArrayLike<number>, width: number, height: number, threshold = INK_THRESHOLD): Bounds | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (gray[y * width + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** Area-averaging resample of the crop `bounds` of `gray` to `tw` x `th` (each target pixel is the mean of the source area it covers). */
export function resampleArea(gray: ArrayLike<number>, width: number, bounds: Bounds, tw: number, th: number): Float32Array {
  const cw = bounds.x1 - bounds.x0;
  const ch = bounds.y1 - bounds.y0;
  const sx = cw / tw;
  const sy = ch / th;
  const out = new Float32Array(tw * th);
  for (let ty = 0; ty < th; ty++) {
    const top = ty * sy;
    const bottom = top + sy;
    for (let tx = 0; tx < tw; tx++) {
      const left = tx * sx;
      const right = left + sx;
      let sum = 0;
      for (let y = Math.floor(top); y < Math.min(ch, Math.ceil(bottom)); y++) {
        const wy = Math.min(bottom, y + 1) - Math.max(top, y);
        if (wy <= 0) continue;
        const row = (bounds.y0 + y) * width + bounds.x0;
        for (let x = Math.floor(left); x < Math.min(cw, Math.ceil(right)); x++) {
          const wx = Math.min(right, x + 1) - Math.max(left, x);
          if (wx > 0) sum += gray[row + x] * wx * wy;
        }
      }
      out[ty * tw + tx] = sum / (sx * sy);
    }
  }
  return out;
}

/** Centre of mass in continuous coordinates (pixel i spans [i, i + 1)); null when there is no mass. */
export function centerOfMass(image: ArrayLike<number>, width: number, height: number): { x: number; y: number } | null {
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = image[y * width + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return mass > 0 ? { x: mx / mass, y: my / mass } : null;
}

/** The full pipeline; a blank input gives 784 zeros. */
export function preprocessMnist(gray: ArrayLike<number>, width: number, height: number): Float32Array {
  const out = new Float32Array(MNIST_SIDE * MNIST_SIDE);
  const bounds = inkBounds(gray, width, height);
  if (!bounds) return out;
  const cw = bounds.x1 - bounds.x0;
  const ch = bounds.y1 - bounds.y0;
  const scale = DIGIT_BOX / Math.max(cw, ch);
  const tw = Math.max(1, Math.min(DIGIT_BOX, Math.round(cw * scale)));
  const th = Math.max(1, Math.min(DIGIT_BOX, Math.round(ch * scale)));
  const digit = resampleArea(gray, width, bounds, tw, th);
  let peak = 0;
  for (const v of digit) peak = Math.max(peak, v);
  if (peak <= 0) return out;
  const com = centerOfMass(digit, tw, th)!;
  const ox = Math.round(MNIST_SIDE / 2 - com.x);
  const oy = Math.round(MNIST_SIDE / 2 - com.y);
  for (let y = 0; y < th; y++) {
    const ty = y + oy;
    if (ty < 0 || ty >= MNIST_SIDE) continue;
    for (let x = 0; x < tw; x++) {
      const tx = x + ox;
      if (tx < 0 || tx >= MNIST_SIDE) continue;
      out[ty * MNIST_SIDE + tx] = Math.min(1, Math.max(0, digit[y * tw + x] / peak));
    }
  }
  return out;
}
