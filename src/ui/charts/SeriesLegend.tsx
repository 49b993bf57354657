/**
 * A chart's key in HTML, above the plot: Recharts' own legend measures itself in the DOM and
 * resizes the plot on every redraw (a forced layout and a second render of the chart).
 */
export interface LegendItem {
  readonly key: string;
  readonly label: string;
  readonly color: string;
  /** A line (with `dash` and `width`, and a dot when `dot`), or a filled square (bars). */
  readonly shape?: 'line' | 'square';
  readonly dash?: string;
  readonly width?: number;
  readonly dot?: boolean;
}

export function SeriesLegend({ items }: { readonly items: readonly LegendItem[] }) {
  if (items.length === 0) return null;
  return (
    <ul className="chart__legend" aria-hidden="true">
      {items.map((item) => (
        <li key={item.key}>
          <svg width="22" height="10" viewBox="0 0 22 10">
            {item.shape === 'square' ? (
              <rect x="6" y="0" width="10" height="10" fill={item.color} />
            ) : (
              <>
                <line x1="1" x2="21" y1="5" y2="5" stroke={item.color} strokeWidth={item.width ?? 2} strokeDasharray={item.dash} />
                {item.dot ? <circle cx="11" cy="5" r="3" fill={item.color} /> : null}
              </>
            )}
          </svg>
          {item.label}
        </li>
      ))}
    </ul>
  );
}
