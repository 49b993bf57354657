/**
 * The slider's marks on a chart, drawn by small components that re-render on their own: a chart
 * provides the current positions through SliderContext and keeps its Recharts plot memoized on
 * the data, so a slider move redraws a line or a few dots, not the chart (whose axes measure the
 * DOM and whose series re-render: 50-200 ms per chart per move on the build machine).
 */
import { createContext, useContext } from 'react';
import { usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';

/** Data coordinates of the slider's marks; `y` only for point marks. */
export interface SliderMark {
  readonly x: number;
  readonly y?: number;
}

export const SliderContext = createContext<readonly SliderMark[]>([]);

/** A vertical line across the plot at the first mark's x, labelled at the bottom right. */
export function SliderLine({ color, label }: { readonly color: string; readonly label: (x: number) => string }) {
  const marks = useContext(SliderContext);
  const scale = useXAxisScale();
  const area = usePlotArea();
  const mark = marks[0];
  const x = mark && scale ? scale(mark.x) : undefined;
  if (!mark || !area || x === undefined || !Number.isFinite(x)) return null;
  return (
    <g className="slider-line" pointerEvents="none" data-testid="slider-line">
      <line x1={x} x2={x} y1={area.y} y2={area.y + area.height} stroke={color} strokeWidth={2} />
      <text x={x - 4} y={area.y + area.height - 6} textAnchor="end" className="recharts-label" fill={color}>
        {label(mark.x)}
      </text>
    </g>
  );
}

/** A dot at each mark. */
export function SliderDots({ fill, stroke }: { readonly fill: string; readonly stroke: string }) {
  const marks = useContext(SliderContext);
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  if (!xScale || !yScale) return null;
  return (
    <g className="slider-dots" pointerEvents="none">
      {marks.map((mark, k) => {
        const cx = xScale(mark.x);
        const cy = mark.y === undefined ? undefined : yScale(mark.y);
        return cx === undefined || cy === undefined ? null : <circle key={k} cx={cx} cy={cy} r={6} fill={fill} stroke={stroke} strokeWidth={2} />;
      })}
    </g>
  );
}

/**
 * Markers at measured points, one <path> of circles per series: Recharts' own dots are a few
 * components each (about 100 on the accuracy chart), which made a redraw of that chart alone
 * take 100-150 ms on the build machine.
 */
export function PointMarks({ points, radius, fill, className }: { readonly points: readonly SliderMark[]; readonly radius: number; readonly fill: string; readonly className?: string }) {
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  if (!xScale || !yScale) return null;
  let d = '';
  for (const point of points) {
    const cx = xScale(point.x);
    const cy = point.y === undefined ? undefined : yScale(point.y);
    if (cx === undefined || cy === undefined || !Number.isFinite(cx) || !Number.isFinite(cy)) continue;
    d += `M${cx - radius},${cy}a${radius},${radius} 0 1,0 ${2 * radius},0a${radius},${radius} 0 1,0 ${-2 * radius},0`;
  }
  return <path className={['point-marks', className].filter(Boolean).join(' ')} d={d} fill={fill} pointerEvents="none" />;
}
