import { Text } from "@mantine/core";

/**
 * A small SVG line of a series (followers over time), no chart library: points placed by time on x and
 * scaled between the series' min and max on y, the last point marked. A flat or single-point series is a
 * flat line in the middle.
 */
export function FollowersSparkline({
  points,
  label,
  emptyLabel,
  width = 320,
  height = 56,
}: {
  points: { at: string; value: number }[];
  label: string;
  emptyLabel: string;
  width?: number;
  height?: number;
}) {
  if (points.length === 0) {
    return (
      <Text size="xs" c="dimmed">
        {emptyLabel}
      </Text>
    );
  }
  const pad = 4;
  const times = points.map((p) => new Date(p.at).getTime());
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const values = points.map((p) => p.value);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const x = (t: number) => (t1 === t0 ? width / 2 : pad + ((t - t0) / (t1 - t0)) * (width - 2 * pad));
  const y = (v: number) => (hi === lo ? height / 2 : pad + (1 - (v - lo) / (hi - lo)) * (height - 2 * pad));
  const coords = points.map((p, i) => [x(times[i] as number), y(p.value)] as const);
  const line = coords.map(([cx, cy], i) => `${i === 0 ? "M" : "L"}${cx.toFixed(1)},${cy.toFixed(1)}`).join(" ");
  const area = `${line} L${coords[coords.length - 1]?.[0].toFixed(1)},${height} L${coords[0]?.[0].toFixed(1)},${height} Z`;
  const last = coords[coords.length - 1] as readonly [number, number];
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      height={height}
      preserveAspectRatio="none"
      data-testid="followers-sparkline"
    >
      <title>{label}</title>
      {coords.length > 1 && <path d={area} fill="var(--mantine-color-blue-1)" stroke="none" />}
      <path
        d={coords.length > 1 ? line : `M${pad},${height / 2} L${width - pad},${height / 2}`}
        fill="none"
        stroke="var(--mantine-color-blue-6)"
        strokeWidth={2}
        vectorEffect="non-scaling-stroke"
      />
      <circle cx={last[0]} cy={last[1]} r={3} fill="var(--mantine-color-blue-7)" />
    </svg>
  );
}
