'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { policySchema, type Policy } from '@/server/routing/policy';
import { serverFieldErrors, zodFieldErrors, type FieldErrors } from '@/lib/form-errors';
import { diffPolicies } from '@/lib/policy-diff';
import { errorText, useTRPC } from '@/lib/trpc';
import { Field, invalid } from '../../Field';
import { PolicyHistory } from './PolicyHistory';
import { AnswerJudgingSection } from './AnswerJudgingSection';
import { RateLimitsSection } from './RateLimitsSection';
import { TrainingSection } from './TrainingSection';
import { OverridesSection } from './OverridesSection';
import { BudgetsSection, RulesSection, SettingsSection, TargetsSection } from './PolicySections';
import { ThresholdHandles } from './ThresholdHandles';
import { WhatIfPanel } from './WhatIfPanel';

function Section({ title, children, id }: { title: string; children: ReactNode; id: string }) {
  return (
    <section className="panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** Draft of the routing policy, validated on every change with the server's own zod schema. */
export function PolicyEditor() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const active = useQuery(trpc.policy.active.queryOptions());
  const tiers = useQuery(trpc.tiers.available.queryOptions());
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const bins = useQuery(trpc.analytics.scoreHistogram.queryOptions({ limit: 5000, bins: 40 }));
  const [draft, setDraft] = useState<Policy | null>(null);
  const [reason, setReason] = useState('');
  const [serverErrs, setServerErrs] = useState<FieldErrors>({});
  const [saved, setSaved] = useState<number | null>(null);
  const [submitted, setSubmitted] = useState(false);

  useEffect(() => {
    if (active.data && !draft) setDraft(active.data.document);
  }, [active.data, draft]);

  const check = useMemo(() => (draft ? policySchema.safeParse(draft) : null), [draft]);
  const clientErrs = check && !check.success ? zodFieldErrors(check.error) : {};
  const errs: FieldErrors = { ...serverErrs, ...clientErrs };
  const changes = draft && active.data ? diffPolicies(active.data.document, draft) : [];

  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: trpc.policy.active.queryKey() }), qc.invalidateQueries({ queryKey: trpc.policy.history.queryKey() })]);
  const save = useMutation(trpc.policy.save.mutationOptions({
    onSuccess: async (v) => {
      setSaved(v.version);
      setReason('');
      setSubmitted(false);
      setDraft(v.document);
      await refresh();
    },
    onError: (e) => setServerErrs(serverFieldErrors(e)),
  }));

  function submit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    setSaved(null);
    if (!draft || !check?.success || !reason.trim()) return;
    save.mutate({ document: check.data, reason: reason.trim() });
  }
  const set = (p: Policy) => {
    setDraft(p);
    setServerErrs({});
    setSaved(null);
  };

  if (active.error) return <div className="alert" role="alert">{errorText(active.error)}</div>;
  if (!draft) return <div className="panel empty">Loading the active policy…</div>;
  const nErr = Object.keys(errs).length;

  return (
    <div className="stack">
      <form className="stack" onSubmit={submit} noValidate aria-label="Routing policy">
        <Section id="p-thresholds" title={`Thresholds (active: v${active.data?.version ?? '–'})`}>
          <ThresholdHandles value={draft.thresholds} onChange={(t) => set({ ...draft, thresholds: t })} bins={bins.data} errors={errs} />
        </Section>
        <WhatIfPanel draft={draft} valid={!!check?.success} apiKeys={(keys.data ?? []).filter((k) => !k.revokedAt)} />
        <Section id="p-targets" title="Band → tier and escalation chains">
          <TargetsSection p={draft} set={set} errs={errs} tiers={(tiers.data ?? []).map((t) => t.name)} />
        </Section>
        <Section id="p-rules" title="Rules">
          <RulesSection p={draft} set={set} errs={errs} />
        </Section>
        <Section id="p-budgets" title="Budgets">
          <BudgetsSection p={draft} set={set} errs={errs} apiKeys={(keys.data ?? []).filter((k) => !k.revokedAt)} />
        </Section>
        <Section id="p-rate-limits" title="Rate limits">
          <RateLimitsSection p={draft} set={set} errs={errs} apiKeys={(keys.data ?? []).filter((k) => !k.revokedAt)} />
        </Section>
        <Section id="p-overrides" title="Per-key overrides">
          <OverridesSection p={draft} set={set} errs={errs} apiKeys={(keys.data ?? []).filter((k) => !k.revokedAt)} />
        </Section>
        <Section id="p-judging" title="Answer-side cascade (judge the cheap answer, escalate when bad)">
          <AnswerJudgingSection p={draft} set={set} errs={errs} tiers={(tiers.data ?? []).map((t) => t.name)} />
        </Section>
        <Section id="p-training" title="Kept for training (and for how long)">
          <TrainingSection p={draft} set={set} errs={errs} apiKeys={(keys.data ?? []).filter((k) => !k.revokedAt)} />
        </Section>
        <Section id="p-settings" title="Validators, cache and tuner">
          <SettingsSection p={draft} set={set} errs={errs} />
        </Section>
        <div className="panel stack">
          <div className="row small">
            <strong>{changes.length} change{changes.length === 1 ? '' : 's'} from the active version</strong>
            {nErr > 0 && <span className="field-error" role="alert">{nErr} problem{nErr === 1 ? '' : 's'} to fix before saving</span>}
            {saved !== null && <span className="notice" role="status">Saved as version {saved}; routing uses it now.</span>}
          </div>
          <div className="row" style={{ alignItems: 'flex-end' }}>
            <Field id="policy-reason" label="Why this change (goes to the audit log)" error={submitted && !reason.trim() ? 'say why' : serverErrs.reason} className="wide">
              <input id="policy-reason" value={reason} onChange={(e) => setReason(e.target.value)} style={{ width: 420, maxWidth: '100%' }} {...invalid('policy-reason', submitted && !reason.trim() ? 'say why' : undefined)} />
            </Field>
            <button type="submit" disabled={save.isPending || changes.length === 0}>{save.isPending ? 'Saving…' : 'Save new version'}</button>
            <button type="button" className="secondary" disabled={changes.length === 0} onClick={() => active.data && set(active.data.document)}>Discard changes</button>
          </div>
          {save.error && Object.keys(serverFieldErrors(save.error)).length === 0 && <div className="alert" role="alert">{errorText(save.error)}</div>}
        </div>
      </form>
      <PolicyHistory activeVersion={active.data?.version ?? null} onRolledBack={async (doc) => { await refresh(); setDraft(doc); }} />
    </div>
  );
}
