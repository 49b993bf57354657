/**
 * The frame every chart shares: a titled <figure>, the plot area (role="img" with a summary of the
 * data as its label), an optional visually hidden data table for screen readers, an empty state
 * and a caption.
 */
import { useId, type ReactNode } from 'react';
import { useChartTurn } from './chart-turn';
import './charts.css';

/**
 * Every chart's y-axis width, fixed: an automatic width measures the tick labels in the DOM on
 * each render, and a width that follows the data shifts the plot as the data changes.
 */
export const Y_AXIS_WIDTH = 64;

export interface DataTableSpec {
  readonly caption: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

export interface ChartFrameProps {
  readonly testId?: string;
  readonly title: string;
  /** What the plot shows, in words (the plot's accessible name). */
  readonly summary: string;
  /** Replaces the plot when set: the empty state. */
  readonly empty?: string | null;
  readonly controls?: ReactNode;
  /** A key to the series, between the header and the plot. */
  readonly legend?: ReactNode;
  readonly table?: DataTableSpec | null;
  readonly caption?: ReactNode;
  readonly small?: boolean;
  readonly className?: string;
  readonly children?: ReactNode;
}

export function ChartFrame(props: ChartFrameProps) {
  const titleId = useId();
  const { testId, title, summary, empty, controls, legend, table, caption, small, className, children } = props;
  // The plot mounts on a turn of its own (a Recharts chart's mount costs as much as a redraw with
  // data, which then follows on the chart's next turn); until then the frame stays as it was.
  const mounted = useChartTurn(!empty);
  return (
    <figure className={['chart', className].filter(Boolean).join(' ')} data-testid={testId} aria-labelledby={titleId}>
      <div className="chart__header">
        <h3 className="chart__title" id={titleId}>
          {title}
        </h3>
        {controls}
      </div>
      {empty ? null : legend}
      <div className={small ? 'chart__plot chart__plot--small' : 'chart__plot'} role="img" aria-label={empty ?? summary}>
        {empty ? <div className="chart__empty">{empty}</div> : mounted ? children : null}
      </div>
      {table && !empty && table.rows.length > 0 ? <DataTable {...table} /> : null}
      {caption ? <figcaption>{caption}</figcaption> : null}
    </figure>
  );
}

export function DataTable({ caption, columns, rows }: DataTableSpec) {
  // The wrapper, not the table, is hidden: a table ignores width: 1px and would widen the page.
  return (
    <div className="visually-hidden">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, c) => (c === 0 ? <th key={c} scope="row">{cell}</th> : <td key={c}>{cell}</td>))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
