'use client';
// Per-key rate limits of the policy form: requests and tokens per minute (either may be empty).
// Enforced across all replicas when they share Redis (server/coord).
import type { Policy } from '@/server/routing/policy';
import { Field, invalid } from '../../Field';

type Limit = Policy['rateLimits'][number];

const optNum = (s: string) => (s.trim() === '' ? undefined : Number(s));

export function RateLimitsSection({ p, set, errs, apiKeys }: { p: Policy; set: (p: Policy) => void; errs: Record<string, string>; apiKeys: { id: string; name: string }[] }) {
  const upd = (i: number, l: Limit) => set({ ...p, rateLimits: p.rateLimits.map((x, j) => (j === i ? l : x)) });
  return (
    <div className="stack">
      {p.rateLimits.length === 0 && <p className="muted small">No rate limits: keys are limited by tier capacity and budgets only.</p>}
      {p.rateLimits.map((l, i) => (
        <div key={i} className="filters">
          <Field id={`rate-${i}-key`} label="API key" error={errs[`rateLimits.${i}.apiKeyId`]}>
            <select id={`rate-${i}-key`} value={l.apiKeyId} onChange={(e) => upd(i, { ...l, apiKeyId: e.target.value })} {...invalid(`rate-${i}-key`, errs[`rateLimits.${i}.apiKeyId`])}>
              <option value="">choose a key</option>
              {apiKeys.map((k) => <option key={k.id} value={k.id}>{k.name}</option>)}
            </select>
          </Field>
          <Field id={`rate-${i}-rpm`} label="Requests per minute" error={errs[`rateLimits.${i}.requestsPerMinute`]}>
            <input id={`rate-${i}-rpm`} type="number" step="1" min="1" value={l.requestsPerMinute ?? ''} onChange={(e) => upd(i, { ...l, requestsPerMinute: optNum(e.target.value) })} {...invalid(`rate-${i}-rpm`, errs[`rateLimits.${i}.requestsPerMinute`])} />
          </Field>
          <Field id={`rate-${i}-tpm`} label="Tokens per minute" error={errs[`rateLimits.${i}.tokensPerMinute`]}>
            <input id={`rate-${i}-tpm`} type="number" step="1" min="1" value={l.tokensPerMinute ?? ''} onChange={(e) => upd(i, { ...l, tokensPerMinute: optNum(e.target.value) })} {...invalid(`rate-${i}-tpm`, errs[`rateLimits.${i}.tokensPerMinute`])} />
          </Field>
          <button type="button" className="secondary" aria-label={`Remove rate limit ${i + 1}`} onClick={() => set({ ...p, rateLimits: p.rateLimits.filter((_, j) => j !== i) })}>Remove</button>
        </div>
      ))}
      <div>
        <button type="button" className="secondary" onClick={() => set({ ...p, rateLimits: [...p.rateLimits, { apiKeyId: '', requestsPerMinute: 60 }] })}>Add rate limit</button>
      </div>
    </div>
  );
}
