/** Canvas drawing for the neuron grid (DOM only; the layout and colours come from grid-layout.ts). */
import { GRID_COLORS } from '../charts/palette';
import { cellOrigin, IMAGE_SIDE, spriteSheet, type GridLayout } from './grid-layout';
import { neuronStatus, type NeuronSets } from './neuron-info';

/** Columns of the off-screen sprite sheet (2000 neurons -> 1792 x 896 px). */
const SHEET_COLUMNS = 64;

export interface Sprites {
  readonly canvas: HTMLCanvasElement;
  readonly count: number;
}

/** Renders every neuron's 28x28 image once into an off-screen canvas. */
export function buildSprites(weights: Float32Array, count: number): Sprites | null {
  if (count <= 0 || typeof document === 'undefined') return null;
  const sheet = spriteSheet(weights, count, SHEET_COLUMNS);
  const canvas = document.createElement('canvas');
  canvas.width = sheet.width;
  canvas.height = sheet.height;
  const context = canvas.getContext('2d');
  if (!context) return null;
  context.putImageData(new ImageData(sheet.data, sheet.width, sheet.height), 0, 0);
  return { canvas, count };
}

export interface DrawOptions {
  readonly layout: GridLayout;
  readonly sprites: Sprites;
  readonly sets: NeuronSets;
  readonly hover: number | null;
  readonly cursor: number | null;
  readonly lineScale: number;
}

const DIM_STRONG = 'rgba(246, 246, 243, 0.74)';
const DIM_LIGHT = 'rgba(246, 246, 243, 0.45)';

export function drawGrid(canvas: HTMLCanvasElement, options: DrawOptions): void {
  const { layout, sprites, sets, hover, cursor, lineScale } = options;
  const ratio = typeof window === 'undefined' ? 1 : Math.min(3, window.devicePixelRatio || 1);
  const width = Math.max(1, Math.round(layout.width * ratio));
  const height = Math.max(1, Math.round(layout.height * ratio));
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, layout.width, layout.height);
  context.imageSmoothingEnabled = layout.cell * ratio < IMAGE_SIDE;

  const { cell } = layout;
  const count = Math.min(layout.count, sprites.count);
  const stepMode = sets.stepKept !== null;
  for (let j = 0; j < count; j++) {
    const { x, y } = cellOrigin(j, layout);
    const sx = (j % SHEET_COLUMNS) * IMAGE_SIDE;
    const sy = Math.floor(j / SHEET_COLUMNS) * IMAGE_SIDE;
    context.drawImage(sprites.canvas, sx, sy, IMAGE_SIDE, IMAGE_SIDE, x, y, cell, cell);
    const status = neuronStatus(j, sets);
    if (status === 'pruned' || status === 'outside') {
      context.fillStyle = DIM_STRONG;
      context.fillRect(x, y, cell, cell);
      // Pruned is told by a cross too, not by lightness alone (projectors wash out contrast).
      if (cell >= 12) cross(context, x, y, cell);
    } else if (status === 'candidate' || status === 'merged') {
      context.fillStyle = DIM_LIGHT;
      context.fillRect(x, y, cell, cell);
    }
  }

  // Outlines after all images, so that neighbours never paint over them.
  const thin = Math.max(1, Math.min(2, cell / 10)) * lineScale;
  for (let j = 0; j < count; j++) {
    const status = neuronStatus(j, sets);
    const { x, y } = cellOrigin(j, layout);
    if (stepMode) {
      const inOmega = sets.candidates?.has(j) ?? false;
      if (status === 'merged') outline(context, x, y, cell, GRID_COLORS.merged, thin * 1.5, [3, 2]);
      if (inOmega) outline(context, x, y, cell, GRID_COLORS.candidates, thin * 1.5);
      if (status === 'kept') outline(context, x, y, cell, GRID_COLORS.kept, thin, undefined, inOmega ? thin * 1.5 : 0);
    } else if (status === 'kept') {
      outline(context, x, y, cell, GRID_COLORS.kept, Math.max(thin, Math.min(4, cell / 9) * lineScale));
    }
  }
  if (hover !== null && hover < count) {
    const { x, y } = cellOrigin(hover, layout);
    outline(context, x, y, cell, '#45454D', thin, [2, 2]);
  }
  if (cursor !== null && cursor < count) {
    const { x, y } = cellOrigin(cursor, layout);
    outline(context, x, y, cell, GRID_COLORS.cursor, 3 * lineScale, undefined, -layout.gap / 2 - 1);
  }
}

const CROSS_COLOR = 'rgba(69, 69, 77, 0.55)';

/** Two thin diagonals across a pruned neuron's image. */
function cross(context: CanvasRenderingContext2D, x: number, y: number, cell: number): void {
  const inset = cell * 0.18;
  context.save();
  context.strokeStyle = CROSS_COLOR;
  context.lineWidth = Math.max(1, cell / 22);
  context.beginPath();
  context.moveTo(x + inset, y + inset);
  context.lineTo(x + cell - inset, y + cell - inset);
  context.moveTo(x + cell - inset, y + inset);
  context.lineTo(x + inset, y + cell - inset);
  context.stroke();
  context.restore();
}

/** A rectangle centred on the cell border, moved inwards by `inset` (negative: outwards). */
function outline(
  context: CanvasRenderingContext2D,
  x: number,
  y: number,
  cell: number,
  color: string,
  lineWidth: number,
  dash?: number[],
  inset = 0,
): void {
  context.save();
  context.strokeStyle = color;
  context.lineWidth = lineWidth;
  context.setLineDash(dash ?? []);
  const offset = inset + lineWidth / 2;
  context.strokeRect(x + offset, y + offset, Math.max(1, cell - 2 * offset), Math.max(1, cell - 2 * offset));
  context.restore();
}
