/**
 * How compressible the first hidden layer is: its activation magnitudes sorted by rank on log-log
 * axes, and the fraction that are exactly zero. i-SpaSP's guarantee rests on this.
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SparsityProfile } from '../../client/worker-client';
import { ChartFrame, Y_AXIS_WIDTH } from './ChartFrame';
import { trimNumber } from './format';
import { LAYER_COLOR } from './palette';
import { sparsityDomains, sparsityPoints, sparsitySummary } from './sparsity-series';
import { propsEqual } from './props-equal';

export interface SparsityChartProps {
  readonly profile: SparsityProfile | null;
  /** What the first hidden layer's units are called: 'neurons' (default) or 'channels'. */
  readonly units?: string;
}

const explanation = (units: string) =>
  `Why this matters: i-SpaSP's guarantee assumes the hidden representation is compressible (magnitudes decay fast with rank), so a few ${units} carry most of the activation mass; the faster the decay and the more zeros, the smaller the residual for a given number of kept ${units}.`;

function SparsityChartView({ profile, units = 'neurons' }: SparsityChartProps) {
  const points = useMemo(() => sparsityPoints(profile), [profile]);
  const domains = sparsityDomains(points);
  const decades = (domain: [number, number]) => {
    const ticks: number[] = [];
    for (let value = domain[0]; value <= domain[1] * 1.0001; value *= 10) ticks.push(Number(value.toPrecision(6)));
    return ticks;
  };

  return (
    <div className="chart sparsity" data-testid="sparsity-chart">
      <div className="sparsity__stat">
        <span className="chart__big-number" data-testid="zero-fraction">
          {profile ? `${trimNumber(profile.zeroFraction * 100, 1)}%` : '–'}
        </span>
        <span className="muted">of first-layer activations are exactly zero</span>
      </div>
      <ChartFrame
        title="Activation magnitude by rank"
        summary={sparsitySummary(profile, points)}
        empty={!profile ? 'Load a model to see how sparse its hidden layer is.' : points.length === 0 ? 'Every activation is zero.' : null}
        table={{
          caption: 'Sorted activation magnitudes (sampled ranks)',
          columns: ['rank', 'magnitude'],
          rows: points.filter((_, i) => i % Math.max(1, Math.ceil(points.length / 20)) === 0).map((p) => [p.rank, Number(p.magnitude.toPrecision(3))]),
        }}
        caption={explanation(units)}
        small
      >
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={points} margin={{ top: 8, right: 16, bottom: 22, left: 4 }} accessibilityLayer={false}>
            <CartesianGrid stroke="#DCDCD6" strokeDasharray="3 3" />
            <XAxis
              dataKey="rank"
              type="number"
              scale="log"
              domain={domains.x}
              ticks={decades(domains.x)}
              interval={0}
              allowDataOverflow
              tickFormatter={formatPower}
              label={{ value: 'rank (log)', position: 'insideBottom', offset: -14 }}
            />
            <YAxis
              type="number"
              scale="log"
              domain={domains.y}
              ticks={decades(domains.y)}
              interval={0}
              allowDataOverflow
              width={Y_AXIS_WIDTH}
              tickFormatter={formatPower}
              label={{ value: 'magnitude (log)', angle: -90, position: 'insideLeft', offset: 10, style: { textAnchor: 'middle' } }}
            />
            <Tooltip
              formatter={(value) => [Number(Number(value).toPrecision(3)), 'magnitude']}
              labelFormatter={(label) => `rank ${Number(label).toLocaleString('en-US')}`}
            />
            <Line
              className="series-line series-line--primary"
              dataKey="magnitude"
              type="linear"
              stroke={LAYER_COLOR}
              strokeWidth={3}
              dot={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </ChartFrame>
    </div>
  );
}

/** 1000 -> "10³"-style labels stay short on small screens. */
function formatPower(value: number): string {
  if (value >= 0.01 && value < 10000) return String(Number(value.toPrecision(3)));
  const exponent = Math.round(Math.log10(value));
  return `1e${exponent}`;
}

export const SparsityChart = memo(SparsityChartView, propsEqual);
