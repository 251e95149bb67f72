'use client';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { StackedSeries } from '@/server/analytics/prepare-cost';
import { axisTick, colorFor, timeFmt } from './palette';

/**
 * Draws a prepared stacked series. Buckets are drawn as bars (a bucket is a sum over its period; an
 * area would ramp between buckets and suggest traffic where there was none). Decides nothing.
 * `integer`: the values are counts, so the axis steps by whole numbers.
 */
export function StackedChart({ data, kind, valueFormat, label, integer }: { data: StackedSeries; kind: 'area' | 'bar'; valueFormat?: (v: unknown) => string; label: string; integer?: boolean }) {
  const fmt = valueFormat ?? ((v: unknown) => String(v));
  return (
    <div role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={260}>
        {kind === 'area' ? (
          <AreaChart data={data.points} margin={{ top: 8, right: 12, left: 4, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#eef0f4" />
            <XAxis dataKey="t" tick={axisTick} tickFormatter={timeFmt} minTickGap={24} />
            <YAxis tick={axisTick} tickFormatter={fmt} width={64} />
            <Tooltip formatter={(v) => fmt(v)} />
            <Legend />
            {data.keys.map((k, i) => (
               <Area key={k} type="stepAfter" dataKey={k} stackId="1" stroke={colorFor(k, i)} fill={colorFor(k, i)} fillOpacity={0.35} isAnimationActive={false} />
            ))}
          </AreaChart>
        ) : (
          <BarChart data={data.points} margin={{ top: 8, right: 12, left: 4, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#eef0f4" />
            <XAxis dataKey="t" tick={axisTick} tickFormatter={timeFmt} minTickGap={24} />
            <YAxis tick={axisTick} tickFormatter={fmt} width={64} allowDecimals={!integer} />
            <Tooltip formatter={(v) => fmt(v)} />
            <Legend />
            {data.keys.map((k, i) => (
              <Bar key={k} dataKey={k} stackId="1" fill={colorFor(k, i)} isAnimationActive={false} />
            ))}
          </BarChart>
        )}
      </ResponsiveContainer>
    </div>
  );
}
