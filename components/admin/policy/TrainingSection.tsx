'use client';
// What the policy keeps of each decision for retraining the models, and for how long. Off by default;
// features are numbers without text; full text only for the keys listed, each with its retention.
// The training job deletes what is past its time (hourly).
import type { Policy } from '@/server/routing/policy';
import { Field, invalid } from '../../Field';

type Full = Policy['training']['fullText'][number];

export function TrainingSection({ p, set, errs, apiKeys }: { p: Policy; set: (p: Policy) => void; errs: Record<string, string>; apiKeys: { id: string; name: string }[] }) {
  const t = p.training;
  const put = (next: Policy['training']) => set({ ...p, training: next });
  const upd = (i: number, f: Full) => put({ ...t, fullText: t.fullText.map((x, j) => (j === i ? f : x)) });
  return (
    <div className="stack">
      <div className="filters">
        <Field id="training-keep" label="Kept for training" hint="Features: the classifier's and the answer judges' feature vectors (numbers, no text), with verdicts; ratings are joined when retraining.">
          <select id="training-keep" value={t.keep} onChange={(e) => put({ ...t, keep: e.target.value as Policy['training']['keep'] })}>
            <option value="off">nothing (default)</option>
            <option value="features">features, no text</option>
          </select>
        </Field>
        <Field id="training-days" label="Keep features for (days)" error={errs['training.retentionDays']}>
          <input id="training-days" type="number" step="1" min="1" max="3650" value={t.retentionDays} onChange={(e) => put({ ...t, retentionDays: Number(e.target.value) })} {...invalid('training-days', errs['training.retentionDays'])} />
        </Field>
      </div>
      {t.fullText.length === 0 && <p className="muted small">No key keeps full text: prompts and answers are never stored beyond the redacted 280-character preview.</p>}
      {t.fullText.map((f, i) => (
        <div key={i} className="filters">
          <Field id={`fulltext-${i}-key`} label="Full text for API key" error={errs[`training.fullText.${i}.apiKeyId`]}>
            <select id={`fulltext-${i}-key`} value={f.apiKeyId} onChange={(e) => upd(i, { ...f, apiKeyId: e.target.value })} {...invalid(`fulltext-${i}-key`, errs[`training.fullText.${i}.apiKeyId`])}>
              <option value="">choose a key</option>
              {apiKeys.map((k) => <option key={k.id} value={k.id}>{k.name}</option>)}
            </select>
          </Field>
          <Field id={`fulltext-${i}-days`} label="Keep text for (days)" error={errs[`training.fullText.${i}.retentionDays`]}>
            <input id={`fulltext-${i}-days`} type="number" step="1" min="1" max="365" value={f.retentionDays} onChange={(e) => upd(i, { ...f, retentionDays: Number(e.target.value) })} {...invalid(`fulltext-${i}-days`, errs[`training.fullText.${i}.retentionDays`])} />
          </Field>
          <button type="button" className="secondary" aria-label={`Remove full text ${i + 1}`} onClick={() => put({ ...t, fullText: t.fullText.filter((_, j) => j !== i) })}>Remove</button>
        </div>
      ))}
      <div>
        <button type="button" className="secondary" onClick={() => put({ ...t, fullText: [...t.fullText, { apiKeyId: '', retentionDays: 30 }] })}>Keep full text for a key</button>
      </div>
    </div>
  );
}
