/**
 * (a) Neurons kept per hidden layer against the keep ratio, with the current ratio marked;
 * (b) per i-SpaSP iteration (first layer), how many neurons entered and left the kept set.
 * The two plots sit side by side and stack on narrow screens.
 */
import { memo, useMemo } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { HiddenLayerKind, IterationView } from '../../client/worker-client';
import { kindAt, unitNoun, unitsOf } from '../unit-words';
import { ChartFrame, Y_AXIS_WIDTH } from './ChartFrame';
import { symmetricTicks, trimNumber } from './format';
import { churnRows, keptMarkers, keptRows, settledAfter } from './kept-series';
import { CURSOR_COLOR, ENTERED_COLOR, LAYER_COLOR, LEFT_COLOR, OKABE_ITO, layerDash } from './palette';
import { propsEqual } from './props-equal';
import { SliderContext, SliderDots } from './SliderMarker';

export interface KeptChartProps {
  readonly hiddenWidths: readonly number[];
  /** Current keep ratio (fraction in (0, 1]) per hidden layer. */
  readonly keepRatios: readonly number[];
  /** First layer, i-SpaSP only. */
  readonly iterations?: readonly IterationView[];
  /** Conv (channels) or Dense (neurons) per hidden layer; Dense when absent. */
  readonly hiddenKinds?: readonly HiddenLayerKind[];
}

const MARGIN = { top: 8, right: 16, bottom: 22, left: 4 };

function KeptChartView({ hiddenWidths, keepRatios, iterations, hiddenKinds }: KeptChartProps) {
  const units = unitsOf(hiddenKinds ?? []);
  const first = unitNoun(kindAt(hiddenKinds, 0));
  const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  const rows = useMemo(() => keptRows(hiddenWidths), [hiddenWidths]);
  const markers = useMemo(() => keptMarkers(hiddenWidths, keepRatios), [hiddenWidths, keepRatios]);
  const churn = useMemo(() => churnRows(iterations), [iterations]);
  const settled = settledAfter(iterations);
  const multiLayer = hiddenWidths.length > 1;
  const churnMax = Math.max(1, ...churn.map((row) => Math.max(row.entered, -row.left)));

  // The plots are rebuilt only when what they draw changes; the slider's dots follow SliderContext.
  const marks = useMemo(() => markers.map((m) => ({ x: Math.min(100, Math.max(1, m.keepPercent)), y: m.kept })), [markers]);
  const keptPlot = useMemo(
    () => (
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={MARGIN} accessibilityLayer={false}>
          <CartesianGrid stroke="#DCDCD6" strokeDasharray="3 3" />
          <XAxis
            dataKey="keepPercent"
            type="number"
            domain={[1, 100]}
            ticks={[1, 20, 40, 60, 80, 100]}
            interval={0}
            tickFormatter={(value: number) => `${value}%`}
            label={{ value: 'keep ratio', position: 'insideBottom', offset: -14 }}
          />
          <YAxis
            type="number"
            width={Y_AXIS_WIDTH}
            interval={0}
            domain={[0, 'auto']}
            allowDecimals={false}
            label={{ value: `${units === 'channels and neurons' ? 'units' : units} kept`, angle: -90, position: 'insideLeft', offset: 10, style: { textAnchor: 'middle' } }}
          />
          <Tooltip formatter={(value, name) => [value, name]} labelFormatter={(label) => `${label}% kept`} />
          {multiLayer ? <Legend verticalAlign="top" height={24} itemSorter={null} /> : null}
          {hiddenWidths.map((units, l) => (
            <Line
              key={l}
              className="series-line"
              dataKey={`layer${l}`}
              name={`layer ${l + 1} (${units} ${unitNoun(kindAt(hiddenKinds, l), units)})`}
              type="stepAfter"
              stroke={LAYER_COLOR}
              strokeWidth={2}
              strokeDasharray={layerDash(l)}
              dot={false}
              isAnimationActive={false}
            />
          ))}
          <SliderDots fill={OKABE_ITO.blue} stroke="#FFFFFF" />
        </LineChart>
      </ResponsiveContainer>
    ),
    [rows, hiddenWidths, hiddenKinds, units, multiLayer],
  );
  // Every label up to 10 iterations, then every other one and so on: a fixed step, so the axis
  // never measures its labels to find which overlap.
  const churnLabelStep = Math.ceil(churn.length / 10) - 1;
  const churnPlot = useMemo(
    () => (
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={churn} margin={MARGIN} stackOffset="sign" accessibilityLayer={false} barCategoryGap="15%">
          <CartesianGrid stroke="#DCDCD6" strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="iteration" label={{ value: 'iteration', position: 'insideBottom', offset: -14 }} interval={churnLabelStep} />
          <YAxis
            type="number"
            width={Y_AXIS_WIDTH}
            domain={[-churnMax, churnMax]}
            ticks={symmetricTicks(churnMax)}
            interval={0}
            allowDecimals={false}
            tickFormatter={(value: number) => String(Math.abs(value))}
            label={{ value: first, angle: -90, position: 'insideLeft', offset: 10, style: { textAnchor: 'middle' } }}
          />
          <Tooltip formatter={(value, name) => [Math.abs(Number(value)), name]} labelFormatter={(label) => `iteration ${label}`} />
          <Legend verticalAlign="top" height={24} itemSorter={null} />
          <ReferenceLine y={0} stroke={CURSOR_COLOR} />
          <Bar dataKey="entered" name="entered" stackId="churn" fill={ENTERED_COLOR} isAnimationActive={false} />
          <Bar dataKey="left" name="left" stackId="churn" fill={LEFT_COLOR} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    ),
    [churn, churnMax, churnLabelStep, first],
  );

  const keptSummary =
    markers.length === 0
      ? 'No model loaded.'
      : `${capital(units)} kept grow linearly with the keep ratio, s = max(1, floor(rho N)). Now: ${markers
          .map((m) => `layer ${m.layer + 1} keeps ${m.kept} of ${m.units} ${unitNoun(kindAt(hiddenKinds, m.layer), m.units)} at ${trimNumber(m.keepPercent)}%`)
          .join('; ')}.`;
  const churnSummary =
    churn.length === 0
      ? 'No i-SpaSP iterations.'
      : `Per iteration, ${first} entering and leaving the kept set: ${churn.map((r) => `iteration ${r.iteration}: +${r.entered} −${-r.left}`).join(', ')}.`;

  return (
    <div className="chart" data-testid="kept-chart">
      <div className="chart__pair">
        <ChartFrame
          title={`${capital(units)} kept per layer`}
          summary={keptSummary}
          empty={rows.length === 0 ? `Load a model to see how many ${units} each keep ratio keeps.` : null}
          table={{
            caption: `Current kept ${units} per layer`,
            columns: ['layer', 'units', 'kept (%)', `kept ${units}`],
            rows: markers.map((m) => [m.layer + 1, m.units, trimNumber(m.keepPercent), m.kept]),
          }}
          caption={markers.length > 0 ? markers.map((m) => `layer ${m.layer + 1}: ${m.kept} of ${m.units} ${unitNoun(kindAt(hiddenKinds, m.layer), m.units)}`).join(' · ') : null}
          small
        >
          <SliderContext.Provider value={marks}>{keptPlot}</SliderContext.Provider>
        </ChartFrame>
        <ChartFrame
          title="Kept-set changes per iteration"
          summary={churnSummary}
          empty={churn.length === 0 ? `Only i-SpaSP iterates: choose it to see ${first} enter and leave the kept set.` : null}
          table={{
            caption: `${capital(first)} entering and leaving the kept set (first layer)`,
            columns: ['iteration', 'entered', 'left'],
            rows: churn.map((r) => [r.iteration, r.entered, -r.left]),
          }}
          caption={
            churn.length === 0
              ? null
              : settled === null
                ? 'First hidden layer. Up: entered, down: left.'
                : `First hidden layer. The kept set stopped changing after iteration ${settled}.`
          }
          small
        >
          {churnPlot}
        </ChartFrame>
      </div>
    </div>
  );
}

export const KeptChart = memo(KeptChartView, propsEqual);
