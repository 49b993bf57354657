/**
 * Test accuracy against the percentage of hidden neurons kept (log x axis, 1-100%), one line per
 * method, the dense accuracy as a horizontal reference and the slider's keep ratio as a vertical one.
 * Points arrive progressively (coarse first); lines fill in as they come.
 */
import { memo, useId, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { METHOD_LABELS, PRUNE_METHODS, type PruneMethod, type SweepPoint } from '../../client/worker-client';
import { ChartFrame, Y_AXIS_WIDTH } from './ChartFrame';
import {
  accuracyDomain,
  accuracyRows,
  accuracyTicks,
  accuracySeries,
  accuracySummary,
  keepDomain,
  type AccuracyMode,
} from './accuracy-series';
import { logTicks, toPercent, trimNumber } from './format';
import { CURSOR_COLOR, DENSE_COLOR, METHOD_COLORS, METHOD_DASHES, METHOD_DRAW_ORDER, PRIMARY_METHOD } from './palette';
import { propsEqual } from './props-equal';
import { SliderContext, SliderLine } from './SliderMarker';

export interface AccuracyChartProps {
  readonly points: readonly SweepPoint[];
  /** Dense test accuracy as a fraction in [0, 1]. */
  readonly denseAccuracy: number | null;
  /** The slider's keep ratio in percent (0..100). */
  readonly keepPercent: number;
  readonly mode: AccuracyMode;
  readonly onModeChange: (mode: AccuracyMode) => void;
  readonly refitAvailable: boolean;
  /** What the hidden layers hold: "neurons" (the default), "channels and neurons". */
  readonly units?: string;
}

/** "on the first 1,000 of 10,000 test images", when the sweep's points are on a subset. */
function subsetNote(points: readonly SweepPoint[]): string {
  const subset = points.find((point) => point.subset)?.subset;
  return subset ? ` Points are scored on the first ${subset.images.toLocaleString('en-US')} of the ${subset.of.toLocaleString('en-US')} test images.` : '';
}

function AccuracyChartView({ points, denseAccuracy, keepPercent, mode, onModeChange, refitAvailable, units = 'neurons' }: AccuracyChartProps) {
  const effectiveMode: AccuracyMode = refitAvailable ? mode : 'raw';
  const series = useMemo(() => accuracySeries(points, effectiveMode), [points, effectiveMode]);
  const rows = useMemo(() => accuracyRows(series), [series]);
  const densePercent = denseAccuracy === null ? null : toPercent(denseAccuracy);
  // The slider never goes below 1%, the domain's floor: the axis does not move with it.
  const [xLow, xHigh] = keepDomain(series, 0);
  const [yLow, yHigh] = accuracyDomain(series, densePercent);
  const ordered = useMemo(() => METHOD_DRAW_ORDER.filter((method) => series.some((s) => s.method === method)), [series]);
  const sparse = rows.length <= 12;
  const marks = useMemo(() => [{ x: keepPercent }], [keepPercent]);

  // The plot is rebuilt only when what it draws changes; the slider's line follows SliderContext.
  const plot = useMemo(
    () => (
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 12, right: 20, bottom: 22, left: 4 }} accessibilityLayer>
          <CartesianGrid stroke="#DCDCD6" strokeDasharray="3 3" />
          <XAxis
            dataKey="keepPercent"
            type="number"
            scale="log"
            domain={[xLow, xHigh]}
            ticks={logTicks(xLow, xHigh)}
            interval={0}
            allowDataOverflow
            tickFormatter={(value: number) => `${value}%`}
            label={{ value: `hidden ${units} kept (log scale)`, position: 'insideBottom', offset: -14 }}
          />
          <YAxis
            type="number"
            domain={[yLow, yHigh]}
            ticks={accuracyTicks([yLow, yHigh])}
            interval={0}
            allowDataOverflow
            width={Y_AXIS_WIDTH}
            tickFormatter={(value: number) => `${value}%`}
            label={{ value: 'test accuracy', angle: -90, position: 'insideLeft', offset: 10, style: { textAnchor: 'middle' } }}
          />
          <Tooltip
            formatter={(value, name) => [`${trimNumber(Number(value), 2)}%`, name]}
            labelFormatter={(label) => `${trimNumber(Number(label))}% kept`}
            itemSorter={(item) => methodRank(item.dataKey)}
          />
          {/* No fixed height: on a phone the legend wraps to two lines, and Recharts then makes room for both. */}
          <Legend verticalAlign="top" itemSorter={(item) => methodRank(item.dataKey)} />
          {densePercent !== null ? (
            <ReferenceLine
              y={densePercent}
              stroke={DENSE_COLOR}
              strokeDasharray="6 4"
              ifOverflow="extendDomain"
              // Below the line: above it, near 100%, the label ran into the legend.
              label={{ value: 'dense', position: 'insideBottomLeft', fill: DENSE_COLOR, dy: 16 }}
            />
          ) : null}
          {ordered.map((method) => (
            <Line
              key={method}
              className={method === PRIMARY_METHOD ? 'series-line series-line--primary' : 'series-line'}
              dataKey={method}
              name={METHOD_LABELS[method]}
              type="linear"
              stroke={METHOD_COLORS[method]}
              strokeWidth={method === PRIMARY_METHOD ? 3.5 : 2}
              strokeDasharray={METHOD_DASHES[method]}
              dot={{ r: method === PRIMARY_METHOD ? (sparse ? 4 : 3) : sparse ? 3 : 2.5, fill: METHOD_COLORS[method], strokeWidth: 0 }}
              activeDot={{ r: 5 }}
              connectNulls
              isAnimationActive={false}
            />
          ))}
          <SliderLine color={CURSOR_COLOR} label={(x) => `${trimNumber(x)}%`} />
        </LineChart>
      </ResponsiveContainer>
    ),
    [rows, xLow, xHigh, yLow, yHigh, densePercent, ordered, sparse, units],
  );

  const table = {
    caption: `Test accuracy (%) by percentage of hidden ${units} kept, ${effectiveMode}`,
    columns: ['kept (%)', ...series.map((s) => METHOD_LABELS[s.method])],
    rows: rows.map((row) => [trimNumber(row.keepPercent), ...series.map((s) => (row[s.method] === undefined ? '–' : trimNumber(row[s.method]!, 2)))]),
  };

  return (
    <ChartFrame
      testId="accuracy-chart"
      title={`Accuracy against ${units} kept`}
      summary={accuracySummary(series, densePercent, effectiveMode)}
      empty={series.length === 0 ? (points.length > 0 && effectiveMode === 'refit' ? 'No refit results yet.' : 'Run a sweep to compare the methods across keep ratios.') : null}
      controls={refitAvailable ? <ModeToggle mode={effectiveMode} onChange={onModeChange} /> : null}
      table={table}
      caption={
        series.length > 0
          ? `Log scale; markers are measured points, joined by straight lines; the dashed black line is the dense network${densePercent === null ? '' : ` (${trimNumber(densePercent, 1)}%)`}, the grey one the slider (${trimNumber(keepPercent)}% kept).${subsetNote(points)}`
          : null
      }
    >
      <SliderContext.Provider value={marks}>{plot}</SliderContext.Provider>
    </ChartFrame>
  );
}

function ModeToggle({ mode, onChange }: { mode: AccuracyMode; onChange: (mode: AccuracyMode) => void }) {
  const name = useId();
  return (
    <fieldset className="segmented">
      <legend>Accuracy of</legend>
      {(['raw', 'refit'] as const).map((value) => (
        <label key={value}>
          <input type="radio" name={name} value={value} checked={mode === value} onChange={() => onChange(value)} />
          {value === 'raw' ? 'raw' : 'refit'}
        </label>
      ))}
    </fieldset>
  );
}

/** Legend and tooltip list the methods in PRUNE_METHODS order (i-SpaSP first). */
function methodRank(dataKey: unknown): number {
  return PRUNE_METHODS.indexOf(dataKey as PruneMethod);
}

export const AccuracyChart = memo(AccuracyChartView, propsEqual);
