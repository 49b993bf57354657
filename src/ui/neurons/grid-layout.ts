/** Layout and colour of the neuron grid (pure; NeuronGrid draws with it). */

/** Each neuron's incoming weights form a 28x28 image. */
export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
/** Above this many neurons only the first MAX_DRAWN are drawn. */
export const MAX_DRAWN = 2000;

export interface GridLayout {
  readonly count: number;
  readonly columns: number;
  readonly rows: number;
  /** Side of one neuron image in CSS pixels. */
  readonly cell: number;
  /** Space between images. */
  readonly gap: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Image side for `count` neurons in `width` pixels: the grid should fill about the width times a
 * target height (up to 520 px, less on narrow screens), with images between 8 and 56 px.
 */
export function cellSizeFor(width: number, count: number): number {
  if (count <= 0 || width <= 0) return 28;
  const targetHeight = Math.min(520, Math.max(280, width));
  const side = Math.floor(Math.sqrt((width * targetHeight) / count));
  return Math.max(8, Math.min(56, side - gapFor(side)));
}

export function gapFor(cell: number): number {
  return cell >= 20 ? 4 : 3;
}

/** How many cells of `cell` px with `gap` px between them fit in `width` (at least 1). */
export function gridColumns(width: number, cell: number, gap: number): number {
  return Math.max(1, Math.floor((width + gap) / (cell + gap)));
}

/** `minCell` (the size control) raises the automatic image side, up to the whole width. */
export function gridLayout(width: number, count: number, minCell = 0): GridLayout {
  const cell = Math.max(cellSizeFor(width, count), Math.min(minCell, Math.floor(width)));
  const gap = gapFor(cell);
  const columns = Math.min(Math.max(1, count), gridColumns(width, cell, gap));
  const rows = count <= 0 ? 0 : Math.ceil(count / columns);
  return {
    count,
    columns,
    rows,
    cell,
    gap,
    width: columns * (cell + gap) - gap,
    height: rows === 0 ? 0 : rows * (cell + gap) - gap,
  };
}

export function cellOf(index: number, columns: number): { row: number; col: number } {
  return { row: Math.floor(index / columns), col: index % columns };
}

export function indexOfCell(row: number, col: number, columns: number, count: number): number | null {
  if (row < 0 || col < 0 || col >= columns) return null;
  const index = row * columns + col;
  return index < count ? index : null;
}

/** Top-left corner of a neuron's image in CSS pixels. */
export function cellOrigin(index: number, layout: GridLayout): { x: number; y: number } {
  const { row, col } = cellOf(index, layout.columns);
  return { x: col * (layout.cell + layout.gap), y: row * (layout.cell + layout.gap) };
}

/** The neuron under a point (CSS pixels relative to the canvas); a gap belongs to the cell before it. */
export function indexAtPoint(x: number, y: number, layout: GridLayout): number | null {
  if (x < 0 || y < 0 || x >= layout.width || y >= layout.height) return null;
  const pitch = layout.cell + layout.gap;
  return indexOfCell(Math.floor(y / pitch), Math.floor(x / pitch), layout.columns, layout.count);
}

/** Keyboard navigation: arrows by one cell or one row, Home/End, PageUp/PageDown by five rows; null for other keys. */
export function moveFocus(index: number, key: string, layout: Pick<GridLayout, 'columns' | 'count'>): number | null {
  const { columns, count } = layout;
  if (count <= 0) return null;
  const last = count - 1;
  const clamp = (value: number) => Math.max(0, Math.min(last, value));
  switch (key) {
    case 'ArrowRight':
      return clamp(index + 1);
    case 'ArrowLeft':
      return clamp(index - 1);
    case 'ArrowDown':
      return index + columns <= last ? index + columns : index;
    case 'ArrowUp':
      return index - columns >= 0 ? index - columns : index;
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'PageDown':
      return clamp(index + 5 * columns);
    case 'PageUp':
      return clamp(index - 5 * columns);
    default:
      return null;
  }
}

/** Diverging map: -1 blue (#0072B2), 0 white, +1 vermillion (#D55E00); values outside [-1, 1] clamp, NaN is white. */
export const NEGATIVE_RGB = [0x00, 0x72, 0xb2] as const;
export const POSITIVE_RGB = [0xd5, 0x5e, 0x00] as const;

export function weightToRgb(weight: number): [number, number, number] {
  const rgb: [number, number, number] = [255, 255, 255];
  writeRgb(weight, rgb, 0);
  return rgb;
}

/** weightToRgb written into `out` at `offset`. */
function writeRgb(weight: number, out: Uint8ClampedArray | number[], offset: number): void {
  if (!Number.isFinite(weight) || weight === 0) {
    out[offset] = 255;
    out[offset + 1] = 255;
    out[offset + 2] = 255;
    return;
  }
  const t = Math.min(1, Math.abs(weight));
  const end = weight < 0 ? NEGATIVE_RGB : POSITIVE_RGB;
  out[offset] = Math.round(255 + (end[0] - 255) * t);
  out[offset + 1] = Math.round(255 + (end[1] - 255) * t);
  out[offset + 2] = Math.round(255 + (end[2] - 255) * t);
}

/** Steps of |weight| in [0, 1] in the sprite sheet's colour table (8-bit colours change every ~1/220). */
const COLOR_STEPS = 4096;
let colorTable: Uint32Array | null = null;

/**
 * RGBA pixels (as 32-bit words, byte order as in ImageData) for weights -1..1 in COLOR_STEPS
 * steps each side: index COLOR_STEPS + round(weight * COLOR_STEPS); the last entry is white (NaN).
 */
function rgbaTable(): Uint32Array {
  if (colorTable) return colorTable;
  const bytes = new Uint8ClampedArray((2 * COLOR_STEPS + 2) * 4);
  for (let k = 0; k <= 2 * COLOR_STEPS; k++) {
    writeRgb((k - COLOR_STEPS) / COLOR_STEPS, bytes, k * 4);
    bytes[k * 4 + 3] = 255;
  }
  writeRgb(Number.NaN, bytes, (2 * COLOR_STEPS + 1) * 4);
  bytes[(2 * COLOR_STEPS + 1) * 4 + 3] = 255;
  colorTable = new Uint32Array(bytes.buffer);
  return colorTable;
}

/**
 * RGBA pixels of a sprite sheet with `count` neuron images in `sheetColumns` columns, no gaps:
 * neuron j's row of `weights` (784 values) becomes a 28x28 image at cell j, coloured as
 * weightToRgb within one 8-bit level (a table of 8,193 colours: ~800,000 pixels for 1,024 neurons
 * took 70-130 ms with weightToRgb per pixel on the build machine).
 */
export function spriteSheet(
  weights: ArrayLike<number>,
  count: number,
  sheetColumns: number,
): { data: Uint8ClampedArray<ArrayBuffer>; width: number; height: number } {
  const columns = Math.max(1, Math.min(sheetColumns, count));
  const rows = Math.max(1, Math.ceil(count / columns));
  const width = columns * IMAGE_SIDE;
  const height = rows * IMAGE_SIDE;
  const data = new Uint8ClampedArray(width * height * 4);
  const pixels = new Uint32Array(data.buffer);
  const table = rgbaTable();
  const nan = 2 * COLOR_STEPS + 1;
  for (let j = 0; j < count; j++) {
    const { row, col } = cellOf(j, columns);
    let p = j * IMAGE_PIXELS;
    for (let y = 0; y < IMAGE_SIDE; y++) {
      let at = (row * IMAGE_SIDE + y) * width + col * IMAGE_SIDE;
      for (let x = 0; x < IMAGE_SIDE; x++, p++, at++) {
        const w = weights[p];
        // As weightToRgb: beyond +-1 clamps, NaN and infinities are white.
        const k =
          w >= -1 && w <= 1 ? Math.round(w * COLOR_STEPS) + COLOR_STEPS : w > 1 && w < Infinity ? 2 * COLOR_STEPS : w < -1 && w > -Infinity ? 0 : nan;
        pixels[at] = table[k];
      }
    }
  }
  return { data, width, height };
}
