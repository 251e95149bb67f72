'use client';
import type { Policy } from '@/server/routing/policy';
import { Field, invalid } from '../../Field';

type T = Policy['thresholds'];
const W = 640;
const H = 120;
const COLORS = { t1: '#22a06b', t2: '#2f80ed', t3: '#8e44ad' } as const;

/**
 * The three thresholds as handles over the histogram of recent complexity scores. Each handle is a
 * native range input (keyboard: arrows / PageUp / PageDown), drawn as a line over the bars.
 */
export function ThresholdHandles({ value, onChange, bins, errors }: { value: T; onChange: (t: T) => void; bins: { x0: number; x1: number; count: number }[] | undefined; errors: Record<string, string> }) {
  const max = Math.max(1, ...(bins ?? []).map((b) => b.count));
  const total = (bins ?? []).reduce((s, b) => s + b.count, 0);
  const share = (lo: number, hi: number) =>
    total ? (bins ?? []).filter((b) => (b.x0 + b.x1) / 2 >= lo && (b.x0 + b.x1) / 2 < hi).reduce((s, b) => s + b.count, 0) / total : null;
  const bands = [
    { name: 'small', lo: 0, hi: value.t1 },
    { name: 'medium', lo: value.t1, hi: value.t2 },
    { name: 'large', lo: value.t2, hi: value.t3 },
    { name: 'research', lo: value.t3, hi: 1.0001 },
  ];
  return (
    <div>
      <svg viewBox={`0 0 ${W} ${H + 18}`} width="100%" role="img" aria-label={`Histogram of ${total} recent complexity scores with thresholds ${value.t1}, ${value.t2}, ${value.t3}`}>
        {(bins ?? []).map((b, i) => (
          <rect key={i} x={b.x0 * W + 1} width={Math.max(1, (b.x1 - b.x0) * W - 2)} y={H - (b.count / max) * H} height={(b.count / max) * H} fill="#c7d2fe" />
        ))}
        {(['t1', 't2', 't3'] as const).map((k) => (
          <g key={k}>
            <line x1={value[k] * W} x2={value[k] * W} y1={0} y2={H} stroke={COLORS[k]} strokeWidth={3} />
            <text x={Math.min(W - 60, value[k] * W + 4)} y={12} fontSize={11} fill={COLORS[k]}>{k} {Number.isFinite(value[k]) ? value[k].toFixed(2) : '?'}</text>
          </g>
        ))}
        <line x1={0} x2={W} y1={H} y2={H} stroke="#94a3b8" />
        {[0, 0.25, 0.5, 0.75, 1].map((x) => <text key={x} x={Math.min(W - 14, x * W)} y={H + 14} fontSize={10} fill="#5d6478">{x}</text>)}
      </svg>
      {!total && <p className="small muted">No scored decisions yet: the histogram fills in as traffic arrives.</p>}
      <div className="grid grid-4" style={{ marginTop: 8 }}>
        {(['t1', 't2', 't3'] as const).map((k) => (
          <Field key={k} id={`th-${k}`} label={`${k} (${k === 't1' ? 'small → medium' : k === 't2' ? 'medium → large' : 'large → research'})`} error={errors[`thresholds.${k}`]}>
            <div className="row" style={{ flexWrap: 'nowrap' }}>
              <input
                id={`th-${k}`}
                type="range"
                min={0}
                max={1}
                step={0.01}
                value={Number.isFinite(value[k]) ? value[k] : 0}
                onChange={(e) => onChange({ ...value, [k]: Number(e.target.value) })}
                style={{ flex: 1, accentColor: COLORS[k] }}
                {...invalid(`th-${k}`, errors[`thresholds.${k}`])}
              />
              <input
                aria-label={`${k} value`}
                type="number"
                min={0}
                max={1}
                step={0.01}
                value={Number.isFinite(value[k]) ? value[k] : ''}
                onChange={(e) => onChange({ ...value, [k]: e.target.value === '' ? Number.NaN : Number(e.target.value) })}
                style={{ width: 72 }}
              />
            </div>
          </Field>
        ))}
        <div className="small muted">
          Share of recent traffic per target:
          {bands.map((b) => (
            <div key={b.name}>
              {b.name}: {(() => {
                const s = share(b.lo, b.hi);
                return s === null ? '–' : `${Math.round(s * 100)}%`;
              })()}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
