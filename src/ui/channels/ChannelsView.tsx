/**
 * The Channels view: for one digit, every hidden convolution's feature maps, one small image per
 * channel (kept ones bright with a solid frame, pruned ones faded, dashed and crossed out), and
 * the first layer's filters. A kept map is what the pruned network computes, so the maps of later
 * layers change as the slider moves; a pruned channel shows what the dense network computed there.
 * Props only: the worker computes the maps (src/worker/channel-maps.ts).
 */
import { memo, useMemo, useState } from 'react';
import type { ChannelMapsView } from '../../worker/channel-maps';
import type { FirstLayerFilters } from '../../core/cnn/feature-maps';
import { propsEqual } from '../charts/props-equal';
import { NEGATIVE_RGB, POSITIVE_RGB } from '../neurons/grid-layout';
import { formatValue } from '../neurons/neuron-info';
import { channelStatus, columnsFor, describeChannel, describeLayer, keptCount, type ChannelStatus } from './channel-info';
import { ACTIVATION_RAMP, layerScale } from './channel-pixels';
import { ChannelGrid, type GridCell } from './ChannelGrid';
import { DigitChooser, type DigitChoice, type TestDigit } from './DigitChooser';
import './channels.css';

export interface ChannelsViewProps {
  /** The maps for the selected digit; null before a CNN is loaded (or while the first maps are computed). */
  readonly maps: ChannelMapsView | null;
  readonly digits: readonly TestDigit[];
  /** The digit drawn on the pad (784 values in [0, 1]); null until something is drawn. */
  readonly drawn: Float32Array | null;
  readonly selected: DigitChoice | null;
  readonly onSelectDigit: (choice: DigitChoice) => void;
  /** Newer maps are on their way (the shown ones stay until they arrive). */
  readonly pending?: boolean;
}

interface LayerRow {
  readonly key: string;
  readonly heading: string;
  readonly name: string;
  readonly cells: GridCell[];
  readonly width: number;
  readonly height: number;
  readonly scale?: number;
}

const rgb = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
const ACTIVATION_GRADIENT = `linear-gradient(90deg, ${ACTIVATION_RAMP.map(rgb).join(', ')})`;
const WEIGHT_GRADIENT = `linear-gradient(90deg, ${rgb(NEGATIVE_RGB)}, #fff, ${rgb(POSITIVE_RGB)})`;

function mapRows(maps: ChannelMapsView): LayerRow[] {
  return maps.layers.map((layer, l) => {
    const { dense, pruned } = layer;
    const size = dense.height * dense.width;
    const cells = Array.from({ length: dense.channels }, (_, c): GridCell => {
      const status = channelStatus(layer, c);
      const source = status === 'kept' ? pruned! : dense;
      return {
        values: source.values.subarray(c * size, (c + 1) * size),
        paint: status === 'pruned' ? 'pruned' : 'map',
        status,
        label: describeChannel(layer, l + 1, c),
      };
    });
    const kept = keptCount(layer);
    return {
      key: `layer-${dense.layerIndex}`,
      heading: `Conv ${l + 1}: ${dense.channels} channels, ${dense.height}×${dense.width}${kept === null ? '' : `, ${kept} kept`}`,
      name: describeLayer(layer, l + 1),
      cells,
      width: dense.width,
      height: dense.height,
      // The dense network's largest activation for this digit: a colour stays put as the slider moves.
      scale: layerScale(dense.values),
    };
  });
}

/** Each filter as one `kh x kw` image (summed over input channels when there are several). */
function filterRow(filters: FirstLayerFilters, statusOf: (channel: number) => ChannelStatus): LayerRow {
  const { height, width, inChannels, channels } = filters;
  const size = height * width;
  const cells = Array.from({ length: channels }, (_, c): GridCell => {
    const image = new Float32Array(size);
    for (let p = 0; p < size; p++) for (let i = 0; i < inChannels; i++) image[p] += filters.values[(c * size + p) * inChannels + i];
    const status = statusOf(c);
    const low = Math.min(...image);
    const high = Math.max(...image);
    return {
      values: image,
      paint: 'filter',
      status,
      label: `Conv 1, filter ${c}${status === 'none' ? '' : `: ${status}`}, weights from ${formatValue(low)} to ${formatValue(high)}`,
    };
  });
  return {
    key: 'filters',
    heading: `Conv 1 filters: ${channels}, ${height}×${width}`,
    name: `The first layer's ${channels} filters of ${height} by ${width} weights, vermillion positive, blue negative`,
    cells,
    width,
    height,
  };
}

function ChannelsViewComponent({ maps, digits, drawn, selected, onSelectDigit, pending = false }: ChannelsViewProps) {
  const [active, setActive] = useState<{ row: string; channel: number } | null>(null);
  const rows = useMemo(() => {
    if (!maps) return [];
    const layers = mapRows(maps);
    const first = maps.layers.find((layer) => layer.dense.layerIndex === maps.filters?.layerIndex);
    const filters = maps.filters ? [filterRow(maps.filters, (c) => (first ? channelStatus(first, c) : 'none'))] : [];
    return [...filters, ...layers];
  }, [maps]);
  const pruning = maps?.layers.some((layer) => layer.pruned !== null) ?? false;
  const activeLabel = active ? rows.find((row) => row.key === active.row)?.cells[active.channel]?.label : undefined;

  return (
    <div className="channels" data-testid="channels-view" aria-busy={pending}>
      <DigitChooser digits={digits} drawn={drawn} selected={selected} onSelect={onSelectDigit} />
      {!maps ? (
        <div className="chart__empty channels__empty">Open a CNN and choose a digit to see its channels.</div>
      ) : (
        <div className={pending ? 'channels__layers channels__layers--pending' : 'channels__layers'}>
          {rows.map((row) => (
            <section key={row.key} className="channels__layer" data-testid={`channels-${row.key}`}>
              <h4 className="channels__heading">{row.heading}</h4>
              <ChannelGrid
                name={row.name}
                cells={row.cells}
                width={row.width}
                height={row.height}
                columns={columnsFor(row.cells.length)}
                scale={row.scale}
                active={active?.row === row.key ? active.channel : null}
                onActivate={(channel) => setActive(channel === null ? null : { row: row.key, channel })}
                testId={`channels-grid-${row.key}`}
              />
            </section>
          ))}
          <p className="channels__info" data-testid="channels-info">
            {activeLabel ?? 'Hover a channel, or tab to a grid and use the arrow keys, to see its activation sum and importance.'}
          </p>
          <ul className="key channels__legend" aria-label="Legend">
            <li>
              <span className="channels__ramp" style={{ background: ACTIVATION_GRADIENT }} aria-hidden="true" />
              activation: 0 to the layer's largest in the dense network (square-root scale)
            </li>
            <li>
              <span className="channels__ramp" style={{ background: WEIGHT_GRADIENT }} aria-hidden="true" />
              filter weight: negative, zero, positive
            </li>
            {pruning ? (
              <>
                <li>
                  <span className="channels__box channels__box--kept" aria-hidden="true" />
                  kept: what the pruned network computes
                </li>
                <li>
                  <span className="channels__box channels__box--pruned" aria-hidden="true" />
                  pruned: faded, crossed out (the dense network's map)
                </li>
              </>
            ) : null}
          </ul>
        </div>
      )}
    </div>
  );
}

export const ChannelsView = memo(ChannelsViewComponent, propsEqual);
