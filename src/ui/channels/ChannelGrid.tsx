/**
 * One row of the Channels view: a grid of small images, one per channel (a layer's feature maps,
 * or the first layer's filters). Kept channels have a solid frame, pruned ones are faded, dashed
 * and crossed out (not told by colour alone). The grid is one tab stop; the arrow keys, Home and
 * End move between channels; hovering or focusing a channel shows its details.
 */
import { useRef, useState, type KeyboardEvent } from 'react';
import { moveFocus } from '../neurons/grid-layout';
import type { ChannelStatus } from './channel-info';
import { PixelCanvas, type PixelPaint } from './PixelCanvas';

export interface GridCell {
  readonly values: ArrayLike<number>;
  readonly paint: PixelPaint;
  readonly status: ChannelStatus;
  /** The channel's accessible name and tooltip, e.g. "Conv 1, channel 3: kept, activation sum 12". */
  readonly label: string;
}

export interface ChannelGridProps {
  /** The grid's accessible name. */
  readonly name: string;
  readonly cells: readonly GridCell[];
  readonly width: number;
  readonly height: number;
  readonly columns: number;
  /** The value drawn at full intensity. */
  readonly scale?: number;
  /** The channel whose tooltip shows (hovered or focused), or null. */
  readonly active: number | null;
  readonly onActivate: (channel: number | null) => void;
  readonly testId: string;
}

export function ChannelGrid({ name, cells, width, height, columns, scale, active, onActivate, testId }: ChannelGridProps) {
  const gridRef = useRef<HTMLDivElement>(null);
  const [cursor, setCursor] = useState(0);
  const tabStop = Math.min(cursor, Math.max(0, cells.length - 1));

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      onActivate(null);
      return;
    }
    const next = moveFocus(tabStop, event.key, { columns, count: cells.length });
    if (next === null) return;
    event.preventDefault();
    setCursor(next);
    gridRef.current?.querySelector<HTMLElement>(`[data-channel="${next}"]`)?.focus();
  };

  return (
    <div
      ref={gridRef}
      className="channels__grid"
      role="group"
      aria-label={name}
      style={{ ['--columns' as string]: columns }}
      onKeyDown={onKeyDown}
      onMouseLeave={() => onActivate(null)}
      data-testid={testId}
    >
      {cells.map((cell, channel) => {
        const column = channel % columns;
        return (
          <div
            key={channel}
            className={`channels__cell channels__cell--${cell.status}`}
            role="img"
            aria-label={cell.label}
            tabIndex={channel === tabStop ? 0 : -1}
            data-channel={channel}
            data-status={cell.status}
            onMouseEnter={() => onActivate(channel)}
            onFocus={() => {
              setCursor(channel);
              onActivate(channel);
            }}
            onBlur={() => onActivate(null)}
          >
            <PixelCanvas className="channels__canvas" values={cell.values} width={width} height={height} paint={cell.paint} scale={scale} />
            {active === channel ? (
              <div className={`tooltip channels__tooltip channels__tooltip--${column < columns / 2 ? 'start' : 'end'}`} aria-hidden="true" data-testid="channel-tooltip">
                {cell.label}
              </div>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}
