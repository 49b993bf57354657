import { describe, expect, it } from 'vitest';
import { centerOfMass, inkBounds, preprocessMnist, resampleArea, rgbaToGray } from './mnist-preprocess';

function canvas(width: number, height: number, paint: (x: number, y: number) => number): Float32Array {
  const gray = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) gray[y * width + x] = paint(x, y);
  return gray;
}

function boundsOf28(image: Float32Array) {
  return inkBounds(image, 28, 28, 0.01);
}

describe('preprocessMnist', () => {
  it('gives all zeros for a blank canvas', () => {
    const out = preprocessMnist(new Float32Array(280 * 280), 280, 280);
    expect(out).toHaveLength(784);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('scales the ink box so that its longer side is 20 px, preserving the aspect ratio', () => {
    // A 40 x 160 bar in the corner of a 280 x 280 canvas.
    const out = preprocessMnist(canvas(280, 280, (x, y) => (x >= 10 && x < 50 && y >= 5 && y < 165 ? 1 : 0)), 280, 280);
    const b = boundsOf28(out)!;
    expect(b.y1 - b.y0).toBe(20);
    expect(b.x1 - b.x0).toBe(5);
  });

  it('centres the digit by its centre of mass', () => {
    // An off-centre blob: the result's centre of mass is at (14, 14) within a pixel.
    const out = preprocessMnist(canvas(200, 200, (x, y) => (x > 120 && x < 180 && y > 10 && y < 60 ? 1 : 0)), 200, 200);
    const com = centerOfMass(out, 28, 28)!;
    expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(0.5);
  });

  it('keeps values in [0, 1] with the brightest pixel at 1', () => {
    const out = preprocessMnist(canvas(100, 100, (x, y) => ((x - 50) ** 2 + (y - 50) ** 2 < 900 ? 0.5 : 0)), 100, 100);
    expect(Math.max(...out)).toBeCloseTo(1, 6);
    expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
  });

  it('centres a lopsided shape by mass, not by its box', () => {
    // An "L": heavy vertical bar on the left, thin foot; the box centre and the mass centre differ.
    const paint = (x: number, y: number) => ((x < 30 && y < 200) || (y >= 180 && y < 200 && x < 200) ? 1 : 0);
    const out = preprocessMnist(canvas(200, 200, paint), 200, 200);
    const b = boundsOf28(out)!;
    expect(b.x0).toBeGreaterThan(4); // pushed right of the box-centred position (x0 = 4); ink past the edge is cut, as in MNIST
    expect(b.y1 - b.y0).toBe(20);
    expect(Math.abs(centerOfMass(out, 28, 28)!.y - 14)).toBeLessThanOrEqual(0.5);
  });
});

describe('helpers', () => {
  it('reads white ink from RGBA', () => {
    const gray = rgbaToGray([255, 255, 255, 255, 0, 0, 0, 255, 51, 60, 0, 255], 3, 1);
    expect(gray[0]).toBe(1);
    expect(gray[1]).toBe(0);
    expect(gray[2]).toBeCloseTo(60 / 255, 6);
  });

  it('finds the ink bounds', () => {
    expect(inkBounds(canvas(10, 10, (x, y) => (x === 3 && y >= 2 && y <= 6 ? 1 : 0)), 10, 10)).toEqual({ x0: 3, y0: 2, x1: 4, y1: 7 });
    expect(inkBounds(new Float32Array(100), 10, 10)).toBeNull();
  });

  it('averages areas when downsampling, conserving the mean', () => {
    const gray = canvas(4, 4, (x) => (x < 2 ? 1 : 0));
    expect(Array.from(resampleArea(gray, 4, { x0: 0, y0: 0, x1: 4, y1: 4 }, 2, 2))).toEqual([1, 0, 1, 0]);
    const odd = resampleArea(canvas(3, 3, (x, y) => (x === 1 && y === 1 ? 1 : 0)), 3, { x0: 0, y0: 0, x1: 3, y1: 3 }, 2, 2);
    expect(Array.from(odd).map((v) => Number(v.toFixed(4)))).toEqual([0.1111, 0.1111, 0.1111, 0.1111]); // 1/9 everywhere, as before
  });
});
