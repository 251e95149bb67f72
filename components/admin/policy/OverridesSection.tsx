'use client';
// Per-API-key overrides: routing thresholds (blank = the policy's) and the cache similarity threshold
// of that key's scope. Errors come back at their own zod paths (apiKeyOverrides.<i>.…).
import type { Policy } from '@/server/routing/policy';
import { Field, invalid } from '../../Field';

type Override = Policy['apiKeyOverrides'][number];
type Errs = Record<string, string>;
const optNum = (s: string) => (s.trim() === '' ? undefined : Number(s));

const OVERRIDE_NAMES = { t1: 'small → medium', t2: 'medium → large', t3: 'large → research' } as const;

export function OverridesSection({ p, set, errs, apiKeys }: { p: Policy; set: (p: Policy) => void; errs: Errs; apiKeys: { id: string; name: string }[] }) {
  const upd = (i: number, o: Override) => set({ ...p, apiKeyOverrides: p.apiKeyOverrides.map((x, j) => (j === i ? o : x)) });
  const withT = (o: Override, k: 't1' | 't2' | 't3', v: number | undefined): Override => {
    const { [k]: _drop, ...rest } = o.thresholds;
    return { ...o, thresholds: v === undefined ? rest : { ...rest, [k]: v } };
  };
  const withCache = (o: Override, v: number | undefined): Override => {
    const { cacheSimilarityThreshold: _drop, ...rest } = o;
    return v === undefined ? rest : { ...rest, cacheSimilarityThreshold: v };
  };
  return (
    <div className="stack">
      {p.apiKeyOverrides.length === 0 && <p className="muted small">No per-key overrides: every key uses the thresholds above.</p>}
      {p.apiKeyOverrides.map((o, i) => {
        const e = (path: string) => errs[`apiKeyOverrides.${i}.${path}`];
        return (
          <div key={i} className="filters">
            <Field id={`ovr-${i}-key`} label="API key" error={e('apiKeyId')}>
              <select id={`ovr-${i}-key`} value={o.apiKeyId} onChange={(ev) => upd(i, { ...o, apiKeyId: ev.target.value })} {...invalid(`ovr-${i}-key`, e('apiKeyId'))}>
                <option value="">choose a key</option>
                {apiKeys.map((k) => <option key={k.id} value={k.id}>{k.name}</option>)}
              </select>
            </Field>
            {(['t1', 't2', 't3'] as const).map((k) => (
              <Field key={k} id={`ovr-${i}-${k}`} label={`${k}: ${OVERRIDE_NAMES[k]} (blank = policy)`} error={e(`thresholds.${k}`) ?? (k === 't3' ? e('thresholds') : undefined)}>
                <input id={`ovr-${i}-${k}`} type="number" step="0.01" value={o.thresholds[k] ?? ''} onChange={(ev) => upd(i, withT(o, k, optNum(ev.target.value)))} {...invalid(`ovr-${i}-${k}`, e(`thresholds.${k}`))} />
              </Field>
            ))}
            <Field id={`ovr-${i}-cache`} label="Cache similarity (blank = policy)" error={e('cacheSimilarityThreshold')}>
              <input id={`ovr-${i}-cache`} type="number" step="0.01" value={o.cacheSimilarityThreshold ?? ''} onChange={(ev) => upd(i, withCache(o, optNum(ev.target.value)))} {...invalid(`ovr-${i}-cache`, e('cacheSimilarityThreshold'))} />
            </Field>
            <button type="button" className="secondary" aria-label={`Remove override ${i + 1}`} onClick={() => set({ ...p, apiKeyOverrides: p.apiKeyOverrides.filter((_, j) => j !== i) })}>Remove</button>
          </div>
        );
      })}
      <div>
        <button type="button" className="secondary" onClick={() => set({ ...p, apiKeyOverrides: [...p.apiKeyOverrides, { apiKeyId: '', thresholds: {} }] })}>Add override</button>
      </div>
    </div>
  );
}
