/** A horizontal bar chart in plain SVG: one bar per row, labelled, scaled to the largest value. */
export function BarChart({
  title,
  rows,
  unit,
}: {
  title: string;
  rows: { label: string; value: number }[];
  unit: string;
}) {
  const shown = rows.slice(0, 20);
  const max = Math.max(1, ...shown.map((row) => row.value));
  const rowHeight = 22;
  const labelWidth = 160;
  const width = 560;
  return (
    <figure className="bar-chart">
      <svg
        role="img"
        aria-label={title}
        width="100%"
        viewBox={`0 0 ${width} ${Math.max(1, shown.length) * rowHeight}`}
        preserveAspectRatio="xMinYMin meet"
      >
        {shown.map((row, index) => {
          const barWidth = ((width - labelWidth - 70) * row.value) / max;
          const y = index * rowHeight;
          return (
            <g key={`${row.label}-${index}`}>
              <text x={0} y={y + 15} fontSize="12" fill="currentColor">
                {row.label.length > 22 ? `${row.label.slice(0, 21)}…` : row.label}
              </text>
              <rect x={labelWidth} y={y + 4} width={Math.max(1, barWidth)} height={rowHeight - 8} fill="#3b82f6" />
              <text x={labelWidth + barWidth + 6} y={y + 15} fontSize="12" fill="currentColor">
                {row.value.toLocaleString()} {unit}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="muted small">{title}</figcaption>
    </figure>
  );
}
