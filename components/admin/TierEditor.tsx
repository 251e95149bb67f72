'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { serverFieldErrors, zodFieldErrors, type FieldErrors } from '@/lib/form-errors';
import { errorText, useTRPC } from '@/lib/trpc';
import { Field, invalid } from '../Field';
import { tierFormSchema } from './tier-form-schema';
import { CAPABILITY_LABELS, DEFAULT_CAPABILITIES, type TierCapabilities } from '../../server/tiers/capabilities';
import { NO_FIELD_RULES, splitFieldList, type TierRequestFields } from '../../server/tiers/request-fields';

export interface TierDraft {
  id?: string;
  name: string;
  role: string;
  kind: string;
  baseUrl: string;
  model: string;
  apiKey: string;
  inputPricePerM: string;
  outputPricePerM: string;
  maxConcurrency: string;
  timeoutMs: string;
  enabled: boolean;
  caps: CapabilityDraft;
  /** Field names as typed, comma or space separated. */
  fields: { drop: string; reject: string };
}

export function fieldsDraft(f: TierRequestFields = NO_FIELD_RULES): TierDraft['fields'] {
  return { drop: f.drop.join(', '), reject: f.reject.join(', ') };
}

/** The capability switches and limits as the form holds them (limits as text: blank means none). */
export type CapabilityDraft = Record<keyof typeof CAPABILITY_LABELS, boolean> & { contextTokens: string; maxOutputTokens: string };

export function capabilityDraft(c: TierCapabilities = DEFAULT_CAPABILITIES): CapabilityDraft {
  const { contextTokens, maxOutputTokens, ...flags } = c;
  return { ...flags, contextTokens: contextTokens === null ? '' : String(contextTokens), maxOutputTokens: maxOutputTokens === null ? '' : String(maxOutputTokens) };
}

export const emptyTier = (): TierDraft => ({
  name: '', role: 'small', kind: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', model: '', apiKey: '',
  inputPricePerM: '0', outputPricePerM: '0', maxConcurrency: '16', timeoutMs: '60000', enabled: true, caps: capabilityDraft(),
  fields: fieldsDraft(),
});

/** The list's own error, else the first on one of its names (keyed by index: requestFields.drop.1). */
const listError = (errors: FieldErrors, key: string) => errors[key] ?? Object.entries(errors).find(([k]) => k.startsWith(`${key}.`))?.[1];

const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));

/** Create or edit one tier. Validates with the tier schema before sending; the server checks again. */
export function TierEditor({ initial, onDone }: { initial: TierDraft; onDone: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [d, setD] = useState<TierDraft>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [test, setTest] = useState<string | null>(null);
  const done = () => {
    void qc.invalidateQueries({ queryKey: trpc.tiers.list.queryKey() });
    onDone();
  };
  const create = useMutation(trpc.tiers.create.mutationOptions({ onSuccess: done, onError: (e) => setErrors(serverFieldErrors(e)) }));
  const update = useMutation(trpc.tiers.update.mutationOptions({ onSuccess: done, onError: (e) => setErrors(serverFieldErrors(e)) }));
  const testConn = useMutation(trpc.tiers.testConnection.mutationOptions({
    onSuccess: (r) => setTest(r.ok ? `Connected in ${r.latencyMs} ms · models: ${r.models.slice(0, 5).join(', ') || 'none listed'}` : `Failed: ${r.error ?? 'unknown error'}`),
    onError: (e) => setTest(`Failed: ${errorText(e)}`),
  }));
  const set = (k: keyof TierDraft) => (e: { target: { value: string } }) => setD({ ...d, [k]: e.target.value });

  function parse() {
    const { caps, fields: named, ...fields } = d;
    const limit = (s: string) => (s.trim() === '' ? null : num(s));
    const r = tierFormSchema.safeParse({
      ...fields,
      capabilities: { ...caps, contextTokens: limit(caps.contextTokens), maxOutputTokens: limit(caps.maxOutputTokens) },
      requestFields: { drop: splitFieldList(named.drop), reject: splitFieldList(named.reject) },
      apiKey: d.apiKey === '' ? undefined : d.apiKey,
      inputPricePerM: num(d.inputPricePerM), outputPricePerM: num(d.outputPricePerM),
      maxConcurrency: num(d.maxConcurrency), timeoutMs: num(d.timeoutMs),
    });
    setErrors(r.success ? {} : zodFieldErrors(r.error));
    return r.success ? r.data : null;
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const v = parse();
    if (!v) return;
    if (d.id) update.mutate({ id: d.id, patch: v });
    else create.mutate(v);
  }

  const pending = create.isPending || update.isPending;
  const err = create.error ?? update.error;
  const F = (k: keyof TierDraft, label: string, props: Record<string, unknown> = {}, hint?: string) => (
    <Field id={`tier-${k}`} label={label} error={errors[k]} hint={hint}>
      <input id={`tier-${k}`} value={String(d[k])} onChange={set(k)} {...invalid(`tier-${k}`, errors[k])} {...props} />
    </Field>
  );

  return (
    <form className="panel stack" onSubmit={submit} noValidate aria-label={d.id ? `Edit tier ${initial.name}` : 'New tier'}>
      <h2>{d.id ? `Edit tier ${initial.name}` : 'New tier'}</h2>
      <div className="grid grid-4">
        {F('name', 'Name', {}, 'clients can force it as the model')}
        <Field
          id="tier-role"
          label="Role"
          error={errors.role}
          hint={d.role === 'embedding' ? 'the semantic cache embeds with the first enabled embedding tier from the next start; re-tune its similarity threshold for this model' : 'its size class: which routing targets it can serve'}
        >
          <select id="tier-role" value={d.role} onChange={set('role')}>
            {['small', 'medium', 'large', 'embedding'].map((r) => <option key={r}>{r}</option>)}
          </select>
        </Field>
        <Field id="tier-kind" label="Kind" error={errors.kind} hint="vllm: also read its /metrics for queue and cache load; simulated: built-in test answers">
          <select id="tier-kind" value={d.kind} onChange={set('kind')}>
            {['openai', 'vllm', 'simulated'].map((r) => <option key={r}>{r}</option>)}
          </select>
        </Field>
        {F('model', 'Model')}
        {F('baseUrl', 'Base URL')}
        {F('apiKey', d.id ? 'API key (blank keeps the stored one)' : 'API key', { type: 'password', autoComplete: 'off' })}
        {F('inputPricePerM', 'Input $ / M tokens', { inputMode: 'decimal' })}
        {F('outputPricePerM', 'Output $ / M tokens', { inputMode: 'decimal' })}
        {F('maxConcurrency', 'Max concurrency', { inputMode: 'numeric' })}
        {F('timeoutMs', 'Timeout (ms)', { inputMode: 'numeric' })}
        <div className="field">
          <span style={{ fontWeight: 550, fontSize: 12.5, marginBottom: 4 }}>Status</span>
          <label className="checkbox" htmlFor="tier-enabled">
            <input id="tier-enabled" type="checkbox" checked={d.enabled} onChange={(e) => setD({ ...d, enabled: e.target.checked })} /> enabled
          </label>
        </div>
      </div>
      <fieldset className="stack" style={{ border: 'none', padding: 0, margin: 0 }}>
        <legend style={{ fontWeight: 550, fontSize: 12.5 }}>Serves</legend>
        <p className="small muted" style={{ margin: 0 }}>Routing sends a request only to tiers that can serve it: an image to a tier that takes images, a long prompt to one with room.</p>
        <div className="row" style={{ flexWrap: 'wrap', gap: 12 }}>
          {(Object.keys(CAPABILITY_LABELS) as (keyof typeof CAPABILITY_LABELS)[]).map((k) => (
            <label key={k} className="checkbox" htmlFor={`tier-cap-${k}`}>
              <input id={`tier-cap-${k}`} type="checkbox" checked={d.caps[k]} onChange={(e) => setD({ ...d, caps: { ...d.caps, [k]: e.target.checked } })} /> {CAPABILITY_LABELS[k]}
            </label>
          ))}
        </div>
        <div className="grid grid-4">
          <Field id="tier-cap-context" label="Context window (tokens)" error={errors['capabilities.contextTokens']} hint="prompt plus answer; blank: not limited, or for kind vllm the server's max_model_len">
            <input id="tier-cap-context" inputMode="numeric" value={d.caps.contextTokens} onChange={(e) => setD({ ...d, caps: { ...d.caps, contextTokens: e.target.value } })} />
          </Field>
          <Field id="tier-cap-output" label="Longest answer (tokens)" error={errors['capabilities.maxOutputTokens']} hint="blank: not limited">
            <input id="tier-cap-output" inputMode="numeric" value={d.caps.maxOutputTokens} onChange={(e) => setD({ ...d, caps: { ...d.caps, maxOutputTokens: e.target.value } })} />
          </Field>
        </div>
      </fieldset>
      <fieldset className="stack" style={{ border: 'none', padding: 0, margin: 0 }}>
        <legend style={{ fontWeight: 550, fontSize: 12.5 }}>Request fields</legend>
        <p className="small muted" style={{ margin: 0 }}>Cascade forwards every field the client sent. For a server that refuses some: drop them before calling this tier, or keep requests that carry them off this tier.</p>
        <div className="grid grid-4">
          <Field id="tier-fields-drop" label="Drop" error={listError(errors, 'requestFields.drop')} hint="removed before the call, e.g. logit_bias, metadata">
            <input id="tier-fields-drop" value={d.fields.drop} onChange={(e) => setD({ ...d, fields: { ...d.fields, drop: e.target.value } })} {...invalid('tier-fields-drop', listError(errors, 'requestFields.drop'))} />
          </Field>
          <Field id="tier-fields-reject" label="Refuse" error={listError(errors, 'requestFields.reject')} hint="a request carrying one goes to another tier">
            <input id="tier-fields-reject" value={d.fields.reject} onChange={(e) => setD({ ...d, fields: { ...d.fields, reject: e.target.value } })} {...invalid('tier-fields-reject', listError(errors, 'requestFields.reject'))} />
          </Field>
        </div>
      </fieldset>
      {err && Object.keys(serverFieldErrors(err)).length === 0 && <div className="alert" role="alert">{errorText(err)}</div>}
      {test && <div className={test.startsWith('Connected') ? 'notice' : 'alert'} role="status">{test}</div>}
      <div className="row">
        <button type="submit" disabled={pending}>{pending ? 'Saving…' : d.id ? 'Save tier' : 'Create tier'}</button>
        <button
          type="button"
          className="secondary"
          disabled={testConn.isPending}
          onClick={() => {
            const v = parse();
            if (v) testConn.mutate(d.id && !d.apiKey ? { id: d.id } : { draft: v });
          }}
        >
          {testConn.isPending ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" className="ghost" onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}
