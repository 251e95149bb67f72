// Span wrappers for the chat service (one span per request) and the tier registry (one span per
// attempt, gen_ai.* attributes). Used only when tracing is on (tracing.ts).
import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { ChatService } from '../contracts/chat';
import type { TierRegistry } from '../tiers/registry';
import type { ChatRequest, TierConfig } from '../tiers/types';

function requestAttrs(span: Span, tier: TierConfig | undefined, req: ChatRequest): void {
  span.setAttributes({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': tier?.kind === 'openai' && /api\.openai\.com/.test(tier.baseUrl) ? 'openai' : (tier?.kind ?? 'unknown'),
    'gen_ai.request.model': tier?.model ?? 'unknown',
    'cascade.tier': tier?.name ?? 'unknown',
  });
  if (tier) {
    try {
      const u = new URL(tier.baseUrl);
      span.setAttributes({ 'server.address': u.hostname, 'server.port': Number(u.port) || (u.protocol === 'https:' ? 443 : 80) });
    } catch {
      // a base URL that does not parse is reported by the connector, not here
    }
  }
  if (req.max_tokens != null) span.setAttribute('gen_ai.request.max_tokens', req.max_tokens);
  if (req.temperature != null) span.setAttribute('gen_ai.request.temperature', req.temperature);
  if (req.top_p != null) span.setAttribute('gen_ai.request.top_p', req.top_p);
}

function fail(span: Span, err: unknown): void {
  const kind = (err as { kind?: unknown })?.kind;
  span.setAttribute('error.type', typeof kind === 'string' ? kind : err instanceof Error ? err.name : 'error');
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

export function tracedTiers(registry: TierRegistry, tracer: Tracer): TierRegistry {
  const start = (name: string, req: ChatRequest) => {
    const tier = registry.tier(name);
    const span = tracer.startSpan(`chat ${tier?.model ?? name}`, { kind: SpanKind.CLIENT });
    requestAttrs(span, tier, req);
    return span;
  };
  return {
    ...registry,
    async chat(name, req, opts) {
      const span = start(name, req);
      try {
        const r = await context.with(trace.setSpan(context.active(), span), () => registry.chat(name, req, opts));
        span.setAttributes({
          'gen_ai.response.model': registry.tier(name)?.model ?? name,
          'gen_ai.response.finish_reasons': [r.finishReason ?? 'stop'],
          'gen_ai.usage.input_tokens': r.usage.prompt_tokens,
          'gen_ai.usage.output_tokens': r.usage.completion_tokens,
        });
        return r;
      } catch (err) {
        fail(span, err);
        throw err;
      } finally {
        span.end();
      }
    },
    async *chatStream(name, req, opts) {
      const span = start(name, req);
      span.setAttribute('cascade.stream', true);
      const ctx = trace.setSpan(context.active(), span);
      const it = context.with(ctx, () => registry.chatStream(name, req, opts)[Symbol.asyncIterator]());
      try {
        for (;;) {
          const next = await context.with(ctx, () => it.next());
          if (next.done) break;
          const c = next.value;
          if (c.finishReason) span.setAttribute('gen_ai.response.finish_reasons', [c.finishReason]);
          if (c.usage) span.setAttributes({ 'gen_ai.usage.input_tokens': c.usage.prompt_tokens, 'gen_ai.usage.output_tokens': c.usage.completion_tokens });
          yield c;
        }
      } catch (err) {
        fail(span, err);
        throw err;
      } finally {
        await it.return?.();
        span.end();
      }
    },
  };
}

export function tracedChat(chat: ChatService, tracer: Tracer): ChatService {
  const run = <T>(fn: (span: Span) => Promise<T>): Promise<T> =>
    tracer.startActiveSpan('cascade.chat', { kind: SpanKind.SERVER }, (span) =>
      fn(span).then(
        (r) => r,
        (err: unknown) => {
          fail(span, err);
          const id = (err as { decisionId?: unknown })?.decisionId;
          if (typeof id === 'string') span.setAttribute('cascade.decision_id', id);
          span.end();
          throw err;
        },
      ),
    );
  const meta = (span: Span, m: { decisionId: string; tier: string | null; band: string | null; cached: boolean }) =>
    span.setAttributes({ 'cascade.decision_id': m.decisionId, 'cascade.tier': m.tier ?? 'none', 'cascade.band': m.band ?? 'none', 'cascade.cached': m.cached, 'gen_ai.operation.name': 'chat' });
  return {
    complete: (principal, req) =>
      run(async (span) => {
        const r = await chat.complete(principal, req);
        meta(span, r);
        span.end();
        return r;
      }),
    stream: (principal, req) =>
      run(async (span) => {
        const s = await chat.stream(principal, req);
        meta(span, s.meta);
        const ctx = trace.setSpan(context.active(), span);
        const inner = s.events[Symbol.asyncIterator]();
        async function* events() {
          try {
            for (;;) {
              const n = await context.with(ctx, () => inner.next());
              if (n.done) return;
              yield n.value;
            }
          } finally {
            await inner.return?.(undefined);
            span.end();
          }
        }
        return { ...s, events: events() };
      }),
  };
}
