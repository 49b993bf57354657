/** Dense and pruned class probabilities side by side for digits 0-9, with the two verdicts in text. */
import { memo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Prediction } from '../../client/worker-client';
import { DataTable } from '../charts/ChartFrame';
import { DENSE_COLOR, PRUNED_COLOR } from '../charts/palette';
import { agree, predictionRows, verdict } from './prediction';
import { propsEqual } from '../charts/props-equal';
import '../charts/charts.css';

function PredictionBarsView({ prediction }: { prediction: Prediction | null }) {
  const rows = predictionRows(prediction);
  const same = agree(prediction);
  const dense = verdict('dense', prediction?.dense);
  const pruned = verdict('pruned', prediction?.pruned);
  const summary = prediction
    ? `Class probabilities for digits 0 to 9: ${dense}, ${pruned}.`
    : 'No prediction yet: draw a digit or pick a test image.';

  return (
    <div className="chart pad__prediction">
      <p className="pad__verdict" aria-live="polite">
        {prediction ? (
          <>
            <span data-testid="prediction-dense">{dense}</span>, <span data-testid="prediction-pruned">{pruned}</span>
            {same === false ? <strong className="pad__disagree"> (they disagree)</strong> : null}
          </>
        ) : (
          <span className="muted">Draw a digit or pick a test image to see what the networks say.</span>
        )}
      </p>
      <div className="chart__plot chart__plot--small" role="img" aria-label={summary}>
        {/* No chart before the first prediction: mounting one costs the page's start a long task. */}
        {prediction ? (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={rows} margin={{ top: 4, right: 8, bottom: 4, left: 0 }} accessibilityLayer={false} barGap={1} barCategoryGap="18%">
              <CartesianGrid stroke="#DCDCD6" strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="digit" interval={0} />
              <YAxis type="number" domain={[0, 100]} ticks={[0, 50, 100]} interval={0} width={44} tickFormatter={(value: number) => `${value}%`} />
              <Tooltip formatter={(value, name) => [`${Number(value).toFixed(1)}%`, name]} labelFormatter={(label) => `digit ${label}`} />
              <Legend verticalAlign="top" height={24} itemSorter={null} />
              <Bar dataKey="dense" name="dense" fill={DENSE_COLOR} isAnimationActive={false} />
              <Bar dataKey="pruned" name="pruned" fill={PRUNED_COLOR} stroke="#1f5f85" strokeWidth={1} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        ) : (
          <div className="chart__empty">Class probabilities, dense and pruned, appear here.</div>
        )}
      </div>
      {prediction ? (
        <DataTable
          caption="Class probabilities (%)"
          columns={['digit', 'dense', 'pruned']}
          rows={rows.map((row) => [row.digit, row.dense.toFixed(1), row.pruned.toFixed(1)])}
        />
      ) : null}
    </div>
  );
}

export const PredictionBars = memo(PredictionBarsView, propsEqual);
