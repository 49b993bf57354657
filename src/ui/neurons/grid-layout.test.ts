import { describe, expect, it } from 'vitest';
import {
  cellOf,
  cellOrigin,
  cellSizeFor,
  gridColumns,
  gridLayout,
  IMAGE_SIDE,
  indexAtPoint,
  indexOfCell,
  moveFocus,
  spriteSheet,
  weightToRgb,
} from './grid-layout';

describe('grid layout', () => {
  it('fits columns in the width', () => {
    expect(gridColumns(100, 16, 4)).toBe(5); // 5 * 16 + 4 * 4 = 96
    expect(gridColumns(96, 16, 4)).toBe(5);
    expect(gridColumns(95, 16, 4)).toBe(4);
    expect(gridColumns(5, 16, 4)).toBe(1);
  });

  it('chooses smaller cells for more neurons and narrower screens, within bounds', () => {
    expect(cellSizeFor(640, 1024)).toBeLessThan(cellSizeFor(640, 64));
    expect(cellSizeFor(360, 1024)).toBeLessThanOrEqual(cellSizeFor(1200, 1024));
    expect(cellSizeFor(200, 2000)).toBeGreaterThanOrEqual(8);
    expect(cellSizeFor(1200, 4)).toBeLessThanOrEqual(56);
  });

  it('lays 1024 neurons out within the width', () => {
    for (const width of [320, 640, 1200]) {
      const layout = gridLayout(width, 1024);
      expect(layout.width).toBeLessThanOrEqual(width);
      expect(layout.columns * layout.rows).toBeGreaterThanOrEqual(1024);
      expect((layout.rows - 1) * layout.columns).toBeLessThan(1024);
      expect(layout.height).toBe(layout.rows * (layout.cell + layout.gap) - layout.gap);
    }
    expect(gridLayout(640, 0)).toMatchObject({ rows: 0, height: 0 });
    expect(gridLayout(640, 3).columns).toBe(3);
  });

  it('converts between neuron index and cell', () => {
    expect(cellOf(0, 10)).toEqual({ row: 0, col: 0 });
    expect(cellOf(23, 10)).toEqual({ row: 2, col: 3 });
    expect(indexOfCell(2, 3, 10, 100)).toBe(23);
    expect(indexOfCell(2, 3, 10, 23)).toBeNull();
    expect(indexOfCell(0, 10, 10, 100)).toBeNull();
    for (let j = 0; j < 50; j++) {
      const { row, col } = cellOf(j, 7);
      expect(indexOfCell(row, col, 7, 50)).toBe(j);
    }
  });

  it('finds the neuron under a point', () => {
    const layout = { count: 25, columns: 10, rows: 3, cell: 16, gap: 4, width: 196, height: 56 };
    expect(indexAtPoint(0, 0, layout)).toBe(0);
    expect(indexAtPoint(21, 1, layout)).toBe(1);
    expect(indexAtPoint(18, 1, layout)).toBe(0); // the gap belongs to the cell before it
    expect(indexAtPoint(45, 41, layout)).toBe(22);
    expect(indexAtPoint(110, 41, layout)).toBeNull(); // past the last neuron
    expect(indexAtPoint(-1, 3, layout)).toBeNull();
    expect(cellOrigin(22, layout)).toEqual({ x: 40, y: 40 });
  });

  it('moves the keyboard cursor', () => {
    const layout = { columns: 10, count: 25 };
    expect(moveFocus(0, 'ArrowRight', layout)).toBe(1);
    expect(moveFocus(0, 'ArrowLeft', layout)).toBe(0);
    expect(moveFocus(3, 'ArrowDown', layout)).toBe(13);
    expect(moveFocus(18, 'ArrowDown', layout)).toBe(18); // no neuron below
    expect(moveFocus(13, 'ArrowUp', layout)).toBe(3);
    expect(moveFocus(3, 'ArrowUp', layout)).toBe(3);
    expect(moveFocus(7, 'End', layout)).toBe(24);
    expect(moveFocus(7, 'Home', layout)).toBe(0);
    expect(moveFocus(7, 'a', layout)).toBeNull();
    expect(moveFocus(0, 'ArrowRight', { columns: 1, count: 0 })).toBeNull();
  });
});

describe('weight colours', () => {
  it('maps -1 to blue, 0 to white, 1 to vermillion, clamping outside', () => {
    expect(weightToRgb(0)).toEqual([255, 255, 255]);
    expect(weightToRgb(-1)).toEqual([0x00, 0x72, 0xb2]);
    expect(weightToRgb(1)).toEqual([0xd5, 0x5e, 0x00]);
    expect(weightToRgb(5)).toEqual(weightToRgb(1));
    expect(weightToRgb(Number.NaN)).toEqual([255, 255, 255]);
    expect(weightToRgb(0.5)).toEqual([234, 175, 128]);
  });

  it('is monotone in |w| on each side', () => {
    const [, g1] = weightToRgb(0.2);
    const [, g2] = weightToRgb(0.8);
    expect(g2).toBeLessThan(g1);
    const [r1] = weightToRgb(-0.2);
    const [r2] = weightToRgb(-0.8);
    expect(r2).toBeLessThan(r1);
  });

  it('paints each neuron into its sprite cell', () => {
    const weights = new Float32Array(3 * 784);
    weights[784 + 29] = 1; // neuron 1, pixel (1, 1)
    const sheet = spriteSheet(weights, 3, 2);
    expect(sheet.width).toBe(2 * IMAGE_SIDE);
    expect(sheet.height).toBe(2 * IMAGE_SIDE);
    const at = (x: number, y: number) => Array.from(sheet.data.slice((y * sheet.width + x) * 4, (y * sheet.width + x) * 4 + 4));
    expect(at(IMAGE_SIDE + 1, 1)).toEqual([0xd5, 0x5e, 0x00, 255]);
    expect(at(1, 1)).toEqual([255, 255, 255, 255]);
    expect(at(IMAGE_SIDE + 1, IMAGE_SIDE + 1)).toEqual([0, 0, 0, 0]); // no fourth neuron
  });

  it('colours every pixel as weightToRgb does, within one 8-bit level', () => {
    const weights = new Float32Array(784);
    const special = [0, -0, 1, -1, 2.5, -7, Number.NaN, Infinity, -Infinity, 0.5, -0.5, 1e-9];
    for (let p = 0; p < 784; p++) weights[p] = p < special.length ? special[p] : Math.sin(p * 12.9898) * 1.3;
    const sheet = spriteSheet(weights, 1, 1);
    for (let p = 0; p < 784; p++) {
      const expected = weightToRgb(weights[p]);
      const offset = ((Math.floor(p / IMAGE_SIDE) * IMAGE_SIDE) + (p % IMAGE_SIDE)) * 4;
      for (let c = 0; c < 3; c++) expect(Math.abs(sheet.data[offset + c] - expected[c])).toBeLessThanOrEqual(1);
      expect(sheet.data[offset + 3]).toBe(255);
      if (p < special.length) expect(Array.from(sheet.data.slice(offset, offset + 3))).toEqual(expected);
    }
  });
});
