'use client';
import { Bar, BarChart, CartesianGrid, Cell, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { axisTick, colorFor } from './palette';

/** Grouped bars over a category axis (latency by tier, reasons, tier mix). */
export function BarsChart({
  data,
  category,
  bars,
  label,
  format,
  colorByCategory,
  height = 240,
}: {
  data: readonly object[];
  category: string;
  bars: Array<{ key: string; name: string; color: string }>;
  label: string;
  format?: (v: unknown) => string;
  colorByCategory?: boolean;
  height?: number;
}) {
  const fmt = format ?? ((v: unknown) => String(v));
  return (
    <div role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={data as object[]} margin={{ top: 8, right: 12, left: 4, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#eef0f4" />
          <XAxis dataKey={category} tick={axisTick} />
          <YAxis tick={axisTick} tickFormatter={fmt} width={64} />
          <Tooltip formatter={(v) => fmt(v)} />
          {bars.length > 1 && <Legend />}
          {bars.map((b) => (
            <Bar key={b.key} dataKey={b.key} name={b.name} fill={b.color} isAnimationActive={false}>
              {colorByCategory &&
                (data as Array<Record<string, unknown>>).map((d, i) => <Cell key={i} fill={colorFor(String(d[category]), i)} />)}
            </Bar>
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
