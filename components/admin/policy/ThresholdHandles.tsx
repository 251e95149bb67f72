'use client';
import type { CSSProperties } from 'react';
import type { Policy } from '@/server/routing/policy';
import { Field, invalid } from '../../Field';
import css from './ThresholdHandles.module.css';

type T = Policy['thresholds'];
type Key = keyof T;
type Bin = { x0: number; x1: number; count: number };
const KEYS: Key[] = ['t1', 't2', 't3'];
const COLORS: Record<Key, string> = { t1: '#22a06b', t2: '#2f80ed', t3: '#8e44ad' };
const NAMES: Record<Key, string> = { t1: 'small → medium', t2: 'medium → large', t3: 'large → research' };
/** Half the thumb width: the chart is inset by it so a thumb's centre sits exactly on its line. */
const INSET = 9;
const H = 130;

const finite = (x: number) => (Number.isFinite(x) ? x : 0);
/** Horizontal position of a score inside the inset chart, as CSS. */
const at = (v: number): string => `calc(${INSET}px + ${Math.min(1, Math.max(0, finite(v)))} * (100% - ${2 * INSET}px))`;

/** Share of the scores (from the histogram) in [lo, hi). */
export function shareBetween(bins: readonly Bin[] | undefined, lo: number, hi: number): number | null {
  const total = (bins ?? []).reduce((s, b) => s + b.count, 0);
  if (!total) return null;
  return (bins ?? []).filter((b) => (b.x0 + b.x1) / 2 >= lo && (b.x0 + b.x1) / 2 < hi).reduce((s, b) => s + b.count, 0) / total;
}

/**
 * The three thresholds as handles over the histogram of recent complexity scores. Each handle is a
 * native range input laid over the chart (drag it, or focus it and use the arrows / PageUp /
 * PageDown / Home / End); the number fields below take exact values.
 */
export function ThresholdHandles({ value, onChange, bins, errors }: { value: T; onChange: (t: T) => void; bins: Bin[] | undefined; errors: Record<string, string> }) {
  const max = Math.max(1, ...(bins ?? []).map((b) => b.count));
  const total = (bins ?? []).reduce((s, b) => s + b.count, 0);
  const bands = [
    { name: 'small', lo: 0, hi: value.t1 },
    { name: 'medium', lo: value.t1, hi: value.t2 },
    { name: 'large', lo: value.t2, hi: value.t3 },
    { name: 'research', lo: value.t3, hi: 1.0001 },
  ];
  const below = (k: Key) => shareBetween(bins, 0, value[k]);
  const set = (k: Key, v: number) => onChange({ ...value, [k]: v });

  return (
    <div>
      <div className={css.chart}>
        <div style={{ position: 'relative', height: 16 }} aria-hidden="true">
          {KEYS.map((k) => (
            <span key={k} className="small" style={{ position: 'absolute', left: at(value[k]), transform: 'translateX(-50%)', color: COLORS[k], fontWeight: 600, whiteSpace: 'nowrap' }}>
              {k} {Number.isFinite(value[k]) ? value[k].toFixed(2) : '?'}
            </span>
          ))}
        </div>
        <svg viewBox={`0 0 1000 ${H}`} preserveAspectRatio="none" style={{ height: H }} role="img"
          aria-label={`Histogram of ${total} recent complexity scores from 0 to 1, with thresholds t1 ${value.t1}, t2 ${value.t2}, t3 ${value.t3}`}>
          {(bins ?? []).map((b, i) => (
            <rect key={i} x={b.x0 * 1000 + 1} width={Math.max(1, (b.x1 - b.x0) * 1000 - 2)} y={H - (b.count / max) * (H - 4)} height={(b.count / max) * (H - 4)} fill="#c7d2fe" />
          ))}
          {KEYS.map((k) => (
            <line key={k} x1={finite(value[k]) * 1000} x2={finite(value[k]) * 1000} y1={0} y2={H} stroke={COLORS[k]} strokeWidth={3} vectorEffect="non-scaling-stroke" />
          ))}
          <line x1={0} x2={1000} y1={H - 0.5} y2={H - 0.5} stroke="#94a3b8" vectorEffect="non-scaling-stroke" />
        </svg>
        <div style={{ position: 'relative', height: 18 }} aria-hidden="true">
          {[0, 0.25, 0.5, 0.75, 1].map((x) => (
            <span key={x} className="small muted" style={{ position: 'absolute', left: at(x), transform: 'translateX(-50%)', top: 4 }}>{x}</span>
          ))}
        </div>
        <div className={css.handles} style={{ top: 16 + H - 11 }}>
          {KEYS.map((k) => {
            const share = below(k);
            return (
              <input
                key={k}
                type="range"
                className={css.handle}
                style={{ '--handle': COLORS[k] } as CSSProperties}
                aria-label={`${k} handle (${NAMES[k]})`}
                aria-valuetext={`${k} ${Number.isFinite(value[k]) ? value[k].toFixed(2) : 'not set'}${share === null ? '' : `, ${Math.round(share * 100)}% of recent traffic below`}`}
                min={0}
                max={1}
                step={0.01}
                value={finite(value[k])}
                onChange={(e) => set(k, Number(e.target.value))}
                {...invalid(`th-${k}`, errors[`thresholds.${k}`])}
              />
            );
          })}
        </div>
      </div>
      {!total && <p className="small muted">No scored decisions yet: the histogram fills in as traffic arrives.</p>}
      <div className="grid grid-4" style={{ marginTop: 10 }}>
        {KEYS.map((k) => (
          <Field key={k} id={`th-${k}`} label={`${k} value (${NAMES[k]})`} error={errors[`thresholds.${k}`]}>
            <input
              id={`th-${k}`}
              type="number"
              min={0}
              max={1}
              step={0.01}
              value={Number.isFinite(value[k]) ? value[k] : ''}
              onChange={(e) => set(k, e.target.value === '' ? Number.NaN : Number(e.target.value))}
              style={{ borderLeft: `4px solid ${COLORS[k]}` }}
              {...invalid(`th-${k}`, errors[`thresholds.${k}`])}
            />
          </Field>
        ))}
        <div className="small muted" aria-label="Share of recent traffic per target">
          Share of recent traffic per target:
          {bands.map((b) => {
            const s = shareBetween(bins, b.lo, b.hi);
            return <div key={b.name}>{b.name}: {s === null ? '–' : `${Math.round(s * 100)}%`}</div>;
          })}
        </div>
      </div>
    </div>
  );
}
