'use client';
import type { ReactNode } from 'react';

/** A labelled value whose label explains itself on hover (and to screen readers, as its title). */
export function Field({ label, help, children }: { label: string; help: string; children: ReactNode }) {
  return (
    <>
      <dt>
        <abbr title={help} style={{ textDecoration: 'underline dotted', cursor: 'help' }}>{label}</abbr>
      </dt>
      <dd>{children}</dd>
    </>
  );
}

interface Plan {
  kind?: string;
  target?: string | null;
  scoredTarget?: string | null;
  band?: string | null;
  score?: number | null;
  thresholds?: { t1: number; t2: number; t3: number };
  chain?: string[];
  reasons?: string[];
  message?: string;
}

const KIND: Record<string, string> = { cascade: 'one tier, escalating on failure', research: 'research pipeline (plan, sub-questions, synthesis)', reject: 'refused', embeddings: 'embeddings (first embedding tier that answers)' };

/** The routing plan as a person reads it: what was decided, from which score and thresholds, and why. */
export function PlanFields({ plan }: { plan: unknown }) {
  const p = (plan ?? {}) as Plan;
  const t = p.thresholds;
  return (
    <dl className="kv">
      <Field label="Route" help="What the router decided to do with this request.">{KIND[p.kind ?? ''] ?? p.kind ?? '–'}{p.message ? ` — ${p.message}` : ''}</Field>
      <Field label="Target" help="The tier the plan starts with. It can differ from the score's tier when a rule, a budget, the tier load or exploration changed it.">
        {p.target ?? '–'}
        {p.scoredTarget && p.scoredTarget !== p.target ? <span className="muted"> (the score alone said {p.scoredTarget})</span> : null}
      </Field>
      <Field label="Complexity score" help="0 = trivial, 1 = needs research. From the complexity analyzer; the thresholds below turn it into a tier.">
        {typeof p.score === 'number' ? p.score.toFixed(3) : '–'}{p.band ? ` (band ${p.band})` : ''}
      </Field>
      {t && (
        <Field label="Thresholds" help="Scores below the first go to the small tier, below the second to medium, below the third to large, above to research. Set in the routing policy (or tuned from ratings).">
          small below {t.t1} · medium below {t.t2} · large below {t.t3} · research above
        </Field>
      )}
      <Field label="Escalation chain" help="Tiers tried in this order: when one fails or its answer fails a check, the next one answers.">
        {p.chain?.length ? p.chain.join(' → ') : '–'}
      </Field>
      <Field label="Reasons" help="Each step of the decision in plain words, in the order it was taken.">
        {p.reasons?.length ? <ul style={{ margin: 0, paddingLeft: 18 }}>{p.reasons.map((r, i) => <li key={i}>{r}</li>)}</ul> : '–'}
      </Field>
    </dl>
  );
}
