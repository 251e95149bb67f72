'use client';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { StackedSeries } from '@/server/analytics/prepare-cost';
import { axisTick, colorFor, timeFmt } from './palette';

/** Draws a prepared stacked series as areas (cost) or bars (traffic). Decides nothing. */
export function StackedChart({ data, kind, valueFormat, label }: { data: StackedSeries; kind: 'area' | 'bar'; valueFormat?: (v: unknown) => string; label: string }) {
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
              <Area key={k} type="monotone" dataKey={k} stackId="1" stroke={colorFor(k, i)} fill={colorFor(k, i)} fillOpacity={0.35} isAnimationActive={false} />
            ))}
          </AreaChart>
        ) : (
          <BarChart data={data.points} margin={{ top: 8, right: 12, left: 4, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#eef0f4" />
            <XAxis dataKey="t" tick={axisTick} tickFormatter={timeFmt} minTickGap={24} />
            <YAxis tick={axisTick} tickFormatter={fmt} width={64} />
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
