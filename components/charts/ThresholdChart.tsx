'use client';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ThresholdHistory } from '@/server/analytics/prepare-quality';
import { axisTick, pctFmt } from './palette';

const LINES = [
  { key: 't1', name: 'small → medium at', color: '#94a3b8' },
  { key: 't2', name: 'medium → large at', color: '#64748b' },
  { key: 't3', name: 'large → research at', color: '#334155' },
] as const;

/** UTC labels: "MM-DD" for day buckets, "DD HH:MM" for hour buckets. */
function utcLabel(ms: number, g: 'hour' | 'day'): string {
  const iso = new Date(ms).toISOString();
  return g === 'day' ? iso.slice(5, 10) : `${iso.slice(8, 10)} ${iso.slice(11, 16)}`;
}

/**
 * Success rate per bucket and the routing thresholds as steps at their exact activation times, on
 * a time axis (UTC): a change inside a bucket — say a version rolled back two hours after it went
 * live — shows where it happened instead of being folded into one value per bucket.
 */
export function ThresholdChart({ history, granularity, height = 240 }: { history: ThresholdHistory; granularity: 'hour' | 'day'; height?: number }) {
  const xs = [...history.success.map((p) => p.at), ...history.steps.map((s) => s.at)];
  // One instant (a single bucket, no change in range) would be a zero-wide axis: nothing drawn.
  const lo = xs.length ? Math.min(...xs) : 0;
  const hi = xs.length ? Math.max(...xs) : 1;
  const pad = hi > lo ? 0 : granularity === 'day' ? 43_200_000 : 1_800_000;
  const domain: [number, number] = [lo - pad, hi + pad];
  return (
    <div role="img" aria-label="Success rate with the routing thresholds active over time (UTC)">
      <ResponsiveContainer width="100%" height={height}>
        <LineChart margin={{ top: 8, right: 12, left: 4, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#eef0f4" />
          <XAxis dataKey="at" type="number" scale="time" domain={domain} tick={axisTick} tickFormatter={(v) => utcLabel(Number(v), granularity)} minTickGap={24} allowDuplicatedCategory={false} />
          <YAxis domain={[0, 1]} tick={axisTick} tickFormatter={pctFmt} width={48} />
          <Tooltip labelFormatter={(v) => `${new Date(Number(v)).toISOString().slice(0, 16).replace('T', ' ')} UTC`} formatter={(v) => pctFmt(v)} />
          <Legend />
          <Line data={history.success} dataKey="success" name="success rate (rated answers)" type="linear" stroke="#22a06b" dot={{ r: 3, fill: '#22a06b' }} strokeWidth={2} connectNulls={false} isAnimationActive={false} />
          {LINES.map((l) => (
            <Line key={l.key} data={history.steps} dataKey={l.key} name={l.name} type="stepAfter" stroke={l.color} strokeDasharray="5 4" dot={false} strokeWidth={2} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
      {history.steps.length > 0 && (
        <p className="small muted" style={{ margin: '4px 0 0' }}>
          Thresholds at the end of the range: small below {history.steps[history.steps.length - 1].t1} · medium below {history.steps[history.steps.length - 1].t2} · large below{' '}
          {history.steps[history.steps.length - 1].t3} · research above.
        </p>
      )}
      {history.steps.length > 2 && (
        <p className="small muted" style={{ margin: '4px 0 0' }}>
          Policy changes in range:{' '}
          {history.steps.slice(1, -1).map((s) => `v${s.version ?? '?'} at ${new Date(s.at).toISOString().slice(0, 16).replace('T', ' ')}`).join(', ')} (UTC)
        </p>
      )}
    </div>
  );
}
