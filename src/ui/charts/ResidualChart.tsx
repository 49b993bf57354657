/**
 * Relative residual ||U - H[:,S] V[S,:]||_F / ||U||_F after each i-SpaSP iteration, one line per
 * hidden layer. The residual need not fall monotonically; it is plotted as it is. Non-iterative
 * methods give one value per layer: shown as dots with a note.
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame, Y_AXIS_WIDTH } from './ChartFrame';
import { linearTicks, trimNumber } from './format';
import { LAYER_COLOR, layerDash } from './palette';
import { isSinglePoint, layerKey, residualMax, residualRows, residualSummary } from './residual-series';
import { propsEqual } from './props-equal';
import { useChartTurn } from './chart-turn';
import { SeriesLegend } from './SeriesLegend';
import { PointMarks } from './SliderMarker';

export interface ResidualChartProps {
  readonly layers: readonly { readonly residuals: readonly number[] }[];
}

function ResidualChartView({ layers }: ResidualChartProps) {
  const rows = useMemo(() => residualRows(layers), [layers]);
  const single = isSinglePoint(layers);
  const iterations = rows.length;
  // The plot redraws on this chart's turn (one chart per task).
  const drawn = useChartTurn(layers);
  const plot = useMemo(() => <ResidualPlot layers={drawn} />, [drawn]);

  const table = {
    caption: 'Relative residual per iteration',
    columns: ['iteration', ...layers.map((_, l) => `layer ${l + 1}`)],
    rows: rows.map((row) => [row.iteration, ...layers.map((_, l) => (row[layerKey(l)] === undefined ? '–' : trimNumber(row[layerKey(l)]!, 4)))]),
  };

  return (
    <ChartFrame
      testId="residual-chart"
      title="Residual per i-SpaSP iteration"
      summary={residualSummary(layers)}
      empty={iterations === 0 ? 'Prune a network to see the residual.' : null}
      table={table}
      legend={
        layers.length > 1 ? <SeriesLegend items={layers.map((_, l) => ({ key: layerKey(l), label: `layer ${l + 1}`, color: LAYER_COLOR, dash: layerDash(l), width: l === 0 ? 3 : 2 }))} /> : null
      }
      caption={single && iterations > 0 ? 'This method is not iterative: one residual per layer, for the final kept set.' : null}
      small
    >
      {plot}
    </ChartFrame>
  );
}

function ResidualPlot({ layers }: ResidualChartProps) {
  const rows = residualRows(layers);
  const single = isSinglePoint(layers);
  const iterations = rows.length;
  const yMax = residualMax(layers);
  const showDots = iterations <= 25;
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={rows} margin={{ top: 8, right: 20, bottom: 22, left: 4 }} accessibilityLayer>
        <CartesianGrid stroke="#DCDCD6" strokeDasharray="3 3" />
        <XAxis
          dataKey="iteration"
          type="number"
          domain={single ? [0.5, 1.5] : [1, Math.max(2, iterations)]}
          ticks={single ? [1] : undefined}
          interval={0}
          allowDecimals={false}
          label={{ value: 'iteration', position: 'insideBottom', offset: -14 }}
        />
        <YAxis
          type="number"
          domain={[0, yMax]}
          ticks={linearTicks(yMax)}
          interval={0}
          width={Y_AXIS_WIDTH}
          tickFormatter={(value: number) => trimNumber(value, 2)}
          label={{ value: 'relative residual', angle: -90, position: 'insideLeft', offset: 10, style: { textAnchor: 'middle' } }}
        />
        <Tooltip formatter={(value, name) => [trimNumber(Number(value), 4), name]} labelFormatter={(label) => `iteration ${label}`} />
        {layers.map((_, l) => (
          <Line
            key={l}
            className={l === 0 ? 'series-line series-line--primary' : 'series-line'}
            dataKey={layerKey(l)}
            name={`layer ${l + 1}`}
            type="linear"
            stroke={LAYER_COLOR}
            strokeWidth={l === 0 ? 3 : 2}
            strokeDasharray={layerDash(l)}
            dot={false}
            activeDot={{ r: 5 }}
            connectNulls
            isAnimationActive={false}
          />
        ))}
        {showDots || single
          ? layers.map(({ residuals }, l) => (
              <PointMarks
                key={`marks${l}`}
                points={residuals.flatMap((y, t) => (Number.isFinite(y) ? [{ x: t + 1, y }] : []))}
                radius={single ? 6 : 3}
                fill={LAYER_COLOR}
              />
            ))
          : null}
      </LineChart>
    </ResponsiveContainer>
  );
}

export const ResidualChart = memo(ResidualChartView, propsEqual);
