// POST /api/chat/stream: the chat page's server-sent events. Tokens as they come, then one final
// event with the decision facts (id, tier, band, cost, badges). Events:
//   meta  {decisionId, tier, band, cached, escalated, simulated}     once, before the first token
//   token {content}                                                    many
//   done  {decisionId, tier, band, costUsd, usage, attempts, tokensIn, tokensOut, finishReason, cached, escalated, simulated}
//         (costUsd, attempts and tokens are the decision's, over every attempt; usage is the answering call's)
//   error {code, message}                                              instead of done, if the answer failed
//   progress {stage: plan|sub|synthesize, done, total, decisionId}     research only, before meta
// The request may attach one image to the prompt (a data URL): routing then sends it to a tier that
// takes images, and a 400 says so when none does.
// A research request takes seconds before its first token (plan, sub-questions). Its first progress
// event commits the response (200, SSE) so the page can show where it is; a failure after that is an
// error event, like a failure mid-stream. Every other request keeps the HTTP status of its outcome.
// As on the API (chat-completions.ts), the final frame (done or error) leaves only once the decision
// is in the local journal (`durable`): an answer the user saw is never lost to a crash.
import { resolveKnownModel } from '../gateway/resolve-model';
import { z } from 'zod';
import type { ResearchProgress } from '../routing/research';
import type { Principal } from '../contracts/principal';
import type { ChatService, ChatStream } from '../contracts/chat';
import type { TierDirectory } from '../contracts/ports';
import type { ChatMessage } from '../tiers/types';
import { readJsonBody } from './body';
import { HttpError, toHttpError } from './errors';
import { errorResult, type HttpResult } from './result';

/** The largest attached image, as data URL characters (~2.2 MB of image, within the default body limit). */
export const CHAT_IMAGE_MAX_CHARS = 3_000_000;

export const chatStreamInput = z.object({
  prompt: z.string().trim().min(1, 'prompt must not be empty').max(200_000, 'prompt is too long'),
  history: z
    .array(z.object({ role: z.enum(['user', 'assistant']), content: z.string().trim().min(1, 'message must not be empty') }))
    .max(100)
    .default([]),
  system: z.string().max(20_000).optional(),
  model: z.string().min(1).default('auto'),
  maxTokens: z.number().int().positive().max(32_768).optional(),
  /** An image attached to the prompt, as a data URL; routing then needs a tier that takes images. */
  image: z
    .string()
    .max(CHAT_IMAGE_MAX_CHARS, 'the image is too large (at most about 2 MB)')
    .regex(/^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+=*$/, 'image must be a PNG, JPEG, GIF or WebP data URL (data:image/…;base64,…)')
    .optional(),
});

export interface ChatStreamDeps {
  chat: ChatService;
  tiers: TierDirectory;
  maxBodyBytes: number;
  /** Resolves once every decision recorded so far is on local disk (the recorder's journal). */
  durable?: () => Promise<void>;
}

export async function chatStreamHandler(
  deps: ChatStreamDeps,
  principal: Principal | null,
  req: { body: AsyncIterable<Uint8Array> | null; contentLength: string | null; signal?: AbortSignal },
): Promise<HttpResult> {
  try {
    if (!principal) throw new HttpError(401, 'Sign in to chat.', 'authentication_error', null, 'unauthorized');
    if (principal.mustChangePassword) throw new HttpError(403, 'Choose a new password first (your account has a temporary password).', 'permission_error', null, 'forbidden');
    const raw = await readJsonBody(req.body, deps.maxBodyBytes, req.contentLength);
    const parsed = chatStreamInput.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      const param = i.path.map(String).join('.') || null;
      throw new HttpError(400, param ? `${param}: ${i.message}` : i.message, 'invalid_request_error', param, 'invalid_request');
    }
    const input = parsed.data;
    const model = resolveKnownModel(deps.tiers, input.model);
    const messages: ChatMessage[] = [
      ...(input.system ? [{ role: 'system' as const, content: input.system }] : []),
      ...input.history,
      input.image
        ? { role: 'user', content: input.prompt, parts: [{ type: 'text', text: input.prompt }, { type: 'image_url', image_url: { url: input.image } }] }
        : { role: 'user', content: input.prompt },
    ];
    const progress = new ProgressQueue();
    const pending = deps.chat.stream(principal, { model, messages, max_tokens: input.maxTokens, source: 'chat', signal: req.signal, onProgress: (p) => progress.push(p) });
    pending.catch(() => undefined); // observed below, possibly after the race
    const first = await Promise.race([pending.then((stream) => ({ stream })), progress.first()]);
    if ('stream' in first) return sse(first.stream.meta.decisionId, events(first.stream, deps.durable));
    return sse(first.decisionId, early(progress, pending, deps.durable));
  } catch (err) {
    const e = toHttpError(err);
    // A refusal or failure that was recorded (it has a decision id) is answered once that record is safe.
    if (e.decisionId) await deps.durable?.();
    return errorResult(e);
  }
}

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

type Progress = ResearchProgress & { decisionId: string };

function sse(decisionId: string, stream: AsyncGenerator<string>): HttpResult {
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no', 'x-cascade-decision-id': decisionId },
    stream,
  };
}

/** Progress events in arrival order, waited on one at a time. */
class ProgressQueue {
  private items: Progress[] = [];
  private wake: (() => void) | null = null;
  private firstSeen: Promise<Progress>;
  private resolveFirst!: (p: Progress) => void;
  constructor() {
    this.firstSeen = new Promise((resolve) => (this.resolveFirst = resolve));
  }
  push(p: Progress) {
    this.items.push(p);
    this.resolveFirst(p);
    this.wake?.();
  }
  first(): Promise<Progress> {
    return this.firstSeen;
  }
  take(): Progress[] {
    const out = this.items;
    this.items = [];
    return out;
  }
  next(): Promise<void> {
    return this.items.length > 0 ? Promise.resolve() : new Promise((resolve) => (this.wake = resolve));
  }
}

/** A research answer: progress frames until the stream is ready, then the stream's own frames (or an error frame). */
async function* early(progress: ProgressQueue, pending: Promise<ChatStream>, durable?: () => Promise<void>): AsyncGenerator<string> {
  let settled: { stream: ChatStream } | { error: unknown } | null = null;
  const done = pending.then((stream) => (settled = { stream }), (error: unknown) => (settled = { error }));
  let decisionId = '';
  for (;;) {
    for (const p of progress.take()) {
      decisionId = p.decisionId;
      yield frame('progress', { stage: p.stage, done: p.done, total: p.total, decisionId: p.decisionId });
    }
    if (settled) break;
    await Promise.race([done, progress.next()]);
  }
  const s = settled as { stream: ChatStream } | { error: unknown };
  if ('stream' in s) {
    yield* events(s.stream, durable);
    return;
  }
  const e = toHttpError(s.error);
  await durable?.();
  yield frame('error', { code: e.code ?? 'internal_error', message: e.message, decisionId });
}

async function* events(stream: ChatStream, durable?: () => Promise<void>): AsyncGenerator<string> {
  let meta = { ...stream.meta };
  const badges = () => ({ cached: meta.cached, escalated: meta.escalated, simulated: meta.simulated });
  yield frame('meta', { decisionId: meta.decisionId, tier: meta.tier, band: meta.band, ...badges() });
  /** The last frame, held back until the events ended (the decision is recorded then) and it is on disk. */
  let last: string | null = null;
  try {
    for await (const ev of stream.events) {
      if (ev.type === 'delta') yield frame('token', { content: ev.content });
      else if (ev.type === 'meta') {
        meta = { ...meta, ...ev.meta };
        yield frame('meta', { decisionId: meta.decisionId, tier: meta.tier, band: meta.band, ...badges() });
      } else if (ev.type === 'error') {
        last = frame('error', { code: ev.code, message: ev.message, decisionId: meta.decisionId });
        break;
      } else if (ev.type === 'done') {
        meta = { ...meta, ...ev.meta };
        // tokensIn / tokensOut / attempts: the decision's totals (every attempt), the same numbers its page shows.
        last = frame('done', { decisionId: meta.decisionId, tier: meta.tier, band: meta.band, costUsd: ev.costUsd, usage: ev.usage, ...(ev.totals ?? {}), finishReason: ev.finishReason, ...badges() });
      }
    }
  } catch (err) {
    const e = toHttpError(err);
    last = frame('error', { code: e.code ?? 'internal_error', message: e.message, decisionId: meta.decisionId });
  }
  await durable?.();
  if (last) yield last;
}
