/** Prune time per method as bars on a log axis, with value labels and the i-SpaSP vs GFS speed-up. */
import { memo, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis, type LabelProps, type XAxisTickContentProps } from 'recharts';
import type { PruneMethod } from '../../client/worker-client';
import { count } from '../format';
import { ChartFrame, Y_AXIS_WIDTH } from './ChartFrame';
import { formatMsTick } from './format';
import { METHOD_COLORS, PRIMARY_METHOD } from './palette';
import { decadeTicks, speedupSentence, timingBars, timingDomain, timingSummary } from './timing-series';
import { propsEqual } from './props-equal';

export interface TimingChartProps {
  readonly timings: readonly { readonly method: PruneMethod; readonly ms: number }[];
  readonly caption?: string;
  /**
   * i-SpaSP's and GFS's times at one common kept count, for the lead sentence; when the bars'
   * GFS time is from another ratio (the sweep stops GFS early), this is what they are compared at.
   */
  readonly speedupAt?: { readonly keptNeurons: number; readonly ispaspMs: number; readonly gfsMs: number } | null;
  /** The first hidden layer's unit, singular: "neuron" (the default) or "channel". */
  readonly unit?: string;
}

function TimingChartView({ timings, caption, speedupAt, unit = 'neuron' }: TimingChartProps) {
  const bars = useMemo(() => timingBars(timings), [timings]);
  const domain = timingDomain(bars);
  const speedup = speedupAt
    ? speedupSentence(
        [
          { method: 'ispasp', ms: speedupAt.ispaspMs },
          { method: 'gfs', ms: speedupAt.gfsMs },
        ],
        'ispasp',
        'gfs',
        `at ${count(speedupAt.keptNeurons)} kept ${unit}${speedupAt.keptNeurons === 1 ? '' : 's'}`,
      )
    : speedupSentence(timings);

  // The plot is rebuilt only when the bars change, not with the caption (which follows the slider).
  const [low, high] = domain;
  const plot = useMemo(
    () => (
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={bars} margin={{ top: 22, right: 12, bottom: 4, left: 4 }} accessibilityLayer barCategoryGap="20%">
          <CartesianGrid stroke="#DCDCD6" strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" interval={0} tick={MethodTick} height={40} />
          <YAxis
            type="number"
            scale="log"
            domain={[low, high]}
            ticks={decadeTicks([low, high])}
            interval={0}
            allowDataOverflow
            width={Y_AXIS_WIDTH}
            tickFormatter={formatMsTick}
            label={{ value: 'prune time (log)', angle: -90, position: 'insideLeft', offset: 0, style: { textAnchor: 'middle' } }}
          />
          <Tooltip cursor={{ fill: 'rgba(0,0,0,0.05)' }} formatter={(_value, _name, item) => [(item.payload as { text: string }).text, 'prune time']} />
          <Bar dataKey="ms" name="prune time" isAnimationActive={false}>
            {bars.map((bar) => (
              <Cell
                key={bar.method}
                fill={METHOD_COLORS[bar.method]}
                stroke={bar.method === PRIMARY_METHOD ? '#16161A' : undefined}
                strokeWidth={bar.method === PRIMARY_METHOD ? 2 : 0}
              />
            ))}
            <LabelList dataKey="text" content={ValueLabel} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    ),
    [bars, low, high],
  );

  return (
    <ChartFrame
      testId="timing-chart"
      title="Prune time per method"
      summary={`${timingSummary(bars)}${speedup ? ` ${speedup}` : ''}`}
      empty={bars.length === 0 ? 'Run a sweep to time the methods.' : null}
      table={{ caption: 'Prune time per method', columns: ['method', 'time'], rows: bars.map((bar) => [bar.label, bar.text]) }}
      caption={
        bars.length > 0 ? (
          <>
            {speedup ? (
              <strong className="chart__lead" data-testid="speedup">
                {speedup}
              </strong>
            ) : null}
            {speedup && caption ? ' ' : null}
            {caption ?? (speedup ? null : 'Log scale.')}
          </>
        ) : (
          caption
        )
      }
      small
    >
      {plot}
    </ChartFrame>
  );
}

/** Method names; on narrow charts every other name drops a line so that neighbours never overlap. */
function MethodTick(props: XAxisTickContentProps) {
  const { x, y, payload, index, visibleTicksCount, width } = props;
  const slot = Number(width ?? 0) / Math.max(1, visibleTicksCount);
  const drop = slot > 0 && slot < 72 && index % 2 === 1 ? 14 : 0;
  return (
    <text x={Number(x)} y={Number(y) + 12 + drop} textAnchor="middle" className="recharts-cartesian-axis-tick-value" fill="#45454D">
      {String(payload.value)}
    </text>
  );
}

/** The measured time above each bar, on one line. */
function ValueLabel(props: LabelProps) {
  const { x, y, width, value } = props;
  if (x === undefined || y === undefined) return null;
  return (
    <text x={Number(x) + Number(width ?? 0) / 2} y={Number(y) - 6} textAnchor="middle" className="recharts-label" fill="#16161A">
      {String(value ?? '')}
    </text>
  );
}

export const TimingChart = memo(TimingChartView, propsEqual);
