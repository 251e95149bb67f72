// Client side of POST /api/chat/stream (server/http/chat-stream.ts). Request { prompt, history }.
// Frames:
//   event: meta     data: { decisionId, tier, band, cached, escalated, simulated }   (again when the tier changes)
//   event: token    data: { content }
//   event: reset    data: { reason? }   (an escalation discards the partial answer; not sent today)
//   event: done     data: { decisionId, tier, band, costUsd, usage, finishReason, cached, escalated, simulated }
//   event: error    data: { code, message }
//   event: progress data: { stage: 'plan' | 'sub' | 'synthesize', done, total }   (research, before meta)
// Unknown frames are ignored so the server can add events without breaking the page.
import { readSse } from './sse';

export interface AnswerMeta {
  decisionId: string | null;
  tier: string | null;
  band: string | null;
  cached: boolean;
  escalated: boolean;
  simulated: boolean;
  costUsd: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  /** Calls the decision made (escalations, research steps); 0 for a cache hit. */
  attempts: number | null;
  latencyMs: number | null;
}

export const emptyMeta = (): AnswerMeta => ({
  decisionId: null, tier: null, band: null, cached: false, escalated: false, simulated: false,
  costUsd: null, tokensIn: null, tokensOut: null, attempts: null, latencyMs: null,
});

export type StreamUpdate =
  | { kind: 'text'; text: string }
  | { kind: 'reset' }
  | { kind: 'meta'; meta: Partial<AnswerMeta> }
  | { kind: 'error'; message: string }
  | { kind: 'progress'; progress: ResearchStep };

/** Where a research answer's preparation is: planning, sub-questions answered, writing. */
export interface ResearchStep {
  stage: 'plan' | 'sub' | 'synthesize';
  done: number;
  total: number;
}

/** The line shown while a research answer is prepared. */
export function progressText(p: ResearchStep): string {
  if (p.stage === 'plan') return 'Research: planning sub-questions…';
  if (p.stage === 'sub') return `Research: ${p.done} of ${p.total} sub-question${p.total === 1 ? '' : 's'} answered`;
  return 'Research: writing the answer from the findings…';
}

function num(v: unknown): number | null | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Maps one frame's JSON to the fields of AnswerMeta it carries (pure, for reuse and tests). */
export function metaFrom(d: Record<string, unknown>): Partial<AnswerMeta> {
  const m: Partial<AnswerMeta> = {};
  if (typeof d.decisionId === 'string') m.decisionId = d.decisionId;
  if (typeof d.tier === 'string') m.tier = d.tier;
  if (typeof d.band === 'string') m.band = d.band;
  const cache = d.cacheStatus ?? d.cache;
  if (typeof d.cached === 'boolean') m.cached = d.cached;
  else if (cache === 'exact' || cache === 'semantic') m.cached = true;
  if (typeof d.escalated === 'boolean') m.escalated = d.escalated;
  else if (typeof d.escalations === 'number') m.escalated = d.escalations > 0;
  if (typeof d.simulated === 'boolean') m.simulated = d.simulated;
  const cost = num(d.costUsd ?? d.cost);
  if (cost !== undefined) m.costUsd = cost;
  const usage = (d.usage ?? {}) as { prompt_tokens?: unknown; completion_tokens?: unknown };
  const ti = num(d.tokensIn ?? usage.prompt_tokens);
  if (ti !== undefined) m.tokensIn = ti;
  const to = num(d.tokensOut ?? usage.completion_tokens);
  if (to !== undefined) m.tokensOut = to;
  const att = num(d.attempts);
  if (att !== undefined) m.attempts = att;
  const lat = num(d.latencyMs);
  if (lat !== undefined) m.latencyMs = lat;
  return m;
}

export async function* streamChat(
  prompt: string,
  history: { role: 'user' | 'assistant'; content: string }[],
  signal?: AbortSignal,
  image?: string,
): AsyncGenerator<StreamUpdate> {
  const res = await fetch('/api/chat/stream', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(image ? { prompt, history, image } : { prompt, history }),
    signal,
  });
  if (!res.ok || !res.body) {
    let message = `The server answered ${res.status}.`;
    try {
      const j = (await res.json()) as { error?: { message?: string } | string; message?: string };
      message = (typeof j.error === 'string' ? j.error : j.error?.message) ?? j.message ?? message;
    } catch {
      /* body was not JSON: keep the status text */
    }
    yield { kind: 'error', message };
    return;
  }
  for await (const f of readSse(res.body, signal)) {
    let d: Record<string, unknown> = {};
    try {
      d = JSON.parse(f.data) as Record<string, unknown>;
    } catch {
      if (f.event === 'delta' || f.event === 'message') yield { kind: 'text', text: f.data };
      continue;
    }
    if (f.event === 'delta' || f.event === 'token') {
      const t = d.text ?? d.content ?? d.delta;
      if (typeof t === 'string') yield { kind: 'text', text: t };
    } else if (f.event === 'reset' || f.event === 'escalate' || f.event === 'escalation') {
      yield { kind: 'reset' };
      yield { kind: 'meta', meta: { escalated: true } };
    } else if (f.event === 'meta' || f.event === 'done' || f.event === 'decision') {
      yield { kind: 'meta', meta: metaFrom(d) };
    } else if (f.event === 'progress') {
      const stage = d.stage;
      if (stage === 'plan' || stage === 'sub' || stage === 'synthesize') yield { kind: 'progress', progress: { stage, done: Number(d.done) || 0, total: Number(d.total) || 0 } };
    } else if (f.event === 'error') {
      yield { kind: 'error', message: typeof d.message === 'string' ? d.message : 'The answer failed.' };
    }
  }
}
