'use client';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { axisTick, pctFmt, timeFmt } from './palette';

export interface RateLine {
  key: string;
  name: string;
  color: string;
  /** Step lines for thresholds, smooth for rates. */
  step?: boolean;
  dashed?: boolean;
}

/**
 * Rates in [0, 1] per bucket; null values are gaps (no traffic), not zeros. Each bucket's value is
 * a dot (a single bucket is still visible), joined as steps rather than curves that would invent
 * values between buckets.
 */
export function RateChart({ points, lines, label, height = 240 }: { points: readonly object[]; lines: RateLine[]; label: string; height?: number }) {
  return (
    <div role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={height}>
        <LineChart data={points as object[]} margin={{ top: 8, right: 12, left: 4, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#eef0f4" />
          <XAxis dataKey="t" tick={axisTick} tickFormatter={timeFmt} minTickGap={24} />
          <YAxis domain={[0, 1]} tick={axisTick} tickFormatter={pctFmt} width={48} />
          <Tooltip formatter={(v) => pctFmt(v)} />
          <Legend />
          {lines.map((l) => (
            <Line key={l.key} type={l.step ? 'stepAfter' : 'linear'} dataKey={l.key} name={l.name} stroke={l.color} strokeDasharray={l.dashed ? '5 4' : undefined} dot={{ r: 3, fill: l.color }} strokeWidth={2} connectNulls={false} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
