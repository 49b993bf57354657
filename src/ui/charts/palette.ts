/**
 * One colour per method everywhere in the playground (Okabe–Ito, colour-blind safe). i-SpaSP is
 * the most prominent: the app's accent blue (also --color-ispasp in theme.css), the thickest solid
 * line, drawn last (on top). The same values are CSS variables --color-<method> in theme.css.
 */
import type { PruneMethod } from '../../client/worker-client';

export const OKABE_ITO = {
  blue: '#0072B2',
  orange: '#E69F00',
  green: '#009E73',
  pink: '#CC79A7',
  sky: '#56B4E9',
  vermillion: '#D55E00',
  yellow: '#F0E442',
  black: '#000000',
} as const;

export const METHOD_COLORS: Record<PruneMethod, string> = {
  ispasp: OKABE_ITO.blue,
  gfs: OKABE_ITO.vermillion,
  topk: OKABE_ITO.green,
  magnitude: OKABE_ITO.pink,
  random: OKABE_ITO.orange,
};

/** Dash patterns as a second cue next to colour (undefined = solid). */
export const METHOD_DASHES: Record<PruneMethod, string | undefined> = {
  ispasp: undefined,
  gfs: undefined,
  topk: '7 3',
  magnitude: '2 3',
  random: '10 4 2 4',
};

/** Draw order: i-SpaSP last so that it sits on top. */
export const METHOD_DRAW_ORDER: readonly PruneMethod[] = ['random', 'magnitude', 'topk', 'gfs', 'ispasp'];

export const PRIMARY_METHOD: PruneMethod = 'ispasp';

/** The dense network (reference lines, prediction bars) and the pruned one. */
export const DENSE_COLOR = OKABE_ITO.black;
export const PRUNED_COLOR = OKABE_ITO.sky;

/** Entered / left the kept set (iteration bars). */
export const ENTERED_COLOR = OKABE_ITO.blue;
export const LEFT_COLOR = OKABE_ITO.orange;

/** Slider position marker. */
export const CURSOR_COLOR = '#45454D';

/** Hidden layers are drawn in ink with distinct dashes, so they never read as methods. */
export const LAYER_COLOR = '#16161A';
export const LAYER_DASHES: readonly (string | undefined)[] = [undefined, '8 4', '2 3', '12 4 3 4'];

export function layerDash(layer: number): string | undefined {
  return LAYER_DASHES[layer % LAYER_DASHES.length];
}

/** Neuron grid (step mode and kept set). */
export const GRID_COLORS = {
  candidates: OKABE_ITO.pink,
  merged: OKABE_ITO.green,
  kept: OKABE_ITO.black,
  cursor: OKABE_ITO.blue,
} as const;
