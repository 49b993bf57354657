/**
 * Test accuracy against the percentage of hidden neurons kept (log x axis, 1-100%), one line per
 * method, the dense accuracy as a horizontal reference and the slider's keep ratio as a vertical one.
 * Points arrive progressively (coarse first); lines fill in as they come.
 */
import { memo, useId, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { METHOD_LABELS, PRUNE_METHODS, type PruneMethod, type SweepPoint } from '../../client/worker-client';
import { ChartFrame } from './ChartFrame';
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

export interface AccuracyChartProps {
  readonly points: readonly SweepPoint[];
  /** Dense test accuracy as a fraction in [0, 1]. */
  readonly denseAccuracy: number | null;
  /** The slider's keep ratio in percent (0..100). */
  readonly keepPercent: number;
  readonly mode: AccuracyMode;
  readonly onModeChange: (mode: AccuracyMode) => void;
  readonly refitAvailable: boolean;
}

function AccuracyChartView({ points, denseAccuracy, keepPercent, mode, onModeChange, refitAvailable }: AccuracyChartProps) {
  const effectiveMode: AccuracyMode = refitAvailable ? mode : 'raw';
  const series = useMemo(() => accuracySeries(points, effectiveMode), [points, effectiveMode]);
  const rows = useMemo(() => accuracyRows(series), [series]);
  const densePercent = denseAccuracy === null ? null : toPercent(denseAccuracy);
  const xDomain = keepDomain(series, keepPercent);
  const yDomain = accuracyDomain(series, densePercent);
  const ordered = METHOD_DRAW_ORDER.filter((method) => series.some((s) => s.method === method));
  const sparse = rows.length <= 12;

  const table = {
    caption: `Test accuracy (%) by percentage of hidden neurons kept, ${effectiveMode}`,
    columns: ['kept (%)', ...series.map((s) => METHOD_LABELS[s.method])],
    rows: rows.map((row) => [trimNumber(row.keepPercent), ...series.map((s) => (row[s.method] === undefined ? '–' : trimNumber(row[s.method]!, 2)))]),
  };

  return (
    <ChartFrame
      testId="accuracy-chart"
      title="Accuracy against neurons kept"
      summary={accuracySummary(series, densePercent, effectiveMode)}
      empty={series.length === 0 ? (points.length > 0 && effectiveMode === 'refit' ? 'No refit results yet.' : 'Run a sweep to compare the methods across keep ratios.') : null}
      controls={refitAvailable ? <ModeToggle mode={effectiveMode} onChange={onModeChange} /> : null}
      table={table}
      caption={
        series.length > 0
          ? `Log scale; markers are measured points, joined by straight lines; the dashed black line is the dense network${densePercent === null ? '' : ` (${trimNumber(densePercent, 1)}%)`}, the grey one the slider (${trimNumber(keepPercent)}% kept).`
          : null
      }
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 12, right: 20, bottom: 22, left: 4 }} accessibilityLayer>
          <CartesianGrid stroke="#DCDCD6" strokeDasharray="3 3" />
          <XAxis
            dataKey="keepPercent"
            type="number"
            scale="log"
            domain={xDomain}
            ticks={logTicks(xDomain[0], xDomain[1])}
            allowDataOverflow
            tickFormatter={(value: number) => `${value}%`}
            label={{ value: 'hidden neurons kept (log scale)', position: 'insideBottom', offset: -14 }}
          />
          <YAxis
            type="number"
            domain={yDomain}
            ticks={accuracyTicks(yDomain)}
            allowDataOverflow
            width="auto"
            tickFormatter={(value: number) => `${value}%`}
            label={{ value: 'test accuracy', angle: -90, position: 'insideLeft', offset: 10, style: { textAnchor: 'middle' } }}
          />
          <Tooltip
            formatter={(value, name) => [`${trimNumber(Number(value), 2)}%`, name]}
            labelFormatter={(label) => `${trimNumber(Number(label))}% kept`}
            itemSorter={(item) => methodRank(item.dataKey)}
          />
          <Legend verticalAlign="top" height={28} itemSorter={(item) => methodRank(item.dataKey)} />
          {densePercent !== null ? (
            <ReferenceLine
              y={densePercent}
              stroke={DENSE_COLOR}
              strokeDasharray="6 4"
              ifOverflow="extendDomain"
              label={{ value: 'dense', position: 'insideBottomLeft', fill: DENSE_COLOR }}
            />
          ) : null}
          {keepPercent > 0 ? (
            <ReferenceLine x={keepPercent} stroke={CURSOR_COLOR} label={{ value: `${trimNumber(keepPercent)}%`, position: 'insideBottomRight', fill: CURSOR_COLOR }} />
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
        </LineChart>
      </ResponsiveContainer>
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
