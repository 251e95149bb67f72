'use client';
// The non-threshold parts of the policy form. Each control reports errors at its own zod path.
import type { Policy } from '@/server/routing/policy';
import { ROUTE_TARGETS } from '@/server/routing/policy';
import { Field, invalid } from '../../Field';

type Set = (p: Policy) => void;
type Errs = Record<string, string>;
const BANDS = ['small', 'medium', 'large'] as const;
const numOrNaN = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));
/** First error at or below a path (e.g. any link of an escalation chain). */
const under = (errs: Errs, prefix: string) => Object.entries(errs).find(([k]) => k === prefix || k.startsWith(`${prefix}.`))?.[1];

export function TargetsSection({ p, set, errs, tiers }: { p: Policy; set: Set; errs: Errs; tiers: string[] }) {
  const names = [...new Set([...tiers, ...BANDS.map((b) => p.targets[b])])];
  return (
    <div className="grid grid-4">
      {BANDS.map((b) => (
        <Field key={b} id={`target-${b}`} label={`${b} band → tier`} error={errs[`targets.${b}`]}>
          <select id={`target-${b}`} value={p.targets[b]} onChange={(e) => set({ ...p, targets: { ...p.targets, [b]: e.target.value } })} {...invalid(`target-${b}`, errs[`targets.${b}`])}>
            {names.map((n) => <option key={n}>{n}</option>)}
          </select>
        </Field>
      ))}
      {BANDS.map((b) => (
        <Field key={`esc-${b}`} id={`esc-${b}`} label={`Escalation after ${b}`} hint="tier names, comma separated" error={under(errs, `escalation.${b}`)}>
          <input
            id={`esc-${b}`}
            value={p.escalation[b].join(', ')}
            onChange={(e) => set({ ...p, escalation: { ...p.escalation, [b]: e.target.value.split(',').map((s) => s.trim()).filter(Boolean) } })}
            {...invalid(`esc-${b}`, under(errs, `escalation.${b}`))}
          />
        </Field>
      ))}
    </div>
  );
}

export function RulesSection({ p, set, errs }: { p: Policy; set: Set; errs: Errs }) {
  const upd = (i: number, r: Policy['rules'][number]) => set({ ...p, rules: p.rules.map((x, j) => (j === i ? r : x)) });
  return (
    <div className="stack">
      {p.rules.length === 0 && <p className="muted small">No rules: every request follows the thresholds.</p>}
      {p.rules.map((r, i) => (
        <div key={i} className="filters" style={{ borderBottom: '1px solid var(--line)', paddingBottom: 10 }}>
          <Field id={`rule-${i}-id`} label="Rule id" error={errs[`rules.${i}.id`]}>
            <input id={`rule-${i}-id`} value={r.id} onChange={(e) => upd(i, { ...r, id: e.target.value })} {...invalid(`rule-${i}-id`, errs[`rules.${i}.id`])} />
          </Field>
          <Field id={`rule-${i}-kw`} label="Keyword" error={errs[`rules.${i}.match.keyword`]}>
            <input id={`rule-${i}-kw`} value={r.match.keyword ?? ''} onChange={(e) => upd(i, { ...r, match: { ...r.match, keyword: e.target.value || undefined } })} />
          </Field>
          <Field id={`rule-${i}-re`} label="Regex" error={errs[`rules.${i}.match.regex`]}>
            <input id={`rule-${i}-re`} value={r.match.regex ?? ''} onChange={(e) => upd(i, { ...r, match: { ...r.match, regex: e.target.value || undefined } })} {...invalid(`rule-${i}-re`, errs[`rules.${i}.match.regex`])} />
          </Field>
          <Field id={`rule-${i}-act`} label="Action">
            <select id={`rule-${i}-act`} value={r.action.type} onChange={(e) => upd(i, { ...r, action: { ...r.action, type: e.target.value as 'force' | 'forbid' } })}>
              <option value="force">force</option>
              <option value="forbid">forbid</option>
            </select>
          </Field>
          <Field id={`rule-${i}-tgt`} label="Target">
            <select id={`rule-${i}-tgt`} value={r.action.target} onChange={(e) => upd(i, { ...r, action: { ...r.action, target: e.target.value as Policy['rules'][number]['action']['target'] } })}>
              {ROUTE_TARGETS.map((t) => <option key={t}>{t}</option>)}
            </select>
          </Field>
          <button type="button" className="secondary" aria-label={`Remove rule ${r.id || i + 1}`} onClick={() => set({ ...p, rules: p.rules.filter((_, j) => j !== i) })}>Remove</button>
        </div>
      ))}
      <div>
        <button type="button" className="secondary" onClick={() => set({ ...p, rules: [...p.rules, { id: `rule-${p.rules.length + 1}`, description: '', match: { keyword: '' }, action: { type: 'force', target: 'large' } }] })}>
          Add rule
        </button>
      </div>
    </div>
  );
}

export function BudgetsSection({ p, set, errs, apiKeys }: { p: Policy; set: Set; errs: Errs; apiKeys: { id: string; name: string }[] }) {
  const upd = (i: number, b: Policy['budgets'][number]) => set({ ...p, budgets: p.budgets.map((x, j) => (j === i ? b : x)) });
  return (
    <div className="stack">
      {p.budgets.length === 0 && <p className="muted small">No budgets.</p>}
      {p.budgets.map((b, i) => (
        <div key={i} className="filters">
          <Field id={`budget-${i}-key`} label="API key" error={errs[`budgets.${i}.apiKeyId`]}>
            <select id={`budget-${i}-key`} value={b.apiKeyId} onChange={(e) => upd(i, { ...b, apiKeyId: e.target.value })} {...invalid(`budget-${i}-key`, errs[`budgets.${i}.apiKeyId`])}>
              <option value="">choose a key</option>
              {apiKeys.map((k) => <option key={k.id} value={k.id}>{k.name}</option>)}
            </select>
          </Field>
          <Field id={`budget-${i}-usd`} label="USD per month" error={errs[`budgets.${i}.monthlyUsd`]}>
            <input id={`budget-${i}-usd`} type="number" step="any" value={Number.isFinite(b.monthlyUsd) ? b.monthlyUsd : ''} onChange={(e) => upd(i, { ...b, monthlyUsd: numOrNaN(e.target.value) })} {...invalid(`budget-${i}-usd`, errs[`budgets.${i}.monthlyUsd`])} />
          </Field>
          <Field id={`budget-${i}-down`} label="Downgrade at (share)" error={errs[`budgets.${i}.downgradeAt`]}>
            <input id={`budget-${i}-down`} type="number" step="0.05" value={Number.isFinite(b.downgradeAt) ? b.downgradeAt : ''} onChange={(e) => upd(i, { ...b, downgradeAt: numOrNaN(e.target.value) })} {...invalid(`budget-${i}-down`, errs[`budgets.${i}.downgradeAt`])} />
          </Field>
          <button type="button" className="secondary" aria-label={`Remove budget ${i + 1}`} onClick={() => set({ ...p, budgets: p.budgets.filter((_, j) => j !== i) })}>Remove</button>
        </div>
      ))}
      <div>
        <button type="button" className="secondary" onClick={() => set({ ...p, budgets: [...p.budgets, { apiKeyId: '', monthlyUsd: 100, downgradeAt: 0.8 }] })}>Add budget</button>
      </div>
    </div>
  );
}

export function SettingsSection({ p, set, errs }: { p: Policy; set: Set; errs: Errs }) {
  const v = p.validators;
  const num = (id: string, label: string, path: string, value: number, onVal: (n: number) => void, step = '0.01', hint?: string) => (
    <Field id={id} label={label} error={errs[path]} hint={hint}>
      <input id={id} type="number" step={step} value={Number.isFinite(value) ? value : ''} onChange={(e) => onVal(numOrNaN(e.target.value))} {...invalid(id, errs[path])} />
    </Field>
  );
  return (
    <div className="grid grid-4">
      <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
        <legend style={{ fontWeight: 550, fontSize: 12.5, marginBottom: 4 }}>Answer validators</legend>
        {(['empty', 'refusal', 'truncated', 'json'] as const).map((k) => (
          <label key={k} className="checkbox" htmlFor={`val-${k}`}>
            <input id={`val-${k}`} type="checkbox" checked={v[k]} onChange={(e) => set({ ...p, validators: { ...v, [k]: e.target.checked } })} /> {k}
          </label>
        ))}
      </fieldset>
      <Field id="val-logprob" label="Minimum answer confidence (blank = off)" hint="mean token log-probability, e.g. -1.5; answers below it escalate (tiers that report logprobs only)" error={errs['validators.minLogprob']}>
        <input id="val-logprob" type="number" step="0.1" value={v.minLogprob ?? ''} onChange={(e) => set({ ...p, validators: { ...v, minLogprob: e.target.value === '' ? null : Number(e.target.value) } })} {...invalid('val-logprob', errs['validators.minLogprob'])} />
      </Field>
      <div className="field">
        <span style={{ fontWeight: 550, fontSize: 12.5, marginBottom: 4 }}>Cache</span>
        <label className="checkbox" htmlFor="cache-on">
          <input id="cache-on" type="checkbox" checked={p.cache.enabled} onChange={(e) => set({ ...p, cache: { ...p.cache, enabled: e.target.checked } })} /> enabled
        </label>
      </div>
      {num('cache-threshold', 'Cache similarity threshold', 'cache.similarityThreshold', p.cache.similarityThreshold, (n) => set({ ...p, cache: { ...p.cache, similarityThreshold: n } }), '0.01', 'how alike a new question must be to a stored one (0.5–1) to reuse its answer')}
      {num('cache-ttl', 'Keep cached answers for (seconds)', 'cache.ttlSeconds', p.cache.ttlSeconds, (n) => set({ ...p, cache: { ...p.cache, ttlSeconds: n } }), '1', 'after this an answer is asked again')}
      <Field id="tuner-mode" label="Tuner mode" hint="moves the thresholds from ratings: off, propose changes for an admin to approve, or apply them" error={errs['tuner.mode']}>
        <select id="tuner-mode" value={p.tuner.mode} onChange={(e) => set({ ...p, tuner: { ...p.tuner, mode: e.target.value as Policy['tuner']['mode'] } })}>
          <option value="off">off</option>
          <option value="propose">propose</option>
          <option value="auto">auto</option>
        </select>
      </Field>
      {num('tuner-target', 'Good-answer rate to aim for', 'tuner.target', p.tuner.target, (n) => set({ ...p, tuner: { ...p.tuner, target: n } }), '0.01', 'share of thumbs-up the tuner keeps each tier at, e.g. 0.9')}
      {num('tuner-exploration', 'Share of requests sent one tier up to learn (0–0.2)', 'tuner.exploration', p.tuner.exploration, (n) => set({ ...p, tuner: { ...p.tuner, exploration: n } }), '0.01', 'lets the tuner see how a bigger tier would have done; costs a little')}
      {num('tuner-min-samples', 'Ratings needed before a change', 'tuner.minSamples', p.tuner.minSamples, (n) => set({ ...p, tuner: { ...p.tuner, minSamples: n } }), '1')}
      {num('tuner-max-step', 'Largest threshold move per change', 'tuner.maxStep', p.tuner.maxStep, (n) => set({ ...p, tuner: { ...p.tuner, maxStep: n } }))}
      {num('tuner-floor', 'Lowest threshold allowed', 'tuner.floor', p.tuner.floor, (n) => set({ ...p, tuner: { ...p.tuner, floor: n } }))}
      {num('tuner-ceiling', 'Highest threshold allowed', 'tuner.ceiling', p.tuner.ceiling, (n) => set({ ...p, tuner: { ...p.tuner, ceiling: n } }))}
      <Field id="tuner-noise" label="How often raters press the wrong thumb (blank = measure it)" hint="a share, e.g. 0.05 from a labelling audit; blank: estimated from answers rated twice" error={errs['tuner.raterNoise']}>
        <input
          id="tuner-noise"
          type="number"
          step="0.01"
          value={p.tuner.raterNoise ?? ''}
          onChange={(e) => {
            const { raterNoise: _drop, ...rest } = p.tuner;
            set({ ...p, tuner: e.target.value === '' ? rest : { ...rest, raterNoise: numOrNaN(e.target.value) } });
          }}
          {...invalid('tuner-noise', errs['tuner.raterNoise'])}
        />
      </Field>
      {num('spill-queue', 'Send to the next tier when this many requests wait', 'spill.maxQueue', p.spill.maxQueue, (n) => set({ ...p, spill: { maxQueue: n } }), '1', 'a tier whose queue is deeper is tried after the others')}
    </div>
  );
}
