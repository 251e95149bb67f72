// OpenTelemetry traces, only when OTEL_EXPORTER_OTLP_ENDPOINT is set: without it nothing here is
// loaded or wrapped (no SDK, no span objects, no hooks). With it: one span per request and one
// per tier attempt with the GenAI semantic-convention attributes (gen_ai.*), exported over
// OTLP/HTTP, and the W3C traceparent of the attempt span sent to the tier (vLLM and most servers
// continue it).
import { subscribe } from 'node:diagnostics_channel';
import type { Tracer } from '@opentelemetry/api';

export interface Tracing {
  tracer: Tracer;
  /** Runs `fn` as a continuation of the W3C trace context in `headers` (a client's traceparent). */
  continueFrom<T>(headers: Record<string, string | string[] | undefined>, fn: () => T): T;
  shutdown(): Promise<void>;
}

let active: Tracing | null = null;

/** The process's tracing, when started. */
export function tracing(): Tracing | null {
  return active;
}

export async function startTracing(o: { endpoint?: string; serviceName: string }): Promise<Tracing | null> {
  if (!o.endpoint || active) return active;
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }, api] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/api'),
  ]);
  const url = o.endpoint.replace(/\/+$/, '');
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': o.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: url.endsWith('/v1/traces') ? url : `${url}/v1/traces` }))],
  });
  // AsyncLocalStorage context and the W3C trace-context propagator, process-wide.
  provider.register();
  // Tier calls go through undici's request(): add the active span's traceparent to each one.
  subscribe('undici:request:create', (message) => {
    const { request } = message as { request: { addHeader(name: string, value: string): void } };
    const carrier: Record<string, string> = {};
    api.propagation.inject(api.context.active(), carrier);
    for (const [k, v] of Object.entries(carrier)) request.addHeader(k, v);
  });
  active = {
    tracer: api.trace.getTracer('cascade'),
    continueFrom: (headers, fn) => api.context.with(api.propagation.extract(api.ROOT_CONTEXT, headers), fn),
    shutdown: () => provider.shutdown(),
  };
  return active;
}
