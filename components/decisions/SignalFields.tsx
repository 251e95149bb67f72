'use client';
import { pct } from '@/lib/format';
import { Field } from './PlanFields';

interface Signals {
  keywords?: string[];
  lengthBucket?: string;
  tokens?: number;
  sentences?: number;
  questions?: number;
  numberedParts?: number;
  hasCode?: boolean;
  hasMath?: boolean;
  multiPart?: boolean;
  language?: string;
  contextShare?: number;
  topFeatures?: { feature: string; weight: number }[];
  history?: { neighbours?: number; smallSuccessRate?: number | null; shift?: number };
  truncated?: boolean;
  agent?: { assessed?: 'task' | 'last_user'; toolsOffered?: number; toolCalls?: number; toolResults?: number; toolResultChars?: number; floor?: { band: string; reason: string } | null };
  shadow?: { version: string; band: string; score: number };
}

/** Classifier feature names in words: "kw:greeting" -> "keyword “greeting”", "len:tiny" -> "length: tiny". */
export function featureName(f: string): string {
  const [kind, ...rest] = f.split(':');
  const v = rest.join(':');
  if (!v) return `word pattern “${f}”`;
  if (kind === 'kw') return `keyword ${v.split('&').map((x) => `“${x}”`).join(' with ')}`;
  if (kind === 'len') return `length: ${v}`;
  if (kind === 'lang') return `language: ${v}`;
  if (kind === 'struct') return `structure: ${v}`;
  return `${kind}: ${v}`;
}

const yes = (b: boolean | undefined) => (b === undefined ? '–' : b ? 'yes' : 'no');

/** What the complexity analyzer saw in the prompt, labelled, with what each signal means on hover. */
export function SignalFields({ signals }: { signals: unknown }) {
  if (!signals) return <p className="muted">Not recorded (a tier was named in the request, so nothing was assessed).</p>;
  const s = signals as Signals;
  return (
    <dl className="kv">
      <Field label="Keywords" help="Words and phrases the analyzer knows to signal simple or hard requests.">{s.keywords?.length ? s.keywords.join(', ') : 'none'}</Field>
      <Field label="Length" help="Prompt length in tokens (estimated) and its size class.">{s.tokens ?? "–"} token{s.tokens === 1 ? "" : "s"} ({s.lengthBucket ?? '–'}){s.truncated ? ', cut for analysis' : ''}</Field>
      <Field label="Sentences / questions" help="How many sentences and question marks the prompt has.">{s.sentences ?? '–'} / {s.questions ?? '–'}</Field>
      <Field label="Numbered parts" help="Enumerated sub-tasks (1., 2., …): several parts usually mean a harder request.">{s.numberedParts ?? '–'}{s.multiPart ? ' (multi-part request)' : ''}</Field>
      <Field label="Code / math" help="Whether the prompt contains code or mathematical notation.">{yes(s.hasCode)} / {yes(s.hasMath)}</Field>
      <Field label="Language" help="Detected language of the prompt (ISO code).">{s.language ?? '–'}</Field>
      <Field label="Earlier conversation" help="Share of the prompt that is earlier conversation rather than the new question.">{typeof s.contextShare === 'number' ? pct(s.contextShare, 0) : '–'}</Field>
      <Field label="Strongest features" help="The classifier inputs that moved the score most, with their weight (higher = pushed harder).">
        {s.topFeatures?.length ? s.topFeatures.map((f) => `${featureName(f.feature)} (${f.weight.toFixed(2)})`).join(' · ') : '–'}
      </Field>
      {s.history && (
        <Field label="Similar past questions" help="Rated past queries close to this one; their success on the small tier shifts the score.">
          {s.history.neighbours ?? 0} found{typeof s.history.smallSuccessRate === 'number' ? `, ${pct(s.history.smallSuccessRate, 0)} good on small` : ''}{s.history.shift ? `, score shifted ${s.history.shift > 0 ? '+' : ''}${s.history.shift.toFixed(3)}` : ''}
        </Field>
      )}
      {s.agent && (
        <Field label="Agent turn" help="Tools offered, tool calls and results in the conversation: the turn is assessed on the conversation's task and its structure, and an agent turn is at least moderate.">
          {s.agent.toolsOffered ?? 0} tool(s) offered, {s.agent.toolCalls ?? 0} call(s), {s.agent.toolResults ?? 0} result(s); assessed on {s.agent.assessed === 'task' ? 'the conversation’s task' : 'the last user message'}{s.agent.floor ? `; raised to ${s.agent.floor.band}: ${s.agent.floor.reason}` : ''}
        </Field>
      )}
      {s.shadow && (
        <Field label="Shadow classifier" help="A candidate classifier version assessed the same text beside the active one (shadow mode): recorded, never used.">
          {s.shadow.version}: {s.shadow.band} (score {s.shadow.score.toFixed(3)})
        </Field>
      )}
    </dl>
  );
}
