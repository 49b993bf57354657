/**
 * The Channels view rendered to static markup (react-dom/server in Node: the repository's unit
 * tests run without a DOM): structure, states and accessible names. Canvas pixels are covered by
 * channel-pixels.test.ts; the e2e test sees the view in the app.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { testChannelMaps } from '../../../test/helpers/channel-maps-view';
import { channelStatus, columnsFor, describeChannel, describeLayer } from './channel-info';
import { ChannelsView, type ChannelsViewProps } from './ChannelsView';

const digits = [
  { index: 3, label: 0, pixels: new Float32Array(784) },
  { index: 8, label: 5, pixels: new Float32Array(784).fill(0.5) },
];

function render(props: Partial<ChannelsViewProps>): string {
  return renderToStaticMarkup(createElement(ChannelsView, { maps: testChannelMaps(), digits, drawn: null, selected: { kind: 'test', index: 8 }, onSelectDigit: () => {}, ...props }));
}

/** The attributes of every element matching `tag ... data-testid="<id>"`'s grid cells. */
function cellsOf(html: string, gridId: string): { status: string; label: string; tabIndex: string }[] {
  const start = html.indexOf(`data-testid="${gridId}"`);
  expect(start).toBeGreaterThan(-1);
  const grid = html.slice(start, html.indexOf('</section>', start));
  return [...grid.matchAll(/<div class="channels__cell[^"]*" role="img" aria-label="([^"]*)" tabindex="(-?\d)" data-channel="\d+" data-status="(\w+)"/g)].map(
    (match) => ({ label: match[1], tabIndex: match[2], status: match[3] }),
  );
}

describe('channel descriptions', () => {
  const [first, second] = testChannelMaps().layers;

  it('say kept or pruned, the activation sum and the importance', () => {
    expect(channelStatus(first, 0)).toBe('kept');
    expect(channelStatus(first, 1)).toBe('pruned');
    // Channel 0 of the hand-made maps is (p mod 4) over 9 positions: sum 12.
    expect(describeChannel(first, 1, 0)).toBe('Conv 1, channel 0: kept, activation sum 12, importance 0.5');
    // A pruned channel reports what the dense network computed there.
    expect(describeChannel(first, 1, 1)).toBe('Conv 1, channel 1: pruned, activation sum in the dense network 13, importance -0.25');
  });

  it('name the dense sum when pruning changed a kept map', () => {
    // Layer 2's pruned maps are shifted by one position: 1,2,3,0 against 0,1,2,3, the same sum, so no dense sum.
    expect(describeChannel(second, 2, 0)).toBe('Conv 2, channel 0: kept, activation sum 6');
    // Without pruning there is no state: (2 + p) mod 4 over 9 positions.
    expect(describeChannel(testChannelMaps(false).layers[0], 1, 2)).toBe('Conv 1, channel 2, activation sum 14');
    const changed = { ...second, pruned: { ...second.pruned!, sums: Float64Array.from([9, 6, 6]) } };
    expect(describeChannel(changed, 2, 0)).toBe('Conv 2, channel 0: kept, activation sum 9 (dense network 6)');
  });

  it('summarise a layer', () => {
    expect(describeLayer(first, 1)).toBe('Conv 1: 4 feature maps of 3 by 3, 2 kept, 2 pruned');
    expect(describeLayer(testChannelMaps(false).layers[1], 2)).toBe('Conv 2: 3 feature maps of 2 by 2');
    expect([columnsFor(16), columnsFor(32), columnsFor(3)]).toEqual([8, 8, 3]);
  });
});

describe('ChannelsView', () => {
  it('shows one labelled cell per channel, kept and pruned told apart, one tab stop per grid', () => {
    const html = render({});
    const layer1 = cellsOf(html, 'channels-grid-layer-0');
    expect(layer1.map((cell) => cell.status)).toEqual(['kept', 'pruned', 'kept', 'pruned']);
    expect(layer1[1].label).toContain('channel 1: pruned');
    expect(layer1.map((cell) => cell.tabIndex)).toEqual(['0', '-1', '-1', '-1']);
    expect(cellsOf(html, 'channels-grid-layer-2').map((cell) => cell.status)).toEqual(['kept', 'kept', 'kept']);
    // The filters row follows the first layer's kept set.
    const filters = cellsOf(html, 'channels-grid-filters');
    expect(filters.map((cell) => cell.status)).toEqual(['kept', 'pruned', 'kept', 'pruned']);
    expect(filters[0].label).toBe('Conv 1, filter 0: kept, weights from -2 to 1');
    expect(html).toContain('aria-label="Conv 1: 4 feature maps of 3 by 3, 2 kept, 2 pruned"');
    expect(html).toContain('Conv 1: 4 channels, 3×3, 2 kept');
    // Every cell is drawn on a canvas of the map's own resolution.
    expect(html.match(/<canvas class="channels__canvas" width="3" height="3"/g)).toHaveLength(4);
    expect(html.match(/<canvas class="channels__canvas" width="2" height="2"/g)).toHaveLength(3 + 4);
    expect(html).toContain('pruned: faded, crossed out');
  });

  it('before pruning shows every channel without a kept/pruned state', () => {
    const html = render({ maps: testChannelMaps(false) });
    expect(cellsOf(html, 'channels-grid-layer-0').map((cell) => cell.status)).toEqual(['none', 'none', 'none', 'none']);
    expect(html).not.toContain('pruned: faded');
  });

  it('offers the test digits and the drawn digit, selected as told', () => {
    const html = render({});
    const radios = [...html.matchAll(/<input type="radio"[^>]*>/g)].map((match) => match[0]);
    expect(radios).toHaveLength(3);
    expect(radios[0]).toContain('aria-label="Test image 3, a 0"');
    expect(radios[0]).not.toContain('checked');
    expect(radios[1]).toContain('checked');
    expect(radios[2]).toContain('disabled');
    const drawn = render({ drawn: new Float32Array(784), selected: { kind: 'drawn' } });
    const drawnRadio = [...drawn.matchAll(/<input type="radio"[^>]*>/g)].map((match) => match[0])[2];
    expect(drawnRadio).toContain('checked');
    expect(drawnRadio).not.toContain('disabled');
  });

  it('says what to do when there are no maps yet, and marks pending updates busy', () => {
    const html = render({ maps: null });
    expect(html).toContain('Open a CNN and choose a digit');
    expect(html).not.toContain('channels__grid');
    expect(render({ pending: true })).toContain('aria-busy="true"');
  });
});
