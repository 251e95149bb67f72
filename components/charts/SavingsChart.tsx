'use client';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SavingsSummary } from '@/server/analytics/prepare-cost';
import { axisTick, timeFmt, usdFmt } from './palette';

/** Savings per bucket (bars) and cumulative savings (steps: it only changes at a bucket) against the always-large baseline. */
export function SavingsChart({ data }: { data: SavingsSummary }) {
  return (
    <div role="img" aria-label="Savings against always using the large tier">
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={data.points} margin={{ top: 8, right: 12, left: 4, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#eef0f4" />
          <XAxis dataKey="t" tick={axisTick} tickFormatter={timeFmt} minTickGap={24} />
          <YAxis yAxisId="l" tick={axisTick} tickFormatter={usdFmt} width={64} />
          <YAxis yAxisId="r" orientation="right" tick={axisTick} tickFormatter={usdFmt} width={64} />
          <Tooltip formatter={(v) => usdFmt(v)} />
          <Legend />
          <Bar yAxisId="l" dataKey="saved" name="saved" fill="#22a06b" isAnimationActive={false} />
          <Bar yAxisId="l" dataKey="cost" name="spent" fill="#c7cbe0" isAnimationActive={false} />
          <Line yAxisId="r" type="stepAfter" dataKey="cumulativeSaved" name="cumulative saved (right axis)" stroke="#4f46e5" dot={{ r: 2, fill: '#4f46e5' }} strokeWidth={2} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
