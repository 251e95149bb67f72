'use client';
// The answer-side cascade per band: route / cascade / hybrid, which judges, their thresholds, and
// whether a streamed cheap answer is held until judged. Each control reports errors at its zod path.
import { CASCADE_MODES, JUDGE_NAMES, type Policy } from '@/server/routing/policy';
import { Field, invalid } from '../../Field';

type Set = (p: Policy) => void;
type Errs = Record<string, string>;
const BANDS = ['small', 'medium', 'large'] as const;
const numOrNaN = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));

export function AnswerJudgingSection({ p, set, errs, tiers }: { p: Policy; set: Set; errs: Errs; tiers: string[] }) {
  const aj = p.answerJudging;
  const band = (b: (typeof BANDS)[number], patch: Partial<Policy['answerJudging']['small']>) => set({ ...p, answerJudging: { ...aj, [b]: { ...aj[b], ...patch } } });
  const num = (b: (typeof BANDS)[number], key: 'acceptThreshold' | 'uncertainBelow' | 'judgeAcceptScore' | 'hybridMaxScore', label: string) => {
    const id = `aj-${b}-${key}`;
    const path = `answerJudging.${b}.${key}`;
    return (
      <Field key={id} id={id} label={label} error={errs[path]}>
        <input id={id} type="number" step="0.01" min={0} max={1} value={Number.isFinite(aj[b][key]) ? aj[b][key] : ''} onChange={(e) => band(b, { [key]: numOrNaN(e.target.value) })} {...invalid(id, errs[path])} />
      </Field>
    );
  };
  return (
    <div>
      <div className="grid grid-4">
        <Field id="aj-judge-tier" label="Judge tier (role judge)" hint="graded by the judge_tier judge" error={errs['answerJudging.judgeTier']}>
          <select id="aj-judge-tier" value={aj.judgeTier ?? ''} onChange={(e) => set({ ...p, answerJudging: { ...aj, judgeTier: e.target.value || null } })} {...invalid('aj-judge-tier', errs['answerJudging.judgeTier'])}>
            <option value="">none</option>
            {[...new Set([...tiers, ...(aj.judgeTier ? [aj.judgeTier] : [])])].map((n) => <option key={n}>{n}</option>)}
          </select>
        </Field>
      </div>
      {BANDS.map((b) => (
        // A div, not a fieldset: a fieldset's min-content width would widen the whole editor on a phone.
        <div key={b} role="group" aria-labelledby={`aj-${b}-title`} style={{ margin: '8px 0', minWidth: 0 }}>
          <div id={`aj-${b}-title`} style={{ fontWeight: 550, fontSize: 12.5 }}>{b} band</div>
          <div className="grid grid-4">
          <Field id={`aj-${b}-mode`} label="Mode" hint="route: prompt only; cascade: cheap try, judge, escalate; hybrid: cheap try below a prompt score" error={errs[`answerJudging.${b}.mode`]}>
            <select id={`aj-${b}-mode`} value={aj[b].mode} onChange={(e) => band(b, { mode: e.target.value as (typeof CASCADE_MODES)[number] })}>
              {CASCADE_MODES.map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
          </Field>
          <div className="field">
            <span style={{ fontWeight: 550, fontSize: 12.5, marginBottom: 4 }}>Judges</span>
            {JUDGE_NAMES.map((j) => (
              <label key={j} className="checkbox" htmlFor={`aj-${b}-${j}`}>
                <input id={`aj-${b}-${j}`} type="checkbox" checked={aj[b].judges.includes(j)} onChange={(e) => band(b, { judges: e.target.checked ? JUDGE_NAMES.filter((x) => x === j || aj[b].judges.includes(x)) : aj[b].judges.filter((x) => x !== j) })} /> {j}
              </label>
            ))}
            {errs[`answerJudging.${b}.judges`] && <span className="field-error" role="alert">{errs[`answerJudging.${b}.judges`]}</span>}
          </div>
          {num(b, 'acceptThreshold', 'Accept at model P ≥')}
          {num(b, 'uncertainBelow', 'Uncertain from (dearer judges ask)')}
          {num(b, 'judgeAcceptScore', 'Judge tier accepts at grade ≥ (0–1)')}
          {num(b, 'hybridMaxScore', 'Hybrid: cheap try below prompt score')}
          <Field
            id={`aj-${b}-stream`}
            label="Streaming"
            error={errs[`answerJudging.${b}.stream`]}
            hint="hold: the cheap answer waits for its verdict; stream at once: the verdict is only recorded"
          >
            <select id={`aj-${b}-stream`} value={aj[b].stream} onChange={(e) => band(b, { stream: e.target.value as 'hold' | 'unjudged' })}>
              <option value="hold">hold until judged</option>
              <option value="unjudged">stream at once</option>
            </select>
          </Field>
          </div>
        </div>
      ))}
    </div>
  );
}
