// Tracing on (an OTLP/HTTP receiver on loopback stands for the collector): one span per tier
// attempt with gen_ai.* attributes, a request span around it, the attempt's W3C traceparent on the
// request the tier received, and a client's traceparent continued.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeUpstream } from '../../test/fixtures/upstream';
import { createTierRegistry } from '../tiers/registry';
import type { TierConfig } from '../tiers/types';
import { tracedTiers } from './traced';
import { startTracing } from './tracing';

interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes: { key: string; value: Record<string, unknown> }[] }

describe('OpenTelemetry traces', () => {
  const bodies: string[] = [];
  const receiver = createServer((req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => (b += c.toString()));
    req.on('end', () => {
      bodies.push(b);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  afterAll(() => void receiver.close());

  it('exports an attempt span with gen_ai attributes and sends its traceparent to the tier', async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const tracing = await startTracing({ endpoint: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`, serviceName: 'cascade-test' });
    const upstream = await startFakeUpstream({ model: 'qwen-7b' });
    const tier: TierConfig = { id: 't1', name: 'small', role: 'small', kind: 'vllm', baseUrl: upstream.baseUrl, model: 'qwen-7b', apiKey: null, inputPricePerM: 1, outputPricePerM: 1, maxConcurrency: 2, timeoutMs: 5_000, enabled: true } as TierConfig;
    const registry = createTierRegistry({ directory: { list: () => [tier], byName: (n) => (n === 'small' ? tier : undefined) }, vllmMetrics: false });
    const traced = tracedTiers(registry, tracing!.tracer);
    await tracing!.tracer.startActiveSpan('request', async (root) => {
      await traced.chat('small', { messages: [{ role: 'user', content: 'hello' }], max_tokens: 32, temperature: 0.2 });
      root.end();
    });
    // a client's traceparent (what the HTTP server continues from) parents the attempt span
    const clientTrace = '0af7651916cd43dd8448eb211c80319c';
    await tracing!.continueFrom({ traceparent: `00-${clientTrace}-b7ad6b7169203331-01` }, () => traced.chat('small', { messages: [{ role: 'user', content: 'again' }] }));
    await tracing!.shutdown(); // flushes the batch processor
    await upstream.close();

    const spans = bodies.flatMap((b) => (JSON.parse(b) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
    const attempt = spans.find((s) => s.name === 'chat qwen-7b')!;
    const root = spans.find((s) => s.name === 'request')!;
    expect(attempt.parentSpanId).toBe(root.spanId);
    const attr = Object.fromEntries(attempt.attributes.map((a) => [a.key, Object.values(a.value)[0]]));
    expect(attr['gen_ai.operation.name']).toBe('chat');
    expect(attr['gen_ai.provider.name']).toBe('vllm');
    expect(attr['gen_ai.request.model']).toBe('qwen-7b');
    expect(Number(attr['gen_ai.request.max_tokens'])).toBe(32);
    expect(Number(attr['gen_ai.usage.output_tokens'])).toBeGreaterThan(0);
    const traceparent = String(upstream.headers[0].traceparent);
    expect(traceparent).toMatch(new RegExp(`^00-${attempt.traceId}-${attempt.spanId}-01$`));
    const continued = spans.find((s) => s.traceId === clientTrace)!;
    expect(continued).toMatchObject({ name: 'chat qwen-7b', parentSpanId: 'b7ad6b7169203331' });
    expect(String(upstream.headers[1].traceparent)).toContain(clientTrace);
  });
});
