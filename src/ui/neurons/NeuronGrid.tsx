/**
 * Every first-layer neuron's incoming weights as a 28x28 image, all on one canvas. Kept neurons are
 * in full colour with an outline, pruned ones dimmed; in step mode Omega, the merged set and the
 * kept set of one i-SpaSP iteration are marked. Hover (or tap) shows a tooltip; the canvas is
 * focusable and the arrow keys move a cursor whose neuron is described in a live line below.
 */
import { memo, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { NeuronAtlas } from '../../client/worker-client';
import { GRID_COLORS } from '../charts/palette';
import { buildSprites, drawGrid } from './grid-canvas';
import { cellOrigin, gridLayout, indexAtPoint, MAX_DRAWN, moveFocus, NEGATIVE_RGB, POSITIVE_RGB } from './grid-layout';
import { describeNeuron, neuronDetails, neuronSets, type StepSets } from './neuron-info';
import { propsEqual } from '../charts/props-equal';
import './neurons.css';

export interface NeuronGridProps {
  readonly atlas: NeuronAtlas | null;
  readonly kept: readonly number[] | null;
  readonly step: StepSets | null;
  /** Iteration (1-based) in which each neuron last entered the kept set, per neuron. */
  readonly enteredAt?: readonly (number | null)[];
  readonly importance?: readonly number[];
  /** A small grid without the size control and legend (the side-by-side view). */
  readonly compact?: boolean;
}

/** The size control's choices: minimum image side in CSS pixels (0 = fit the grid to the card). */
export const TILE_SIZES = [
  { label: 'Fit', px: 0 },
  { label: 'Medium', px: 28 },
  { label: 'Large', px: 44 },
  { label: 'Huge', px: 64 },
] as const;

/** In presentation mode "Fit" still keeps images at least this large. */
const PRESENTATION_MIN_CELL = 22;

const rgb = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

function NeuronGridView({ atlas, kept, step, enteredAt, importance, compact = false }: NeuronGridProps) {
  const wrapperRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(640);
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const [cursor, setCursor] = useState(0);
  const [focused, setFocused] = useState(false);
  const [lineScale, setLineScale] = useState(1);
  const [tileSize, setTileSize] = useState(0);
  const infoId = useId();
  const sizeId = useId();

  const units = atlas?.units ?? 0;
  const count = Math.min(units, MAX_DRAWN);
  const minCell = compact ? 0 : Math.max(tileSize, lineScale > 1 ? PRESENTATION_MIN_CELL : 0);
  const layout = useMemo(() => gridLayout(width, count, minCell), [width, count, minCell]);
  const sprites = useMemo(() => (atlas && count > 0 ? buildSprites(atlas.weights, count) : null), [atlas, count]);
  const sets = useMemo(() => neuronSets(kept, step), [kept, step]);
  const cursorIndex = Math.min(cursor, Math.max(0, count - 1));

  useEffect(() => {
    const element = wrapperRef.current;
    if (!element) return;
    const measure = () => {
      const next = Math.floor(element.clientWidth);
      if (next > 0) setWidth((previous) => (Math.abs(previous - next) >= 1 ? next : previous));
      setLineScale(element.closest('.presentation') ? 1.6 : 1);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [atlas]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !sprites) return;
    drawGrid(canvas, { layout, sprites, sets, hover: hover?.index ?? null, cursor: focused ? cursorIndex : null, lineScale });
  }, [layout, sprites, sets, hover, focused, cursorIndex, lineScale]);

  const describe = (index: number) =>
    describeNeuron(neuronDetails(index, sets, atlas?.activationSums ?? null, importance, enteredAt));

  const onPointer = (event: PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    const index = indexAtPoint(x, y, layout);
    setHover(index === null ? null : { index, x, y });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
    const next = moveFocus(cursorIndex, event.key, layout);
    if (next === null) {
      if (event.key === 'Escape') setHover(null);
      return;
    }
    event.preventDefault();
    setCursor(next);
    setHover(null);
  };

  if (!atlas || units === 0) {
    return (
      <div className="neuron-grid" data-testid="neuron-grid">
        <div className="chart__empty neuron-grid__empty">Load a model to see its first-layer neurons.</div>
      </div>
    );
  }

  const keptCount = sets.kept ? Math.min(sets.kept.size, units) : null;
  const label = [
    `Incoming weights of ${count === units ? units : `the first ${count} of ${units}`} first-layer neurons as 28 by 28 images, orange positive, blue negative.`,
    step?.kind === 'additions'
      ? `Addition ${step.iteration}: neuron ${step.candidates[0]} added, ${step.kept.length} kept.`
      : step && step.kind !== 'single'
      ? `Iteration ${step.iteration}: ${step.candidates.length} candidates, ${step.merged.length} merged, ${step.kept.length} kept.`
      : keptCount !== null
        ? `${keptCount} kept, ${units - keptCount} pruned.`
        : '',
    'Use the arrow keys to inspect neurons.',
  ].join(' ');
  const tooltipLeft = hover ? (hover.x > layout.width - 220 ? Math.max(0, hover.x - 220) : hover.x + 14) : 0;
  const tooltipTop = hover ? hover.y + 14 : 0;
  const hoverOrigin = hover ? cellOrigin(hover.index, layout) : null;

  return (
    <div className={compact ? 'neuron-grid neuron-grid--compact' : 'neuron-grid'} data-testid={compact ? 'neuron-grid-compact' : 'neuron-grid'}>
      {compact ? null : (
        <label className="neuron-grid__size" htmlFor={sizeId}>
          Tile size{' '}
          <select id={sizeId} value={tileSize} data-testid="tile-size" onChange={(event) => setTileSize(Number(event.target.value))}>
            {TILE_SIZES.map((choice) => (
              <option key={choice.px} value={choice.px}>
                {choice.label}
                {choice.px > 0 ? ` (${choice.px} px)` : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="neuron-grid__canvas-wrap" ref={wrapperRef}>
        <canvas
          ref={canvasRef}
          className="neuron-grid__canvas"
          style={{ width: layout.width, height: layout.height }}
          tabIndex={0}
          role="img"
          aria-label={label}
          aria-describedby={infoId}
          onPointerMove={onPointer}
          onPointerDown={onPointer}
          onPointerLeave={() => setHover(null)}
          onKeyDown={onKeyDown}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
        />
        {hover && hoverOrigin ? (
          <div className="tooltip" style={{ left: tooltipLeft, top: tooltipTop }} aria-hidden="true" data-testid="neuron-tooltip">
            {describe(hover.index)}
          </div>
        ) : null}
      </div>
      <p className="neuron-grid__info" id={infoId} aria-live="polite" data-testid="neuron-info">
        {focused ? describe(cursorIndex) : 'Hover a neuron, or focus the grid and use the arrow keys, to see its details.'}
      </p>
      {count < units ? (
        <p className="neuron-grid__note muted">
          Showing the first {count.toLocaleString('en-US')} of {units.toLocaleString('en-US')} neurons.
        </p>
      ) : null}
      {compact ? null : <ul className="key neuron-grid__legend" aria-label="Legend">
        <li>
          <span className="neuron-grid__ramp" style={{ background: `linear-gradient(90deg, ${rgb(NEGATIVE_RGB)}, #fff, ${rgb(POSITIVE_RGB)})` }} aria-hidden="true" />
          weight: negative, zero, positive
        </li>
        {step?.kind === 'additions' ? (
          <>
            <li>
              <span className="neuron-grid__box" style={{ borderColor: GRID_COLORS.candidates }} aria-hidden="true" />
              just added (neuron {step.candidates[0]})
            </li>
            <li>
              <span className="neuron-grid__box neuron-grid__box--thin" style={{ borderColor: GRID_COLORS.kept }} aria-hidden="true" />
              kept after {step.iteration} addition{step.iteration === 1 ? '' : 's'}, bright
            </li>
          </>
        ) : step && step.kind !== 'single' ? (
          <>
            <li>
              <span className="neuron-grid__box" style={{ borderColor: GRID_COLORS.candidates }} aria-hidden="true" />
              candidates Ω ({step.candidates.length})
            </li>
            <li>
              <span className="neuron-grid__box neuron-grid__box--dashed" style={{ borderColor: GRID_COLORS.merged }} aria-hidden="true" />
              merged set Ω ∪ S ({step.merged.length}); dashed: from the previous kept set only
            </li>
            <li>
              <span className="neuron-grid__box neuron-grid__box--thin" style={{ borderColor: GRID_COLORS.kept }} aria-hidden="true" />
              kept after iteration {step.iteration} ({step.kept.length}), bright
            </li>
          </>
        ) : keptCount !== null ? (
          <>
            <li>
              <span className="neuron-grid__box neuron-grid__box--thin" style={{ borderColor: GRID_COLORS.kept }} aria-hidden="true" />
              kept ({keptCount}), bright with a thick frame
            </li>
            <li>
              <span className="neuron-grid__box neuron-grid__box--dim neuron-grid__box--crossed" aria-hidden="true" />
              pruned ({units - keptCount}), faded and crossed out
            </li>
          </>
        ) : null}
      </ul>}
    </div>
  );
}

export const NeuronGrid = memo(NeuronGridView, propsEqual);
